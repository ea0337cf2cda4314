// The packed plugin inside real host CLIs, driven through each host's own binary with a temporary
// HOME: our minimal oclif `nexmo` (core v4, plugin-plugins 5) and @vonage/cli 1.2.4 (core v1,
// plugin-plugins 2, installing with yarn 1). `npm run test:hosts`; not part of `npm test`.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT, type RunResult, sh, start} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'
import {NETWORK} from './network.js'
import {packPlugin} from './pack.js'

const scratch = tempDir('hosts')

interface Host {
  name: string
  bin: string
  version: string
  prepare(): void
}

const HOSTS: Host[] = [
  {
    bin: join(ROOT, 'test', 'hosts', 'nexmo', 'bin', 'run.js'),
    name: 'nexmo (test host: oclif core 4, plugin-plugins 5)',
    prepare() {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--silent'], {
        cwd: join(ROOT, 'test', 'hosts', 'nexmo'),
        stdio: 'inherit',
      })
    },
    version: 'nexmo-test-host',
  },
  {
    bin: join(scratch, 'vonage', 'node_modules', '.bin', 'vonage'),
    name: '@vonage/cli 1.2.4 (oclif core 1, plugin-plugins 2)',
    prepare() {
      const folder = join(scratch, 'vonage')
      execFileSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--silent', '@vonage/cli@1.2.4'], {
        stdio: 'inherit',
      })
    },
    version: '@vonage/cli/1.2.4',
  },
]

