// One flag spec, two parsers: oclif's (through oclifFlags) and parseWithSpec, which jwt:generate's
// fast path uses without loading oclif. Whatever parseWithSpec accepts, oclif must read the same
// way — same flags, same arguments in the same order — from the command line, the environment and
// the defaults; what oclif refuses or reorders, parseWithSpec must decline (undefined), so that
// oclif runs and its messages apply.
import {Args, Flags, Parser} from '@oclif/core'
import {expect} from 'chai'
import fc from 'fast-check'

import {oclifFlags} from '../../src/lib/flags.js'
import {type FlagSpecs, parseWithSpec} from '../../src/lib/flag-spec.js'
import {JWT_DECODE_FLAGS} from '../../src/lib/jwt-decode.js'
import {JWT_GENERATE_FLAGS} from '../../src/lib/jwt-generate.js'

/** Every feature of a spec: char, env, default, min, max and exclusive, for each kind. */
const SPEC = {
  left: {description: 'a string, not with --right', exclusive: ['right'], kind: 'string'},
  count: {description: 'an integer in 1..10, or COUNT', env: 'FLAG_SPEC_COUNT', kind: 'integer', max: 10, min: 1},
  greeting: {description: 'a string, GREETING, or hello', default: 'hello', env: 'FLAG_SPEC_GREETING', kind: 'string'},
  loud: {char: 'l', description: 'a boolean, or LOUD', env: 'FLAG_SPEC_LOUD', kind: 'boolean'},
  name: {char: 'n', description: 'a string', kind: 'string'},
  offset: {default: -3, description: 'an integer, -3 by default', kind: 'integer'},
  quiet: {description: 'a boolean', kind: 'boolean'},
  right: {description: 'a boolean, not with --left', exclusive: ['left'], kind: 'boolean'},
  size: {
    default: 99,
    description: 'an integer in 0..50 (its default is not checked)',
    kind: 'integer',
    max: 50,
    min: 0,
  },
  verbose: {default: true, description: 'a boolean, true by default', kind: 'boolean'},
} as const satisfies FlagSpecs

const VARIABLES = ['FLAG_SPEC_COUNT', 'FLAG_SPEC_GREETING', 'FLAG_SPEC_LOUD']

