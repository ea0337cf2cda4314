// Vonage CLI 3.x's files, ./.vonagerc and ~/.vonage/config.json: where they sit in the order, what
// each may hold (API key and secret, application id and private key, or both), and bad files named
// without repeating what is in them.
import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {findAccountAuth, findCredentials, resolveCredentials} from '../../src/lib/credentials.js'
import {PluginError} from '../../src/lib/errors.js'
import {planLinkAuth} from '../../src/lib/link-auth.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const CANARY = 'CANARYa1b2c3d4e5f6g7h8'

function dirs() {
  const base = tempDir('creds3')
  const home = join(base, 'home')
  const cwd = join(base, 'project')
  mkdirSync(join(home, '.vonage'), {recursive: true})
  mkdirSync(cwd)
  const vonagerc = join(cwd, '.vonagerc')
  const global = join(home, '.vonage', 'config.json')
  return {cwd, global, home, vonagerc}
}

const json = (value: unknown) => JSON.stringify(value, null, 2)

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  const error = await promise.then(
    () => undefined,
    (error_: unknown) => error_,
  )
  expect(error, 'expected a failure').to.be.instanceOf(PluginError)
  return error as PluginError
}

describe('credentials: Vonage CLI 3.x files (./.vonagerc, ~/.vonage/config.json)', () => {
  it('sit after the variables and before .nexmorc: flags > VONAGE_* > NEXMO_* > ./.vonagerc > ~/.vonage/config.json > ./.nexmorc', async () => {
    const {cwd, global, home, vonagerc} = dirs()
    const env: NodeJS.ProcessEnv = {}
    const find = (flags: {apiKey?: string; apiSecret?: string} = {}) => findCredentials({...flags, cwd, env, home})
    writeFileSync(join(cwd, '.nexmorc'), '[credentials]\napi_key = k6\napi_secret = s6\n')
    expect(await find()).to.include({apiKey: 'k6'})
    writeFileSync(global, json({'api-key': 'k5', 'api-secret': 's5'}))
    expect(await find()).to.deep.equal({apiKey: 'k5', apiSecret: 's5', source: '~/.vonage/config.json'})
    writeFileSync(vonagerc, json({'api-key': 'k4', 'api-secret': 's4'}))
    expect(await find()).to.deep.equal({apiKey: 'k4', apiSecret: 's4', source: './.vonagerc'})
    Object.assign(env, {NEXMO_API_KEY: 'k3', NEXMO_API_SECRET: 's3'})
    expect(await find()).to.include({apiKey: 'k3'})
    Object.assign(env, {VONAGE_API_KEY: 'k2', VONAGE_API_SECRET: 's2'})
    expect(await find()).to.include({apiKey: 'k2'})
    expect(await find({apiKey: 'k1', apiSecret: 's1'})).to.include({apiKey: 'k1'})
  })

  it('a file an editor began with a byte-order mark is read like any other', async () => {
    const {cwd, home, vonagerc} = dirs()
    writeFileSync(vonagerc, `\uFEFF${json({'api-key': 'k', 'api-secret': 's'})}`)
    expect(await findCredentials({cwd, env: {}, home})).to.include({apiKey: 'k', source: './.vonagerc'})
  })

  it('a number as api-key is read as text, as JSON written by hand may have it', async () => {
    const {cwd, home, vonagerc} = dirs()
    writeFileSync(vonagerc, json({'api-key': 12_345, 'api-secret': 'secret'}))
    expect(await findCredentials({cwd, env: {}, home})).to.include({apiKey: '12345'})
  })

  it('a file with only app-id and private-key is passed over for the API key, but decides the linking auth', async () => {
    const {cwd, global, home, vonagerc} = dirs()
    const keys = testKeys()
    writeFileSync(vonagerc, json({'app-id': 'app-1', 'private-key': keys.privatePem}))
    writeFileSync(global, json({'api-key': 'k', 'api-secret': 's'}))
    const where = {cwd, env: {}, home}
    expect(await findCredentials(where)).to.deep.equal({apiKey: 'k', apiSecret: 's', source: '~/.vonage/config.json'})
    const found = await findAccountAuth(where)
    expect(found?.mode).to.equal('application key')
    if (found?.mode !== 'application key') return
    expect(found.application).to.deep.include({appId: 'app-1', source: './.vonagerc'})
    expect(found.application.key).to.deep.equal({origin: 'private-key in ./.vonagerc', text: keys.privatePem})
  })

  it('the first source with anything decides the linking auth; in a file with both, the application key wins', async () => {
    const {cwd, global, home, vonagerc} = dirs()
    const keys = testKeys()
    const settings = (apiKey?: string) => ({
      auth: {tempApp: false},
      vonage: {apiKey, apiSecret: apiKey && 'flag-secret', host: 'http://localhost', timeoutMs: 1000},
    })
    writeFileSync(global, json({'app-id': 'global-app', 'private-key': keys.privatePem}))
    writeFileSync(vonagerc, json({'api-key': 'local-key', 'api-secret': 'local-secret'}))
    const plan = (apiKey?: string, env: NodeJS.ProcessEnv = {}) => planLinkAuth(settings(apiKey), 0, {cwd, env, home})
    // ./.vonagerc comes first: its API key, though ~/.vonage/config.json has an application key
    expect(await plan()).to.deep.include({
      credentials: {apiKey: 'local-key', apiSecret: 'local-secret', source: './.vonagerc'},
      mode: 'api key',
    })
    writeFileSync(
      vonagerc,
      json({'api-key': 'k', 'api-secret': 's', 'app-id': 'local-app', 'private-key': keys.privatePem}),
    )
    expect(await plan()).to.deep.include({applicationId: 'local-app', mode: 'application key'})
    // an earlier source (a variable, a flag) with only an API key decides before either file
    expect(await plan(undefined, {VONAGE_API_KEY: 'ek', VONAGE_API_SECRET: 'es'})).to.deep.include({mode: 'api key'})
    expect(await plan('flag-key')).to.deep.include({mode: 'api key'})
    // --temp-app needs the API key: from the first source that has one
    writeFileSync(vonagerc, json({'app-id': 'local-app', 'private-key': keys.privatePem}))
    writeFileSync(global, json({'api-key': 'gk', 'api-secret': 'gs'}))
    const temp = await planLinkAuth({...settings(), auth: {tempApp: true}}, 0, {cwd, env: {}, home})
    expect(temp).to.deep.equal({
      credentials: {apiKey: 'gk', apiSecret: 'gs', source: '~/.vonage/config.json'},
      mode: 'temporary application',
    })
    // explicit ways keep precedence over the files
    const explicit = await planLinkAuth(
      {...settings(), auth: {appId: 'flag-app', privateKey: keys.privateFile, tempApp: false}},
      0,
      {cwd, env: {}, home},
    )
    expect(explicit).to.deep.include({applicationId: 'flag-app', mode: 'application key'})
  })

  it('private-key may be a path: relative to the folder of the file, absolute, or ~/…', async () => {
    const {cwd, global, home, vonagerc} = dirs()
    const keys = testKeys()
    writeFileSync(join(cwd, 'app.key'), keys.privatePem)
    writeFileSync(join(home, '.vonage', 'global.key'), keys.privatePem)
    writeFileSync(join(home, 'home.key'), keys.privatePem)
    const where = {cwd, env: {}, home}
    const key = async () => {
      const found = await findAccountAuth(where)
      if (found?.mode !== 'application key') throw new Error(`not an application key: ${found?.mode}`)
      return found.application.key
    }

    writeFileSync(global, json({'app-id': 'a', 'private-key': 'global.key'}))
    expect(await key()).to.deep.equal({
      origin: `${join(home, '.vonage', 'global.key')} (private-key in ~/.vonage/config.json)`,
      text: keys.privatePem,
    })
    writeFileSync(global, json({'app-id': 'a', 'private-key': '~/home.key'}))
    expect((await key()).origin).to.equal(`${join(home, 'home.key')} (private-key in ~/.vonage/config.json)`)
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': './app.key'}))
    expect((await key()).origin).to.equal(`${join(cwd, 'app.key')} (private-key in ./.vonagerc)`)
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': keys.privateFile}))
    expect((await key()).text).to.equal(keys.privatePem)
    // PEM with literal \n, as copied from a .env file
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': keys.privatePem.trim().replaceAll('\n', '\\n')}))
    expect((await key()).text).to.equal(keys.privatePem)
  })

  it('a private key that is missing, a directory, or not an RSA private key is an error naming the setting', async () => {
    const {cwd, home, vonagerc} = dirs()
    const keys = testKeys()
    const settings = {auth: {tempApp: false}, vonage: {host: 'http://localhost', timeoutMs: 1000}}
    const plan = () => failure(planLinkAuth(settings, 0, {cwd, env: {}, home}))
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': 'missing.key'}))
    expect((await plan()).message).to.equal(
      `private-key in ./.vonagerc: private key file not found: ${join(cwd, 'missing.key')}`,
    )
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': '.'}))
    expect((await plan()).message).to.match(/^private-key in \.\/\.vonagerc: .* is a directory/)
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': keys.publicFile}))
    expect((await plan()).message).to.match(/^.*public\.pub \(private-key in \.\/\.vonagerc\) is a public key/)
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': keys.files.small}))
    expect((await plan()).message).to.match(/\(private-key in \.\/\.vonagerc\) is a 1024-bit RSA key/)
    const ec = (await import('node:fs')).readFileSync(keys.files.ec, 'utf8')
    writeFileSync(vonagerc, json({'app-id': 'a', 'private-key': ec}))
    const error = await plan()
    expect(error.message).to.equal('private-key in ./.vonagerc is an EC key; Vonage JWTs are RS256 and need an RSA key')
    expect(error.exitCode).to.equal(2)
  })

  for (const where of ['./.vonagerc', '~/.vonage/config.json']) {
    it(`${where}: invalid JSON, a value that is not an object, wrong types and half pairs are one-line errors that repeat nothing`, async () => {
      const {cwd, global, home, vonagerc} = dirs()
      const path = where === './.vonagerc' ? vonagerc : global
      const cases: Array<[string, string]> = [
        [
          `{"api-key": "k", "api-secret": "${CANARY}"`,
          `${where} is not valid JSON; fix it or run \`vonage auth set\` again`,
        ],
        [`"${CANARY}"`, `${where} is not a JSON object; fix it or run \`vonage auth set\` again`],
        [json([CANARY]), `${where} is not a JSON object; fix it or run \`vonage auth set\` again`],
        [
          json({'api-key': 'k', 'api-secret': [CANARY]}),
          `api-secret in ${where} is not a string; fix it or run \`vonage auth set\` again`,
        ],
        [
          json({'app-id': 'a', 'private-key': 123_456}),
          `private-key in ${where} is not a string; fix it or run \`vonage auth set\` again`,
        ],
        [
          json({'api-secret': CANARY}),
          `api-secret in ${where} is set but api-key in ${where} is not; give both or neither`,
        ],
        [
          json({'api-key': CANARY}),
          `api-key in ${where} is set but api-secret in ${where} is not; give both or neither`,
        ],
        [json({'app-id': 'a'}), `app-id in ${where} is set but private-key in ${where} is not; give both or neither`],
        [
          json({'api-key': 'k', 'api-secret': 's', 'private-key': CANARY}),
          `private-key in ${where} is set but app-id in ${where} is not; give both or neither`,
        ],
      ]
      for (const [content, message] of cases) {
        writeFileSync(path, content)
        for (const attempt of [findCredentials, findAccountAuth, resolveCredentials]) {
          const error = await failure(attempt({cwd, env: {}, home}))
          expect(error.message, content).to.equal(message)
          expect(error.kind).to.equal('usage')
          expect(error.cause, 'a cause would be shown with DEBUG').to.equal(undefined)
        }
      }
    })
  }

  it('an empty file, whitespace, {} and empty strings are skipped; a later source is used', async () => {
    const {cwd, global, home, vonagerc} = dirs()
    writeFileSync(global, json({'api-key': 'k', 'api-secret': 's'}))
    for (const content of ['', ' \n', '{}', json({'api-key': '', 'api-secret': '', 'app-id': '', 'private-key': ''})]) {
      writeFileSync(vonagerc, content)
      expect(await findCredentials({cwd, env: {}, home}), JSON.stringify(content)).to.include({apiKey: 'k'})
    }
  })

  it('with no source at all, says to run `vonage auth set`', async () => {
    const {cwd, home} = dirs()
    expect(await findAccountAuth({cwd, env: {}, home})).to.equal(undefined)
    const error = await failure(resolveCredentials({cwd, env: {}, home}))
    expect(error.kind).to.equal('auth')
    expect(error.message).to.include('`vonage auth set`')
  })
})
