// Keeping secrets out of what the plugin prints: which values look like one (errors.ts shows user
// input in messages only when not), which command-line values carry one, and the hint for secrets
// typed on the command line. No oclif here: the fast path of jwt:generate uses it too.

/** Flags whose values are secrets, each with the safer way to give it. */
const SECRET_FLAGS: Readonly<Record<string, string>> = {
  'api-secret': 'VONAGE_API_SECRET',
  jwt: 'VONAGE_JWT',
  'page-token': 'FACEBOOK_PAGE_TOKEN or --page-token -',
  'private-key': 'a key file or VONAGE_PRIVATE_KEY',
  'user-token': 'FACEBOOK_USER_TOKEN',
}

/** Flags that take a path as readily as a secret: only a value that looks like key text is exposed. */
const PATH_OR_SECRET = new Set(['private-key'])
const KEY_ARGUMENT = 'the private key text'
const SAFER_KEY_ARGUMENT = 'a key file, "-" or VONAGE_PRIVATE_KEY'
const MAX_SHOWN = 100
const REDACTED = '<redacted>'

/**
 * True when a value must never be repeated in a message: key text, a token (a long run of letters
 * and digits mixed, as base64, hex, JWTs and Facebook or Vonage tokens are), control characters
 * (line breaks, terminal escapes), or anything too long to be a path someone typed.
 */
export function looksSecret(value: string): boolean {
  if (value.length > MAX_SHOWN || value.includes('-----BEGIN')) return true
  // eslint-disable-next-line no-control-regex -- control characters are what must not reach a terminal
  if (/[\u0000-\u001F\u007F]/.test(value)) return true
  return (value.match(/[\dA-Za-z+]{16,}/g) ?? []).some((run) => /\d/.test(run) && /[A-Za-z]/.test(run))
}

interface SecretValue {
  /** "--jwt", or KEY_ARGUMENT for key text given as an argument. */
  name: string
  safer: string
  /** Where it is in argv, and whether it follows "=" in that element. */
  index: number
  inline: boolean
  value: string
}

/** Every secret on a command line: secret flags' values, and key text given as an argument. */
function secretValues(argv: readonly string[]): SecretValue[] {
  const found: SecretValue[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]
    const flag = /^--([\w-]+)(=)?/s.exec(arg)
    if (flag && flag[1] in SECRET_FLAGS) {
      const inline = flag[2] === '='
      const valueIndex = inline ? index : index + 1
      const value = inline ? arg.slice(flag[0].length) : argv[valueIndex]
      if (value !== undefined)
        found.push({index: valueIndex, inline, name: `--${flag[1]}`, safer: SECRET_FLAGS[flag[1]], value})
      index = valueIndex
    } else if (arg.includes('-----BEGIN')) {
      found.push({index, inline: false, name: KEY_ARGUMENT, safer: SAFER_KEY_ARGUMENT, value: arg})
    }
  }

  return found
}

/** Is this secret really on the command line? "-" means standard input; a path is no secret. */
function exposed({name, value}: SecretValue): boolean {
  if (value === '-') return false
  return !PATH_OR_SECRET.has(name.slice(2)) || looksSecret(value)
}

/** What a message says in place of a value it must not repeat. */
export function notShown(value: string): string {
  return `(a value of ${value.length} characters, not shown)`
}

/** The one-line hint for secrets given on the command line, or undefined when there are none. */
export function commandLineSecretsHint(argv: readonly string[]): string | undefined {
  const secrets = secretValues(argv).filter((secret) => exposed(secret))
  const names = [...new Set(secrets.map((secret) => secret.name))]
  if (names.length === 0) return undefined
  const safer = names.map((name) => {
    const way = secrets.find((secret) => secret.name === name)!.safer
    return names.length > 1 ? `${way} for ${name}` : way
  })
  const [verb, shows] = names.length > 1 ? ['are', 'show'] : ['is', 'shows']
  return `Hint: ${names.join(', ')} on the command line ${verb} kept in shell history and ${shows} in ps and DEBUG output; prefer ${safer.join('; ')}`
}

/** argv with every secret value (and anything else that looks like one) replaced, for debug output. */
export function redactArgv(argv: readonly string[]): string[] {
  const redacted = argv.map((arg) => (looksSecret(arg) ? REDACTED : arg))
  for (const secret of secretValues(argv).filter((found) => exposed(found))) {
    redacted[secret.index] = secret.inline ? `${secret.name}=${REDACTED}` : REDACTED
  }

  return redacted
}

/** A message from a parser that repeats what it was given, with any secret-looking value of argv taken out. */
export function redactValues(message: string, argv: readonly string[]): string {
  const secrets = argv.flatMap((arg) => [arg, arg.replace(/^--[\w-]+=/, '')]).filter((value) => looksSecret(value))
  return secrets
    .sort((a, b) => b.length - a.length)
    .reduce((text, value) => text.replaceAll(value, notShown(value)), message)
}
