// Today's Vonage CLI (3.x) conventions from the built binary: credentials kept only in ./.vonagerc
// or ~/.vonage/config.json (as `vonage auth set` writes them), and `jwt:generate --private-key` as
// `vonage jwt create` takes the key. Each run has its own HOME and working folder, and no
// credentials in its environment, so a success shows the file was what authenticated.
import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli, sh} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {CREDENTIALS, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

interface State {
  accounts: Array<{external_id: string; access_token: string}>
  applications: Array<{id: string; name: string}>
  log: Array<{method: string; path: string; status: number}>
  violations: unknown[]
}

const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'
const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString())

describe('e2e: Vonage CLI 3.x credentials files and jwt:generate --private-key', function () {
  this.timeout(60_000)

  describe('messenger:link with credentials only in a Vonage CLI 3.x file', () => {
    const sandbox = useSandbox()
    let pageToken: string
    const state = () => sandbox.state() as Promise<State>

    beforeEach(async () => {
      const {body} = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER-TOKEN'})
      pageToken = body.pages[0].access_token
    })

    afterEach(async function () {
      if (this.currentTest?.state === 'failed') return
      expect((await state()).violations, 'contract violations').to.deep.equal([])
    })

    /** A HOME and a working folder of their own; no credentials in the environment. */
    function places() {
      const base = tempDir('e2e-creds')
      const home = join(base, 'home')
      const cwd = join(base, 'project')
      mkdirSync(join(home, '.vonage'), {recursive: true})
      mkdirSync(cwd)
      return {cwd, home}
    }

    const link = (cwd: string, home: string) =>
      cli(['messenger:link', '--page-id', '101'], {
        cwd,
        env: {
          FACEBOOK_GRAPH_HOST: sandbox.url,
          FACEBOOK_PAGE_TOKEN: pageToken,
          HOME: home,
          VONAGE_API_HOST: sandbox.url,
        },
      })

    it('links with the api-key and api-secret of ./.vonagerc alone', async () => {
      const {cwd, home} = places()
      writeFileSync(
        join(cwd, '.vonagerc'),
        JSON.stringify({'api-key': CREDENTIALS.apiKey, 'api-secret': CREDENTIALS.apiSecret}),
      )
      const {code, stderr, stdout} = await link(cwd, home)
      expect(code, stderr).to.equal(0)
      expect(stdout).to.equal('101\n')
      const after = await state()
      expect(after.accounts.map((account) => account.external_id)).to.deep.equal(['101'])
      const vonage = after.log.filter((entry) => !entry.path.startsWith('/v25.0'))
      expect(vonage.map((entry) => `${entry.method} ${entry.path}`)).to.deep.equal([
        'POST /beta/chatapp-accounts/messenger',
      ])
    })

    it('links with the app-id and private-key (PEM) of ~/.vonage/config.json alone: no application is made', async () => {
      const {cwd, home} = places()
      const app = await sandbox.createApp('mine')
      writeFileSync(
        join(home, '.vonage', 'config.json'),
        JSON.stringify({'app-id': app.id, 'private-key': app.privateKey}),
      )
      const before = (await state()).log.length
      const {code, stderr, stdout} = await link(cwd, home)
      expect(code, stderr).to.equal(0)
      expect(stdout).to.equal('101\n')
      const after = await state()
      expect(after.accounts.map((account) => account.external_id)).to.deep.equal(['101'])
      expect(after.applications.map((application) => application.name)).to.deep.equal(['mine'])
      const vonage = after.log.slice(before).filter((entry) => !entry.path.startsWith('/v25.0'))
      expect(vonage.map((entry) => `${entry.method} ${entry.path}`)).to.deep.equal([
        'POST /beta/chatapp-accounts/messenger',
      ])
    })

    it('reads a private-key path relative to ~/.vonage, and a wrong app-id is refused by Vonage (the key is used)', async () => {
      const {cwd, home} = places()
      const app = await sandbox.createApp('mine')
      writeFileSync(join(home, '.vonage', 'app.key'), app.privateKey, {mode: 0o600})
      const config = join(home, '.vonage', 'config.json')
      writeFileSync(config, JSON.stringify({'app-id': app.id, 'private-key': 'app.key'}))
      const linked = await link(cwd, home)
      expect(linked.code, linked.stderr).to.equal(0)
      writeFileSync(config, JSON.stringify({'app-id': APP, 'private-key': 'app.key'}))
      const refused = await cli(['messenger:unlink', '--page-id', '101', '--yes'], {
        cwd,
        env: {FACEBOOK_GRAPH_HOST: sandbox.url, HOME: home, VONAGE_API_HOST: sandbox.url},
      })
      expect(refused.code, refused.stderr).to.equal(3)
      expect((await state()).accounts.map((account) => account.external_id)).to.deep.equal(['101'])
    })

    it('a broken ./.vonagerc is one line and exit 2, before any request, repeating nothing from it', async () => {
      const {cwd, home} = places()
      const secret = 'CANARYa1b2c3d4e5f6g7h8'
      for (const [content, message] of [
        [
          `{"api-key": "k", "api-secret": "${secret}"`,
          'Error: ./.vonagerc is not valid JSON; fix it or run `vonage auth set` again\n',
        ],
        [
          JSON.stringify({'api-secret': secret}),
          'Error: api-secret in ./.vonagerc is set but api-key in ./.vonagerc is not; give both or neither\n',
        ],
        [
          JSON.stringify({'app-id': APP, 'private-key': 'missing.key'}),
          `Error: private-key in ./.vonagerc: private key file not found: ${join(cwd, 'missing.key')}\n`,
        ],
      ]) {
        writeFileSync(join(cwd, '.vonagerc'), content)
        const {code, stderr, stdout} = await link(cwd, home)
        expect(code, stderr).to.equal(2)
        expect(stdout).to.equal('')
        expect(stderr).to.equal(message)
        expect(stderr).not.to.include(secret)
      }

      expect((await state()).log.filter((entry) => !entry.path.startsWith('/v25.0'))).to.deep.equal([])
    })
  })

  describe('jwt:generate --private-key', () => {
    const keys = testKeys()

    it('takes a file, "-" (standard input) and the PEM text, with `vonage jwt create`\'s other flags', async () => {
      const flags = ['--app-id', APP, '--ttl', '60', '--sub', 'alice', '--acl', '{"paths":{"/*/users/**":{}}}']
      const runs = [
        await cli(['jwt:generate', '--private-key', keys.privateFile, ...flags]),
        await cli(['jwt:generate', '--private-key', '-', ...flags], {input: keys.privatePem}),
        await cli(['jwt:generate', `--private-key=${keys.privatePem}`, ...flags]),
        await sh(
          `"$CLI" jwt:generate --private-key "$(cat "${keys.privateFile}")" ${flags.map((flag) => `'${flag}'`).join(' ')}`,
        ),
      ]
      for (const [index, {code, stderr, stdout}] of runs.entries()) {
        expect(code, `${index}: ${stderr}`).to.equal(0)
        expect(stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
        const claims = decodePart(stdout.split('.')[1])
        expect(claims).to.deep.include({acl: {paths: {'/*/users/**': {}}}, application_id: APP, sub: 'alice'})
        expect(claims.exp - claims.iat).to.equal(60)
        // the file and stdin are the safe ways; PEM on the command line gets the usual hint
        if (index < 2) expect(stderr).to.equal('')
        else expect(stderr).to.match(/^Hint: --private-key on the command line is kept in shell history/)
        expect(stderr).not.to.include('PRIVATE KEY')
      }
    })

    it('the key both as the argument and as --private-key is a one-line usage error (exit 2), on the fast path and through oclif', async () => {
      for (const env of [{}, {NEXMO_MESSENGER_FAST: '0'}] as Array<Record<string, string>>) {
        for (const argument of [keys.privateFile, '-']) {
          const {code, stderr, stdout} = await cli(
            ['jwt:generate', argument, '--private-key', keys.privateFile, `application_id=${APP}`],
            {env, input: keys.privatePem},
          )
          expect(code).to.equal(2)
          expect(stdout).to.equal('')
          expect(stderr).to.equal(
            'Error: the private key is given twice, as the PRIVATE_KEY argument and as --private-key; give one\n',
          )
        }
      }
    })
  })
})
