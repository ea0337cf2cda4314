// The small HTTP vocabulary the sandbox's routes share: an answer value and body parsing.
import type {IncomingMessage} from 'node:http'

export interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): Answer => ({
  body,
  headers,
  status,
})

export class BadBody extends Error {}

const MAX_BODY = 1024 * 1024

/** The raw request body, refused past 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new BadBody(`body larger than ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }

  return Buffer.concat(chunks).toString('utf8')
}

/** The body as JSON (undefined when empty); BadBody when it is not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new BadBody('body is not valid JSON')
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One page of `all` the way both Vonage APIs page their lists: a 1-based page of `pageSize`, and
 * HAL `_links` (first, last, self, and next/prev where they exist) built by `href(pageNumber)`.
 */
export function halPage<T>(all: T[], page: number, pageSize: number, href: (pageNumber: number) => string) {
  const last = Math.max(1, Math.ceil(all.length / pageSize))
  const link = (n: number) => ({href: href(n)})
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    last,
    links: {
      first: link(1),
      last: link(last),
      self: link(page),
      ...(page < last ? {next: link(page + 1)} : {}),
      ...(page > 1 ? {prev: link(page - 1)} : {}),
    },
  }
}
