import {expect} from 'chai'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {resolveCredentials} from '../../src/lib/credentials.js'
import {PluginError} from '../../src/lib/errors.js'
import {tempDir} from '../helpers/temp.js'

function dirs() {
  const base = tempDir('creds')
  const home = join(base, 'home')
  const cwd = join(base, 'project')
  mkdirSync(home)
  mkdirSync(cwd)
  return {cwd, home}
}

const nexmorc = (key: string, secret: string) => `[credentials]\napi_key = ${key}\napi_secret = ${secret}\n`

function vonageConfig(home: string, content: string): void {
  mkdirSync(join(home, '.config', '@vonage', 'cli'), {recursive: true})
  writeFileSync(join(home, '.config', '@vonage', 'cli', 'vonage.config.json'), content)
}

describe('resolveCredentials', () => {
  it('follows the order flags > VONAGE_* > NEXMO_* > ./.nexmorc > ~/.nexmorc > vonage.config.json', async () => {
    const {cwd, home} = dirs()
    const env: NodeJS.ProcessEnv = {}
    const resolve = (flags: {apiKey?: string; apiSecret?: string} = {}) =>
      resolveCredentials({...flags, cwd, env, home})

    vonageConfig(home, JSON.stringify({apiKey: 'k6', apiSecret: 's6', appId: '', privateKey: ''}))
    expect(await resolve()).to.deep.equal({
      apiKey: 'k6',
      apiSecret: 's6',
      source: 'apiKey in @vonage/cli config/apiSecret in @vonage/cli config',
    })
    writeFileSync(join(home, '.nexmorc'), nexmorc('k5', 's5'))
    expect(await resolve()).to.include({apiKey: 'k5', source: 'api_key in ~/.nexmorc/api_secret in ~/.nexmorc'})
    writeFileSync(join(cwd, '.nexmorc'), nexmorc('k4', 's4'))
    expect(await resolve()).to.include({apiKey: 'k4', apiSecret: 's4'})
    Object.assign(env, {NEXMO_API_KEY: 'k3', NEXMO_API_SECRET: 's3'})
    expect(await resolve()).to.include({apiKey: 'k3', source: 'NEXMO_API_KEY/NEXMO_API_SECRET'})
    Object.assign(env, {VONAGE_API_KEY: 'k2', VONAGE_API_SECRET: 's2'})
    expect(await resolve()).to.include({apiKey: 'k2', source: 'VONAGE_API_KEY/VONAGE_API_SECRET'})
    expect(await resolve({apiKey: 'k1', apiSecret: 's1'})).to.deep.equal({
      apiKey: 'k1',
      apiSecret: 's1',
      source: '--api-key/--api-secret',
    })
  })

  it('honours XDG_CONFIG_HOME for the @vonage/cli file and ignores its empty defaults', async () => {
    const {cwd, home} = dirs()
    const xdg = join(home, 'xdg')
    mkdirSync(join(xdg, '@vonage', 'cli'), {recursive: true})
    writeFileSync(join(xdg, '@vonage', 'cli', 'vonage.config.json'), JSON.stringify({apiKey: 'x', apiSecret: 'y'}))
    expect(await resolveCredentials({cwd, env: {XDG_CONFIG_HOME: xdg}, home})).to.include({apiKey: 'x'})
    vonageConfig(home, JSON.stringify({apiKey: '', apiSecret: ''}))
    const error = await resolveCredentials({cwd, env: {}, home}).catch((error_) => error_)
    expect(error).to.be.instanceOf(PluginError)
    expect(error.kind).to.equal('auth')
  })

  it('says what to do when there are none, without printing secrets', async () => {
    const {cwd, home} = dirs()
    const error: PluginError = await resolveCredentials({cwd, env: {}, home}).catch((error_) => error_)
    expect(error.kind).to.equal('auth')
    expect(error.message).to.match(/no Vonage API credentials found.*--api-key.*VONAGE_API_KEY/)
  })

  it('refuses half a pair, naming the missing half and not the value', async () => {
    const {cwd, home} = dirs()
    const half = async (sources: Parameters<typeof resolveCredentials>[0]) =>
      (await resolveCredentials({cwd, env: {}, home, ...sources}).catch((error) => error)) as PluginError
    expect((await half({apiKey: 'k'})).message).to.equal(
      '--api-key is set but --api-secret is not; give both or neither',
    )
    const envError = await half({env: {VONAGE_API_SECRET: 'topsecret'}})
    expect(envError.message).to.equal('VONAGE_API_SECRET is set but VONAGE_API_KEY is not; give both or neither')
    expect(envError.message).not.to.include('topsecret')
    writeFileSync(join(home, '.nexmorc'), '[credentials]\napi_key = k\n')
    expect((await half({})).message).to.match(/api_key in ~\/.nexmorc is set but api_secret in ~\/.nexmorc is not/)
  })

  it('#11 (low) names a garbage .nexmorc as unreadable, without repeating what is in it', async () => {
    const {cwd, home} = dirs()
    try {
      const contents = [
        'garbage CANARYa1b2c3d4e5f6g7h8\n',
        Buffer.from([0x00, 0x01, 0x02, 0xff, 0x41]).toString('latin1'),
        '[other]\napi_key = k\napi_secret = CANARYa1b2c3d4e5f6g7h8\n',
      ]
      for (const [where, path] of [
        ['~/.nexmorc', join(home, '.nexmorc')],
        ['./.nexmorc', join(cwd, '.nexmorc')],
      ]) {
        for (const content of contents) {
          writeFileSync(path, content)
          const error: PluginError = await resolveCredentials({cwd, env: {}, home}).catch((error_) => error_)
          expect(error.kind).to.equal('usage')
          expect(error.message).to.equal(
            `${where} is unreadable: nexmo-cli keeps a [credentials] section with api_key and api_secret there; fix the file or remove it`,
          )
          expect(error.message).not.to.include('CANARY')
        }

        rmSync(path)
      }

      writeFileSync(join(home, '.nexmorc'), '\n')
      expect((await resolveCredentials({cwd, env: {}, home}).catch((error_) => error_)).kind).to.equal('auth')
    } finally {
      rmSync(dirname(home), {force: true, recursive: true})
    }
  })

  it('reports a broken vonage.config.json as a usage error', async () => {
    const {cwd, home} = dirs()
    vonageConfig(home, '{not json')
    const error: PluginError = await resolveCredentials({cwd, env: {}, home}).catch((error_) => error_)
    expect(error.kind).to.equal('usage')
    expect(error.message).to.match(/vonage.config.json is not valid JSON/)
  })
})