/** What oclif makes of `argv` for a command like jwt:generate (one optional argument, strict = false, --json). */
async function oclifParse(spec: FlagSpecs, argv: string[], env: Record<string, string>) {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]))
  Object.assign(process.env, env)
  try {
    const {argv: args, flags} = await Parser.parse(argv, {
      args: {private_key: Args.string({ignoreStdin: true})},
      flags: {...oclifFlags(spec), json: Flags.boolean()},
      strict: false,
    })
    return {argv: args, flags}
  } catch (error) {
    return {error: (error as Error).message}
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** Both parsers on the same input: if parseWithSpec accepts it, oclif must give the same result. */
async function compare(spec: FlagSpecs, argv: string[], env: Record<string, string> = {}) {
  const fast = parseWithSpec(spec, argv, env)
  const oclif = await oclifParse(spec, argv, env)
  if (fast) expect(oclif, JSON.stringify(argv)).to.deep.equal(fast)
  return {fast, oclif}
}

describe('flag-spec: parseWithSpec reads a command line as oclif does, or declines', () => {
  const accepted: Array<[string, string[], Record<string, string>?]> = [
    ['nothing: defaults only (a boolean without one stays unset)', []],
    ['arguments, flags in between, and "-" as an argument', ['key', '--name', 'x', 'a=1', '-', '--quiet']],
    ['--flag=value, an empty value, and a value with "="', ['--name=a=b', '--greeting=', '--count=3']],
    ['short forms', ['-n', 'x', '-l', 'k']],
    ['a boolean given twice', ['--quiet', '--quiet']],
    ['everything after -- is an argument', ['k', '--', '--name', '-l', '-']],
    [
      'env: a string, an integer and a boolean from the environment',
      [],
      {FLAG_SPEC_COUNT: '7', FLAG_SPEC_GREETING: 'hi', FLAG_SPEC_LOUD: 'Yes'},
    ],
    ['env: a boolean variable that is not "1", "true", "y" or "yes" is false', [], {FLAG_SPEC_LOUD: 'on'}],
    ['env: an empty variable is unset, so the default applies', [], {FLAG_SPEC_COUNT: '', FLAG_SPEC_GREETING: ''}],
    [
      'env: the command line wins over the environment',
      ['--count', '2', '--greeting', 'yo'],
      {FLAG_SPEC_COUNT: '9', FLAG_SPEC_GREETING: 'hi'},
    ],
    [
      'env: the command line wins even over a variable oclif could not read',
      ['--count', '2'],
      {FLAG_SPEC_COUNT: 'many'},
    ],
    ['default: a negative one, and one outside min..max (oclif does not check defaults)', []],
    ['min and max themselves', ['--count', '1', '--size', '50']],
    ['min and max themselves, from the environment', ['--size=0'], {FLAG_SPEC_COUNT: '10'}],
    ['a number with leading zeros', ['--count', '007']],
  ]
  for (const [name, argv, env] of accepted) {
    it(`accepts ${name}, with oclif's result`, async () => {
      const {fast} = await compare(SPEC, argv, env)
      expect(fast, 'declined').not.to.equal(undefined)
    })
  }

  it('gives the values their types and fills in defaults', () => {
    expect(parseWithSpec(SPEC, ['k', '--count', '3', '-l'], {})).to.deep.equal({
      argv: ['k'],
      flags: {count: 3, greeting: 'hello', loud: true, offset: -3, size: 99, verbose: true},
    })
  })

  const declined: Array<[string, string[], Record<string, string>?]> = [
    ['help, --json and unknown flags', ['--json']],
    ['an unknown flag', ['--bogus']],
    ['an unknown short flag, or a cluster of short flags', ['-lq']],
    ['a negative number as an argument (oclif takes it as one; not worth copying)', ['-5']],
    ['an option given twice (oclif refuses it)', ['--name', 'a', '--name', 'b']],
    ['an option without its value', ['--name']],
    ['an option whose value starts with a dash', ['--name', '-x']],
    ['--option=value with a value starting with a dash', ['--offset=-1']],
    ['a boolean given a value (oclif takes the value as an argument)', ['--quiet=yes']],
    ['an integer that is not whole', ['--count', '2.5']],
    ['min: an integer under it', ['--count', '0']],
    ['max: an integer over it', ['--size', '51']],
    ['env: an integer variable that is not whole', [], {FLAG_SPEC_COUNT: 'many'}],
    ['env: an integer variable under min', [], {FLAG_SPEC_COUNT: '0'}],
    ['env: an integer variable over max', [], {FLAG_SPEC_COUNT: '11'}],
    ['arguments oclif would reorder (one equal to an earlier flag value)', ['--name', 'a=1', 'key', 'a=1']],
    ['exclusive flags given together (oclif refuses them)', ['--left', 'a', '--right']],
  ]
  for (const [name, argv, env] of declined) {
    it(`declines ${name}`, async () => {
      const {fast} = await compare(SPEC, argv, env)
      expect(fast).to.equal(undefined)
    })
  }

  it('oclif does refuse what is declined for being refused (so declining hands over its message)', async () => {
    for (const [argv, env, message] of [
      [['--name', 'a', '--name', 'b'], {}, /can only be specified once/],
      [['--count', '0'], {}, /greater than or equal to 1/],
      [[], {FLAG_SPEC_COUNT: '11'}, /less than or equal to 10/],
      [['--count', 'x'], {}, /Expected an integer/],
      [['--right', '--left', 'a'], {}, /cannot also be provided/],
    ] as const) {
      expect((await oclifParse(SPEC, [...argv], env)).error).to.match(message)
    }
  })

  it('jwt:generate: oclif reads the same as parseWithSpec, for the command line and its env (none)', async () => {
    const {fast} = await compare(
      JWT_GENERATE_FLAGS,
      ['k.pem', '--app-id', 'x', 'sub=a', '--ttl=60', '--force', '--nbf', '0', '--acl', '{}'],
      {FLAG_SPEC_COUNT: '3'},
    )
    expect(fast?.flags).to.deep.equal({acl: '{}', 'app-id': 'x', force: true, nbf: 0, ttl: 60})
  })

  it('jwt:decode: oclif reads the same as parseWithSpec, and both refuse the two key flags together', async () => {
    const {fast} = await compare(JWT_DECODE_FLAGS, ['TOKEN', '--public-key', 'pub.pem'])
    expect(fast).to.deep.equal({argv: ['TOKEN'], flags: {'public-key': 'pub.pem'}})
    const both = await compare(JWT_DECODE_FLAGS, ['TOKEN', '--public-key', 'a', '--private-key', 'b'])
    expect(both.fast).to.equal(undefined)
    expect(both.oclif)
      .to.have.property('error')
      .that.matches(/cannot also be provided/)
  })

  it("jwt:generate --private-key: `vonage jwt create`'s command line reads the same; a dash value is left to oclif", async () => {
    const vonage = ['--private-key', './k', '--app-id', 'X', '--exp', '1', '--ttl', '60', '--sub', 'S', '--acl', '{}']
    const {fast} = await compare(JWT_GENERATE_FLAGS, vonage)
    expect(fast).to.deep.equal({
      argv: [],
      flags: {acl: '{}', 'app-id': 'X', exp: 1, 'private-key': './k', sub: 'S', ttl: 60},
    })
    expect((await compare(JWT_GENERATE_FLAGS, ['a=1', '--private-key=k.pem', 'b=2'])).fast?.argv).to.deep.equal([
      'a=1',
      'b=2',
    ])
    // "-" (stdin) and PEM text start with a dash: parseWithSpec declines, and oclif takes them as the value
    for (const value of ['-', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n']) {
      for (const argv of [
        ['--private-key', value, 'application_id=x'],
        [`--private-key=${value}`, 'application_id=x'],
      ]) {
        const {fast: declined, oclif} = await compare(JWT_GENERATE_FLAGS, argv)
        expect(declined, JSON.stringify(argv)).to.equal(undefined)
        expect(oclif).to.deep.include({argv: ['application_id=x']})
        expect((oclif as {flags: Record<string, unknown>}).flags['private-key']).to.equal(value)
      }
    }
  })

  it('any command line: what parseWithSpec accepts, oclif reads the same way', async () => {
    const word = fc.constantFrom(
      ...['--count', '--count=3', '--count=0', '--count=11', '--count=x', '--greeting', '--greeting=', '--loud'],
      ...['--loud=no', '--name', '--name=a=b', '--offset', '--quiet', '--size', '--verbose', '--json', '--bogus'],
      ...['--left', '--left=a', '--right'],
      ...['-l', '-n', '-x', '-ln', '--', '-', '-5', '0', '3', '10', '51', '007', '2.5', 'a', 'b=1', 'key', ''],
    )
    const variable = (...values: string[]) => fc.option(fc.constantFrom(...values), {nil: undefined})
    let acceptedRuns = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(word, {maxLength: 8}),
        fc.record({
          FLAG_SPEC_COUNT: variable('', '1', '5', '0', '11', 'x'),
          FLAG_SPEC_GREETING: variable('', 'hi'),
          FLAG_SPEC_LOUD: variable('', 'yes', 'TRUE', 'Y', '1', '0', 'no', 'on'),
        }),
        async (argv, variables) => {
          const env = Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined))
          const {fast} = await compare(SPEC, argv, env as Record<string, string>)
          if (fast) acceptedRuns++
        },
      ),
      {numRuns: 1500},
    )
    // Not a parser that declines everything: a good share of the runs were compared.
    expect(acceptedRuns).to.be.greaterThan(150)
  })
})
