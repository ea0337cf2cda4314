// Flags as plain data, for a command that also runs without oclif (jwt:generate's fast path, which
// must not load it). One spec is the source of both parsers: oclifFlags, in the command's module
// (src/commands/jwt/generate.ts), turns it into oclif's Flags.*, and parseWithSpec below reads the
// command line the same way for the inputs it is sure of. No oclif here: the fast path bundles this.

type LowercaseLetter =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z'

interface CommonSpec {
  description: string
  /** The one-letter short form, `-c`. */
  char?: LowercaseLetter | Uppercase<LowercaseLetter>
  /** A variable read when the flag is not given (a non-empty one, as oclif does). */
  env?: string
  /** Flags that cannot be given with this one (oclif refuses them; parseWithSpec declines). */
  exclusive?: readonly string[]
}

export interface StringFlagSpec extends CommonSpec {
  kind: 'string'
  default?: string
}

export interface IntegerFlagSpec extends CommonSpec {
  kind: 'integer'
  default?: number
  min?: number
  max?: number
}

export interface BooleanFlagSpec extends CommonSpec {
  kind: 'boolean'
  default?: boolean
}

export type FlagSpec = BooleanFlagSpec | IntegerFlagSpec | StringFlagSpec
export type FlagSpecs = Readonly<Record<string, FlagSpec>>

type ValueOf<F extends FlagSpec> = F extends {kind: 'integer'} ? number : F extends {kind: 'boolean'} ? boolean : string

/** The parsed flags of a spec: a flag with a default always has a value, any other may be missing. */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S as S[K] extends {default: unknown} ? K : never]: ValueOf<S[K]>
} & {
  -readonly [K in keyof S as S[K] extends {default: unknown} ? never : K]?: ValueOf<S[K]>
}

export interface ParsedCommandLine<S extends FlagSpecs> {
  flags: FlagValues<S>
  /** The arguments that are not flags, in the order the command receives them. */
  argv: string[]
}

/**
 * Reads `argv` by `spec` as oclif would for a command with one optional argument and `strict =
 * false` (so any number of arguments), or returns undefined for anything it cannot read exactly as
 * oclif does: then oclif must run, and its errors and quirks apply. It declines an unknown flag, any
 * other word starting with "-" (short clusters, `-c=value`, negative numbers), a flag without its
 * value or with one starting with "-", an option given twice, `--boolean=value`, an integer oclif
 * would refuse (not whole, or out of min..max, from the command line or the environment), and
 * arguments oclif would reorder. Help, --json and the like are the caller's to decline first: they
 * are not flags of the spec, so they are declined here too.
 */
export function parseWithSpec<S extends FlagSpecs>(
  spec: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedCommandLine<S> | undefined {
  const byChar = new Map(
    Object.entries(spec).flatMap(([name, flag]) => (flag.char === undefined ? [] : [[`-${flag.char}`, name]])),
  )
  const given = new Map<string, string | true>()
  const args: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]
    if (word === '--') {
      args.push(...argv.slice(index + 1))
      break
    }

    if (!word.startsWith('-') || word === '-') {
      args.push(word)
      continue
    }

    const equals = word.startsWith('--') ? word.indexOf('=') : -1
    const name = word.startsWith('--') ? word.slice(2, equals === -1 ? undefined : equals) : byChar.get(word)
    const flag = name === undefined || !Object.hasOwn(spec, name) ? undefined : spec[name]
    if (name === undefined || flag === undefined) return undefined
    if (flag.kind === 'boolean') {
      // oclif takes `--boolean=value` as the flag plus an argument `value`, put first: leave it to oclif.
      if (equals !== -1) return undefined
      given.set(name, true)
      continue
    }

    if (given.has(name)) return undefined // oclif: "Flag --NAME can only be specified once"
    const value = equals === -1 ? argv[++index] : word.slice(equals + 1)
    // Missing, or starting with a dash: oclif either refuses it or takes it in ways not worth copying.
    if (value === undefined || value.startsWith('-')) return undefined
    given.set(name, value)
  }

  const flags: Record<string, boolean | number | string> = {}
  for (const [name, flag] of Object.entries(spec)) {
    const value = flagValue(flag, given.get(name), env)
    if (value === DECLINE) return undefined
    if (value !== undefined) flags[name] = value
  }

  // oclif refuses a flag given with one it excludes (with its own words): leave that to oclif.
  for (const [name, flag] of Object.entries(spec))
    if (name in flags && flag.exclusive?.some((other) => other in flags)) return undefined

  // oclif sorts the arguments by where each value first occurs in the command line, so an argument
  // equal to an earlier flag value moves forward. Rare, and not worth copying: let oclif do it.
  const oclifOrder = [...args].sort((a, b) => argv.indexOf(a) - argv.indexOf(b))
  if (oclifOrder.some((arg, index) => arg !== args[index])) return undefined
  return {argv: args, flags: flags as FlagValues<S>}
}

const DECLINE = Symbol('decline')

/** The value oclif gives a flag: from the command line, else a non-empty variable, else the default. */
function flagValue(
  flag: FlagSpec,
  input: string | true | undefined,
  env: NodeJS.ProcessEnv,
): boolean | number | string | typeof DECLINE | undefined {
  const fromEnv = flag.env === undefined ? undefined : env[flag.env]
  if (flag.kind === 'boolean') {
    if (input !== undefined) return true
    if (fromEnv) return ['1', 'true', 'y', 'yes'].includes(fromEnv.toLowerCase())
    return flag.default
  }

  const text = typeof input === 'string' ? input : fromEnv || undefined
  if (text === undefined) return flag.default // a default is not checked, by oclif either
  if (flag.kind === 'string') return text
  if (!/^-?\d+$/.test(text)) return DECLINE
  const number = Number.parseInt(text, 10)
  if ((flag.min !== undefined && number < flag.min) || (flag.max !== undefined && number > flag.max)) return DECLINE
  return number
}