describe('host CLIs install and run the packed plugin', function () {
  const sandbox = useSandbox()
  let tarball: string
  before(() => {
    tarball = packPlugin()
  })

  for (const host of HOSTS) {
    describe(host.name, () => {
      let home: string
      let env: Record<string, string>
      const run = (script: string, extra: Record<string, string> = {}): Promise<RunResult> =>
        sh(script, {cwd: home, env: {...env, ...extra}})

      before(() => {
        host.prepare()
        home = mkdtempSync(join(scratch, 'home-'))
      })

      beforeEach(async () => {
        env = {
          FACEBOOK_GRAPH_HOST: sandbox.url,
          HOME: home,
          HOST: host.bin,
          VONAGE_API_HOST: sandbox.url,
          VONAGE_API_KEY: 'sandbox-key',
          VONAGE_API_SECRET: 'sandbox-secret',
        }
      })

      it('is the host it claims to be', async () => {
        const {code, stdout} = await run('"$HOST" --version')
        expect(code).to.equal(0)
        expect(stdout).to.include(host.version)
      })

      it('installs the plugin from the tarball (file:) and lists it', async () => {
        const install = await run(`"$HOST" plugins:install file:${tarball}`)
        expect(install.code, install.stderr + install.stdout).to.equal(0)
        const {stdout} = await run('"$HOST" plugins')
        expect(stdout).to.match(/nexmo-plugin-messenger 0\.1\.0/)
      })

      it("runs the manual flow's steps, scripted, through the host's binary", async () => {
        const {body} = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER'})
        const {code, stderr, stdout} = await run(
          `set -e
           APP="$("$HOST" app:temp --keyfile temp.key)"
           JWT="$("$HOST" jwt:generate ./temp.key application_id=$APP)"
           "$HOST" jwt:decode "$JWT" --private-key ./temp.key > decoded.txt
           grep -q "signature *valid" decoded.txt
           VONAGE_JWT="$JWT" FACEBOOK_PAGE_TOKEN="$PAGE_TOKEN" "$HOST" messenger:link --page-id 101
           "$HOST" messenger:list --json
           "$HOST" app:temp:delete "$APP"`,
          {PAGE_TOKEN: body.pages[0].access_token},
        )
        expect(code, stderr).to.equal(0)
        const lines = stdout.split('\n')
        expect(lines[0]).to.equal('101')
        const listed = JSON.parse(lines.slice(1, -2).join('\n'))
        expect(listed.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101'])
        const state = await sandbox.state()
        expect(state.applications).to.deep.equal([])
        expect(state.violations).to.deep.equal([])
      })

      it("passes the plugin's exit codes and one-line errors through the host", async () => {
        const usage = await run('"$HOST" jwt:generate ./missing.key application_id=x')
        expect(usage).to.deep.include({
          code: 2,
          stderr: 'Error: private key file not found: ./missing.key\n',
          stdout: '',
        })
        const notFound = await run('"$HOST" messenger:unlink --page-id 555 --yes')
        expect(notFound.code).to.equal(4)
        expect(notFound.stderr).to.match(/Error: Page 555 is not linked/)
      })

      it('shows help for the commands', async () => {
        const {code, stdout} = await run('"$HOST" help messenger:link')
        expect(code).to.equal(0)
        expect(stdout).to.match(/USAGE\n\s+\$ \S+ messenger:link/)
        expect(stdout).to.include('--page-token')
      })

      it('uninstalls cleanly: the commands are gone', async () => {
        const uninstall = await run('"$HOST" plugins:uninstall nexmo-plugin-messenger')
        expect(uninstall.code, uninstall.stderr).to.equal(0)
        const gone = await run('"$HOST" jwt:generate')
        expect(gone.code).to.not.equal(0)
        expect(gone.stderr).to.match(/command jwt:generate not found/)
      })

      it('links the working tree for development (plugins:link), and unlinks it', async () => {
        expect(existsSync(join(ROOT, 'dist', 'commands'))).to.equal(true)
        const link = await run(`"$HOST" plugins:link ${ROOT}`)
        expect(link.code, link.stderr).to.equal(0)
        const used = await run('"$HOST" jwt:generate --help')
        expect(used.code).to.equal(0)
        const unlink = await run(`"$HOST" plugins:unlink nexmo-plugin-messenger`)
        expect(unlink.code, unlink.stderr).to.equal(0)
        expect((await run('"$HOST" jwt:generate')).code).to.not.equal(0)
      })

      it('installs the packed plugin again, for the Vonage CLI 3.x conventions below', async () => {
        const install = await run(`"$HOST" plugins:install file:${tarball}`)
        expect(install.code, install.stderr + install.stdout).to.equal(0)
      })

      it('links with the credentials of a ./.vonagerc alone', async () => {
        const {body} = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER'})
        const {code, stderr, stdout} = await run(
          `set -e
           unset VONAGE_API_KEY VONAGE_API_SECRET
           mkdir -p project && cd project
           trap 'rm -f .vonagerc' EXIT
           printf '{"api-key":"sandbox-key","api-secret":"sandbox-secret"}' > .vonagerc
           FACEBOOK_PAGE_TOKEN="$PAGE_TOKEN" "$HOST" messenger:link --page-id 101`,
          {PAGE_TOKEN: body.pages[0].access_token},
        )
        expect(code, stderr).to.equal(0)
        expect(stdout).to.equal('101\n')
        const state = await sandbox.state()
        expect(state.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101'])
        expect(state.violations).to.deep.equal([])
      })

      it('links with the app-id and private-key of ~/.vonage/config.json alone, making no application', async () => {
        const {body} = await sandbox.seedUser({pages: [{id: '101', name: 'Pizza Place'}], user_token: 'USER'})
        const app = await sandbox.createApp('mine')
        const {code, stderr, stdout} = await run(
          `set -e
           unset VONAGE_API_KEY VONAGE_API_SECRET
           trap 'rm -rf "$HOME/.vonage"' EXIT
           mkdir -p "$HOME/.vonage"
           printf '%s' "$CONFIG" > "$HOME/.vonage/config.json"
           FACEBOOK_PAGE_TOKEN="$PAGE_TOKEN" "$HOST" messenger:link --page-id 101`,
          {
            CONFIG: JSON.stringify({'app-id': app.id, 'private-key': app.privateKey}),
            PAGE_TOKEN: body.pages[0].access_token,
          },
        )
        expect(code, stderr).to.equal(0)
        expect(stdout).to.equal('101\n')
        const state = await sandbox.state()
        expect(state.accounts.map((account: {external_id: string}) => account.external_id)).to.deep.equal(['101'])
        expect(state.applications.map((application: {name: string}) => application.name)).to.deep.equal(['mine'])
        expect(state.violations).to.deep.equal([])
      })

      it("signs with jwt:generate --private-key as with `vonage jwt create`'s flags; the key given twice is exit 2", async () => {
        // The key is made at test time and removed however the script ends.
        const {code, stderr, stdout} = await run(
          `set -e
           trap 'rm -f jwt-test.key' EXIT
           (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt-test.key 2>/dev/null)
           "$HOST" jwt:generate --private-key ./jwt-test.key --app-id APP --ttl 60 --sub alice
           set +e
           "$HOST" jwt:generate ./jwt-test.key --private-key ./jwt-test.key --app-id APP 2>twice.txt
           echo "exit=$?"
           cat twice.txt && rm twice.txt`,
        )
        expect(code, stderr).to.equal(0)
        const [token, exit, twice] = stdout.split('\n')
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
        expect(claims).to.deep.include({application_id: 'APP', sub: 'alice'})
        expect(claims.exp - claims.iat).to.equal(60)
        expect(exit).to.equal('exit=2')
        expect(twice).to.equal(
          'Error: the private key is given twice, as the PRIVATE_KEY argument and as --private-key; give one',
        )
      })

      it('uninstalls the plugin again', async () => {
        const uninstall = await run('"$HOST" plugins:uninstall nexmo-plugin-messenger')
        expect(uninstall.code, uninstall.stderr).to.equal(0)
      })

      it("answers jwt:validate (jwt:decode's alias, today's Vonage CLI name) through the host's binary", async () => {
        const install = await run(`"$HOST" plugins:install file:${tarball}`)
        expect(install.code, install.stderr + install.stdout).to.equal(0)
        const {code, stderr, stdout} = await run(
          `set -e
           openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out validate.key 2>/dev/null
           JWT="$("$HOST" jwt:generate ./validate.key application_id=app-validate)"
           printf '%s' "$JWT" > validate.jwt
           "$HOST" jwt:validate "$JWT" --private-key ./validate.key`,
        )
        expect(code, stderr).to.equal(0)
        expect(stdout).to.match(/signature\s+valid/)
        expect(stdout).to.include('app-validate')
        const json = await run('"$HOST" jwt:validate "$(cat validate.jwt)" --private-key ./validate.key --json')
        expect(json.code, json.stderr).to.equal(0)
        expect(JSON.parse(json.stdout)).to.include({signature: 'valid', status: 'valid', valid: true})
      })

      // Needs the plugin installed (the test above). @vonage/cli 1.2.4 ships no autocomplete plugin.
      it("completes our commands and their flags in bash and zsh (the host's autocomplete plugin)", async function () {
        if ((await run('"$HOST" autocomplete --help')).code !== 0) this.skip()
        const refresh = await run('"$HOST" autocomplete --refresh-cache')
        expect(refresh.code, refresh.stderr).to.equal(0)
        // bash: what a user's ~/.bashrc gets from `autocomplete:script bash`, then the completion
        // function asked as bash asks it. Its two helpers come from the bash-completion package,
        // which this machine lacks: stand-ins that leave the words as they are.
        const bash = await run(
          `_get_comp_words_by_ref() { :; }
           __ltrim_colon_completions() { :; }
           eval "$("$HOST" autocomplete:script bash)"
           complete -p nexmo >/dev/null || exit 1
           fn=$(complete -p nexmo | sed -E 's/.* -F ([^ ]+) .*/\\1/')
           comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); "$fn"; echo "\${COMPREPLY[*]}"; }
           comp nexmo messenger:
           comp nexmo jwt:
           comp nexmo messenger:link --
           comp nexmo jwt:generate --`,
        )
        expect(bash.code, bash.stderr).to.equal(0)
        const [messenger, jwt, linkFlags, generateFlags] = bash.stdout.split('\n').map((line) => line.split(' '))
        expect(messenger).to.include.members([
          'messenger:link',
          'messenger:list',
          'messenger:relink',
          'messenger:status',
          'messenger:unlink',
        ])
        expect(jwt).to.include.members(['jwt:decode', 'jwt:generate', 'jwt:validate'])
        expect(linkFlags).to.include.members(['--page-id', '--page-token', '--app-id', '--user-token', '--json'])
        expect(generateFlags).to.include.members(['--app-id', '--ttl', '--sub', '--acl'])
        expect(generateFlags).not.to.include('--page-id')
        // zsh (not on this machine): the setup line names a file that puts the functions' folder on
        // fpath; its _nexmo lists each command and, per command, its flags
        const zsh = await run(
          `setup=$("$HOST" autocomplete:script zsh | sed -n 's/^[A-Z_]*ZSH_SETUP_PATH=\\([^ ]*\\) .*/\\1/p')
           folder=$(grep -o '^/.*' "$setup")
           cat "$folder/_nexmo"`,
        )
        expect(zsh.code, zsh.stderr).to.equal(0)
        for (const id of ['messenger:link', 'messenger:relink', 'messenger:status', 'jwt:generate', 'jwt:validate'])
          expect(zsh.stdout).to.include(`"${id.replaceAll(':', String.raw`\:`)}:`)
        const linkCase = zsh.stdout.slice(zsh.stdout.indexOf('\nmessenger:link)'))
        expect(linkCase.slice(0, linkCase.indexOf(';;')))
          .to.include('"--page-id=')
          .and.include('"--app-id=')
      })
    })
  }

  after(() => {
    // The folder goes at the end of the run (helpers/temp.ts) unless KEEP_TEST_DIRS=1.
    if (process.env.DEBUG || process.env.KEEP_TEST_DIRS)
      process.stderr.write(`${scratch}: ${readdirSync(scratch).join(', ')}\n`)
  })
})

// What `npm publish` would upload is the tarball npm pack makes (the same prepack, the same "files"):
// its entries are checked against what a user needs, as an allow-list of top-level paths plus
// patterns nothing may match wherever it sits, so the check holds whatever the layout under dist/ is.
describe('the published package: what it holds, and npx running it', function () {
  let tarball: string
  before(() => {
    tarball = packPlugin()
  })

  const ALLOWED = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICEN[CS]E(\.md|\.txt)?$/,
    /^bin\/run\.js$/,
    /^bin\/load-cli\.cjs$/,
    /^bin\/package\.json$/,
    /^oclif\.manifest\.json$/,
    /^schemas\/[\w-]+\.json$/,
    /^dist\//,
  ]
  const DENIED = [
    /(^|\/)(test|tests|src|sandbox|bench|scripts|examples|coverage|reports|node_modules|\.cache|\.tmp)\//,
    /(^|\/)\.(env|npmrc|git|stryker|mocharc|prettierrc|ci)/,
    /(^|\/)(tsconfig|eslint\.config|stryker\.config|command-snapshot)[\w.]*$/,
    /\.(key|pem|p12|pfx|tgz|log)$/,
    /(?<!\.d)\.[cm]?ts$/, // sources; type declarations may ship
  ]

  it('lists only what a user needs: package.json, README, bin/run.js, the manifest, schemas and dist/', () => {
    const entries = execFileSync('tar', ['-tzf', tarball], {encoding: 'utf8'})
      .split('\n')
      .filter((entry) => entry !== '' && !entry.endsWith('/'))
      .map((entry) => entry.replace(/^package\//, ''))
    expect(entries).to.include.members(['package.json', 'README.md', 'bin/run.js', 'oclif.manifest.json'])
    expect(entries.some((entry) => entry.startsWith('dist/'))).to.equal(true)
    expect(entries.some((entry) => entry.startsWith('schemas/'))).to.equal(true)
    expect(entries.filter((entry) => !ALLOWED.some((pattern) => pattern.test(entry)))).to.deep.equal([])
    expect(entries.filter((entry) => DENIED.some((pattern) => pattern.test(entry)))).to.deep.equal([])
    // a source map that embeds the sources ships them after all
    const maps = entries.filter((entry) => entry.endsWith('.map'))
    for (const map of maps) {
      const text = execFileSync('tar', ['-xzOf', tarball, `package/${map}`], {encoding: 'utf8'})
      expect(JSON.parse(text).sourcesContent, `${map} embeds its sources`).to.equal(undefined)
    }
  })

  it('runs from the tarball through npx (bin nexmo-messenger), with an empty npm cache and HOME: prints a JWT', async () => {
    const folder = tempDir('npx')
    const key = testKeys().privateFile
    const {code, stderr, stdout} = await start(
      'npx',
      ['--yes', '--package', `file:${tarball}`, 'nexmo-messenger', 'jwt:generate', key, 'application_id=npx-app'],
      {
        cwd: folder,
        env: {...NETWORK, HOME: join(folder, 'home'), npm_config_cache: join(folder, 'npm-cache')},
      },
    )
    expect(code, stderr).to.equal(0)
    expect(stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const claims = JSON.parse(Buffer.from(stdout.split('.')[1], 'base64url').toString())
    expect(claims.application_id).to.equal('npx-app')
  })
})
