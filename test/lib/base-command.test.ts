import {captureOutput} from '@oclif/test'
import {expect} from 'chai'

import JwtGenerate from '../../src/commands/jwt/generate.js'
import {ROOT} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'

describe('base command in a core-v1 host (@vonage/cli 1.x)', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  // The old host hands over its own Config: it has `root` but no `getPluginsList`.
  const legacyConfig = {name: '@vonage/cli', root: ROOT, version: '1.2.4'} as unknown as string

  it('runs a command with the host config it cannot use directly', async () => {
    const {error, stdout} = await captureOutput(() =>
      JwtGenerate.run([testKeys().privateFile, 'application_id=a'], legacyConfig),
    )
    expect(error).to.equal(undefined)
    expect(stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    expect(process.exitCode).to.equal(undefined)
  })

  it("hands the exit code over as process.exitCode instead of throwing v4's ExitError at the old handler", async () => {
    const {error, stderr} = await captureOutput(() =>
      JwtGenerate.run(['/no/such.key', 'application_id=a'], legacyConfig),
    )
    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Error: private key file not found: /no/such.key\n')
    expect(process.exitCode).to.equal(2)
  })
})
