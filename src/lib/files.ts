// Reading user-supplied files and standard input, with errors a user can act on.
import {readFile} from 'node:fs/promises'

import {PluginError, usageError} from './errors.js'

const DEFAULT_MAX_BYTES = 1024 * 1024

/** Reads a whole text file; `what` names it in messages ("private key"). */
export async function readTextFile(path: string, what: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (error) {
    throw fileError(error, path, what)
  }

  if (data.length > maxBytes) {
    throw usageError(`${what} file ${path} is ${data.length} bytes; that is too large for a ${what} (at most ${maxBytes})`)
  }

  return data.toString('utf8')
}

function fileError(error: unknown, path: string, what: string): PluginError {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT': {
      return usageError(`${what} file not found: ${path}`, error)
    }

    case 'EACCES':
    case 'EPERM': {
      return usageError(`cannot read ${what} file ${path}: permission denied`, error)
    }

    case 'EISDIR': {
      return usageError(`${path} is a directory; give the path of the ${what} file`, error)
    }

    default: {
      return usageError(`cannot read ${what} file ${path}: ${code ?? String(error)}`, error)
    }
  }
}

/**
 * Reads all of standard input. Refuses a terminal (it would wait forever for a paste that a
 * script never sends) and an empty input.
 */
export async function readStdin(what: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  if (process.stdin.isTTY) {
    throw usageError(`expected the ${what} on standard input, but standard input is a terminal; pipe it in or give a file`)
  }

  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > maxBytes) throw usageError(`standard input is larger than ${maxBytes} bytes; that is too large for a ${what}`)
    chunks.push(buffer)
  }

  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw usageError(`standard input was empty; expected the ${what}`)
  return text
}
