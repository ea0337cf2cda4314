// Small formatting helpers shared by the commands' human-readable output.
import stringWidth from 'string-width'

import {type JwtReport, type SignatureCheck, timeClaimsProblem} from './jwt.js'
import type {FleetProgress} from './progress.js'

/** The most seconds from 1970, either way, a Date can show: into the year 275760, back to 271822 BC. */
const DATE_LIMIT_SECONDS = 8_640_000_000_000

/**
 * "2026-11-29 13:12:42 UTC" for a time in seconds since 1970. Never throws: a time no Date can show
 * (a token's exp of 1e300, a Retry-After in the far future) is said in words instead.
 */
export function formatTime(seconds: number): string {
  const date = new Date(seconds * 1000)
  if (!Number.isNaN(date.getTime()))
    return date
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ' UTC')
  if (Number.isNaN(seconds)) return 'an unknown time'
  return seconds > 0 ? 'a time beyond the year 275760' : 'a time before the year 271822 BC'
}

/** "in 14 min 59 s" or "2 h 3 min ago": a time relative to `now`, both in seconds. */
export function formatRelative(seconds: number, now: number): string {
  const delta = seconds - now
  if (Number.isNaN(delta)) return 'at an unknown time'
  if (delta === 0) return 'now'
  const span = formatDuration(Math.abs(delta))
  return delta > 0 ? `in ${span}` : `${span} ago`
}

const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86_400],
  ['h', 3600],
  ['min', 60],
  ['s', 1],
]

/**
 * Beyond this a count of days means nothing to a reader (and soon loses its digits): the whole
 * span a Date can show.
 */
const LONGEST_SHOWN = 2 * DATE_LIMIT_SECONDS
const LONGER_THAN_SHOWN = 'more than 500,000 years'

/** "15 min", "1 d 2 h", "59 s": the two largest non-zero units of a duration in seconds. */
export function formatDuration(totalSeconds: number): string {
  if (Number.isNaN(totalSeconds)) return 'an unknown time'
  if (totalSeconds > LONGEST_SHOWN) return LONGER_THAN_SHOWN
  let rest = Math.floor(totalSeconds)
  const parts: string[] = []
  for (const [name, size] of UNITS) {
    if (rest < size) continue
    parts.push(`${Math.floor(rest / size)} ${name}`)
    rest %= size
  }

  return parts.slice(0, 2).join(' ') || '0 s'
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf'])

/**
 * The human form of jwt:decode's report: header, one claim a line, lifetime, status, signature.
 * Claim names and values come from whoever made the token, so each is made printable: an ANSI
 * escape in a claim must not clear the screen or hide the status and signature lines.
 */
export function formatJwtReport(report: JwtReport, now: number, keyOrigin?: string): string {
  const claims = Object.entries(report.claims).map(([name, value]) => [printable(name), value] as const)
  const width = Math.max(9, ...claims.map(([name]) => displayWidth(name))) + 2
  const row = (name: string, value: string) => `${name}${' '.repeat(Math.max(1, width - displayWidth(name)))}${value}`
  const lines = [row('header', printable(JSON.stringify(report.header)))]
  for (const [name, value] of claims) {
    const text = printable(typeof value === 'string' ? value : JSON.stringify(value))
    const when =
      TIME_CLAIMS.has(name) && typeof value === 'number' ? ` (${formatTime(value)}, ${formatRelative(value, now)})` : ''
    lines.push(row(name, text + when))
  }

  const {exp, iat} = report.claims
  if (typeof exp === 'number' && typeof iat === 'number') {
    const lifetime = exp - iat
    lines.push(
      row('lifetime', lifetime > 0 ? formatDuration(lifetime) : `none: exp is ${formatDuration(-lifetime)} before iat`),
    )
  }

  lines.push(
    row('status', printable(describeStatus(report, now))),
    row('signature', printable(describeSignature(report.signature, keyOrigin))),
  )
  return lines.join('\n')
}

function describeStatus({claims, status}: JwtReport, now: number): string {
  if (status === 'malformed') return `INVALID: ${timeClaimsProblem(claims)}`
  const {exp, nbf} = claims as {exp?: number; nbf?: number}
  if (status === 'expired') return `EXPIRED ${formatRelative(exp!, now)}`
  if (status === 'not-yet-valid') return `NOT YET VALID: usable ${formatRelative(nbf!, now)}`
  return exp === undefined
    ? 'valid, never expires (no exp claim; Vonage may refuse it)'
    : `valid, expires ${formatRelative(exp, now)}`
}

function describeSignature(signature: SignatureCheck, keyOrigin?: string): string {
  if (signature === 'valid') return `valid (checked with ${keyOrigin})`
  if (signature === 'invalid') return `INVALID (does not match ${keyOrigin})`
  return 'not checked (pass --public-key or --private-key to check it)'
}

import {printable} from './printable.js'

export {printable}

/** Terminal columns a printable text takes: CJK and most emoji take two, combining marks none. */
export const displayWidth = (text: string): number => stringWidth(text)

/** The most terminal columns a remote name (a Page's, an application's) takes in a table or a message. */
export const NAME_COLUMNS = 60

/**
 * A printable text cut to `columns` terminal columns, its last one an ellipsis, when it is longer:
 * a 10,000-character Page name must not pad every row of a table or fill a message. Cut between
 * grapheme clusters, so an emoji or an accented letter is never split.
 */
export function shorten(text: string, columns = NAME_COLUMNS): string {
  if (displayWidth(text) <= columns) return text
  let kept = ''
  let width = 0
  for (const {segment} of new Intl.Segmenter().segment(text)) {
    const next = displayWidth(segment)
    if (width + next > columns - 1) break
    kept += segment
    width += next
  }

  return `${kept}…`
}

/**
 * Columns padded to their widest cell in terminal columns, cells made printable and shortened to
 * NAME_COLUMNS (only a remote name is ever that long); the header row first.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => header.map((_, column) => shorten(printable(row[column] ?? ''))))
  const widths = header.map((_, column) => Math.max(...cells.map((row) => displayWidth(row[column]))))
  const pad = (cell: string, column: number) => cell + ' '.repeat(widths[column] - displayWidth(cell))
  return cells.map((row) => row.map(pad).join('  ').trimEnd()).join('\n')
}

/** "Pizza Place (101)", or "Page 101" when the name is unknown; the name made printable and shortened. */
export const pageLabel = (page: {id: string; name?: string}) =>
  page.name ? `${shorten(printable(page.name))} (${page.id})` : `Page ${page.id}`

/**
 * How a procedure tells the person running it what is happening, on stderr (a spinner, warnings,
 * notices), and for a fleet run its progress: a line per item on stdout, a bar at a terminal.
 */
export interface Reporter {
  progress: <T>(message: string, work: () => Promise<T>) => Promise<T>
  fleet: (label: string) => FleetProgress
  warning: (message: string) => void
  notice: (message: string) => void
}
