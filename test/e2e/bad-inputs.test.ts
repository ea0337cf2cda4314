// The catalogue of bad input: for each, the built binary must say what is wrong in one line, exit
// with the documented code, print no stack trace and nothing on stdout, write nothing, and — since
// these are mistakes it can see for itself — send no request at all.
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {sh} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {signToken, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'

interface Case {
  /** Shell words after "$CLI"; $K is a good private key, $PUB its public key, $DIR a folder. */
  line: string
  code: number
  message: RegExp
  env?: Record<string, string>
  stdin?: string
}

describe('faults: the bad-input catalogue', function () {
  this.timeout(120_000)
  const sandbox = useSandbox()
  const keys = testKeys()
  const files = keys.files
  const placeholders: Record<string, () => string> = {
    EXPIRED: () => signToken(keys.privatePem, {application_id: APP, exp: 1, iat: 0}),
    KEY_BODY: () =>
      keys.privatePem
        .split('\n')
        .filter((line) => !line.startsWith('-----'))
        .join(''),
  }
  const catalogue: Record<string, Case> = {
    'jwt:generate, a key file that does not exist': {
      code: 2,
      line: 'jwt:generate ./nope.key application_id=$APP',
      message: /private key file not found: \.\/nope\.key/,
    },
    'jwt:generate, a folder as the key': {
      code: 2,
      line: 'jwt:generate "$DIR" application_id=$APP',
      message: /is a directory; give the path of the private key file/,
    },
    'jwt:generate, a public key': {
      code: 2,
      line: 'jwt:generate "$PUB" application_id=$APP',
      message: /is a public key/,
    },
    'jwt:generate, an encrypted key': {
      code: 2,
      line: `jwt:generate ${files.encrypted} application_id=$APP`,
      message: /encrypted with a passphrase/,
    },
    'jwt:generate, an EC key': {code: 2, line: `jwt:generate ${files.ec} application_id=$APP`, message: /is an EC key/},
    'jwt:generate, an Ed25519 key': {
      code: 2,
      line: `jwt:generate ${files.ed25519} application_id=$APP`,
      message: /is an ED25519 key/,
    },
    'jwt:generate, a 1024-bit key': {
      code: 2,
      line: `jwt:generate ${files.small} application_id=$APP`,
      message: /1024-bit RSA key; RS256 needs at least 2048 bits/,
    },
    'jwt:generate, a binary file': {
      code: 2,
      line: `jwt:generate ${files.binary} application_id=$APP`,
      message: /is binary data, not a PEM key/,
    },
    'jwt:generate, text that is no key': {
      code: 2,
      line: `jwt:generate ${files.garbage} application_id=$APP`,
      message: /is not a PEM private key/,
    },
    'jwt:generate, an empty file': {
      code: 2,
      line: `jwt:generate ${files.empty} application_id=$APP`,
      message: /is empty/,
    },
    'jwt:generate, an oversized file': {
      code: 2,
      line: 'jwt:generate "$DIR/huge.key" application_id=$APP',
      message: /too large for a private key/,
    },
    'jwt:generate, empty stdin': {
      code: 2,
      line: 'jwt:generate - application_id=$APP',
      message: /standard input was empty/,
      stdin: '',
    },
    'jwt:generate, no key anywhere': {
      code: 2,
      line: 'jwt:generate application_id=$APP',
      message: /no private key given/,
    },
    'jwt:generate, VONAGE_PRIVATE_KEY naming a missing file': {
      code: 2,
      env: {VONAGE_PRIVATE_KEY: '/no/such/key.pem'},
      line: 'jwt:generate application_id=$APP',
      message: /private key file not found: \/no\/such\/key\.pem/,
    },
    'jwt:generate, no application_id': {code: 2, line: 'jwt:generate "$K"', message: /application_id is required/},
    'jwt:generate, a claim without =': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP sub',
      message: /claim "sub" is not name=value/,
    },
    'jwt:generate, a claim without a name': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP =x',
      message: /claim "=x" is not name=value/,
    },
    'jwt:generate, a claim given twice': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP sub=a sub=b',
      message: /sub is given twice/,
    },
    'jwt:generate, bad JSON in acl=': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP \'acl={paths\'',
      message: /claim acl is not valid JSON/,
    },
    'jwt:generate, an acl that is not an object': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --acl "[1]"',
      message: /acl must be a JSON object/,
    },
    'jwt:generate, --ttl 0': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --ttl 0',
      message: /--ttl must be a whole number of seconds above 0/,
    },
    'jwt:generate, --ttl that is no number': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --ttl soon',
      message: /--ttl Expected an integer/,
    },
    'jwt:generate, a lifetime over 24 h': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --ttl 86401',
      message: /over Vonage's 24 h maximum/,
    },
    'jwt:generate, exp in milliseconds': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP exp=1800000000000',
      message: /looks like milliseconds/,
    },
    'jwt:generate, exp before iat': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP iat=1800000000 exp=1700000000',
      message: /is not after iat/,
    },
    'jwt:generate, --ttl and exp together': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP exp=1800000000 --ttl 60',
      message: /either --ttl or exp/,
    },
    'jwt:generate, --app-id contradicting application_id': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --app-id other',
      message: /application_id is given twice/,
    },
    'jwt:generate, an unknown flag': {
      code: 2,
      line: 'jwt:generate "$K" application_id=$APP --expires 60',
      message: /Nonexistent flag: --expires/,
    },
    'jwt:generate, #11.4 VONAGE_PRIVATE_KEY holding key text without its PEM lines': {
      code: 2,
      env: {VONAGE_PRIVATE_KEY: 'KEY_BODY'},
      line: 'jwt:generate application_id=$APP',
      message:
        /^Error: VONAGE_PRIVATE_KEY is neither PEM private key text nor the path of a readable file \(it looks like private key text without its "-----BEGIN" and "-----END" lines\)$/,
    },
    'jwt:generate, #11.8 /dev/zero as the key (a device, never read)': {
      code: 2,
      line: 'jwt:generate /dev/zero application_id=$APP',
      message:
        /^Error: \/dev\/zero is a character device, not a regular file; give the path of the private key file, or "-" to read it from standard input$/,
    },
    'jwt:generate, #11.8 /dev/zero in VONAGE_PRIVATE_KEY': {
      code: 2,
      env: {VONAGE_PRIVATE_KEY: '/dev/zero'},
      line: 'jwt:generate application_id=$APP',
      message: /^Error: \/dev\/zero is a character device, not a regular file; give the path of the private key file$/,
    },
    'jwt:generate, #11.8 a FIFO as the key (no waiting for a writer)': {
      code: 2,
      line: 'jwt:generate "$DIR/fifo.key" application_id=$APP',
      message: /fifo\.key is a FIFO \(named pipe\), not a regular file/,
    },
    'jwt:generate, #11.8 a 3 GB (sparse) key file': {
      code: 2,
      line: 'jwt:generate "$DIR/sparse.key" application_id=$APP',
      message: /sparse\.key is 3221225472 bytes; that is too large for a private key \(at most 65536\)/,
    },
    'jwt:decode, #11.8 a FIFO as the public key': {
      code: 2,
      line: 'jwt:decode x.y.z --public-key "$DIR/fifo.key"',
      message: /fifo\.key is a FIFO \(named pipe\), not a regular file; give the path of the public key file/,
    },
    'jwt:decode, #11.10 no token, with something piped in (never read)': {
      code: 2,
      line: 'jwt:decode',
      message: /^Error: no JWT given: pass the token, or "-" to read it from standard input$/,
      stdin: 'x.y.z\n',
    },
    'jwt:decode, not a JWT': {code: 2, line: 'jwt:decode not-a-token', message: /that is not a JWT/},
    'jwt:decode, three parts of nonsense': {code: 2, line: 'jwt:decode a.b.c', message: /not a valid JWT/},
    'jwt:decode, token and key both from stdin': {
      code: 2,
      line: 'jwt:decode - --public-key -',
      message: /cannot both come from standard input/,
    },
    'jwt:decode, both key flags': {
      code: 2,
      line: 'jwt:decode x.y.z --public-key "$PUB" --private-key "$K"',
      message: /cannot also be provided/,
    },
    'jwt:decode, a missing public key file': {
      code: 2,
      line: `jwt:decode ${signToken(keys.privatePem, {a: 1})} --public-key ./nope.pub`,
      message: /public key file not found/,
    },
    'jwt:decode, empty stdin': {
      code: 2,
      line: 'jwt:decode -',
      message: /standard input was empty; expected the JWT/,
      stdin: '',
    },
    'app:temp, a key file that exists': {
      code: 2,
      line: 'app:temp --keyfile "$DIR/existing.key"',
      message: /already exists; choose another path or use --force/,
    },
    'app:temp, a key file in a missing folder': {
      code: 2,
      line: 'app:temp --keyfile ./no/folder/k.key',
      message: /folder \.\/no\/folder does not exist/,
    },
    'app:temp, a folder as the key file': {
      code: 2,
      line: 'app:temp --keyfile "$DIR"',
      message: /is a directory; give a file path/,
    },
    'app:temp, #11.9 --keyfile - (key files never go to stdout)': {
      code: 2,
      line: 'app:temp --keyfile - --force',
      message: /^Error: a private key cannot be written to standard output \("-"\); give a file path$/,
    },
    'app:temp, #11.9 a symbolic link as the key file, even with --force': {
      code: 2,
      line: 'app:temp --keyfile "$DIR/link.key" --force',
      message:
        /link\.key is a symbolic link; give the path of a file itself \(a link is neither followed nor replaced\)$/,
    },
    'app:temp, #11.9 a FIFO as the key file, even with --force': {
      code: 2,
      line: 'app:temp --keyfile "$DIR/fifo.key" --force',
      message: /fifo\.key is a FIFO \(named pipe\), not a regular file; give a file path for the private key$/,
    },
    'app:temp, an inbound URL that is no URL': {
      code: 2,
      line: 'app:temp --inbound-url not-a-url',
      message: /--inbound-url/,
    },
    'app:temp, an API host that is no URL': {
      code: 2,
      line: 'app:temp --api-host localhost:4010',
      message: /--api-host \(VONAGE_API_HOST\) must be an http or https URL/,
    },
    'app:temp, an ftp API host': {
      code: 2,
      line: 'app:temp --api-host ftp://example.com',
      message: /must be an http or https URL/,
    },
    'app:temp, an API key without its secret': {
      code: 2,
      env: {VONAGE_API_SECRET: ''},
      line: 'app:temp --api-key k',
      message: /--api-key is set but --api-secret is not/,
    },
    'app:temp, a HOME with no credentials anywhere': {
      code: 3,
      env: {VONAGE_API_KEY: '', VONAGE_API_SECRET: ''},
      line: 'app:temp',
      message: /no Vonage API credentials found/,
    },
    'app:temp, --timeout 0': {code: 2, line: 'app:temp --timeout 0', message: /--timeout/},
    'app:temp:delete, no ids and no --all': {
      code: 2,
      line: 'app:temp:delete',
      message: /give the ids of the applications to delete, or --all/,
    },
    'app:temp:delete, an id with ../': {
      code: 2,
      line: 'app:temp:delete ../../v2/applications',
      message: /is not an application id/,
    },
    'app:temp:delete, an id with %2F': {
      code: 2,
      line: 'app:temp:delete abc%2F..%2Fdef',
      message: /is not an application id/,
    },
    'app:temp:delete, a two-letter --prefix': {
      code: 2,
      line: 'app:temp:delete --all --prefix ab --yes',
      message: /--prefix must have at least 3 characters/,
    },
    'app:temp:delete, ids and --all': {
      code: 2,
      line: `app:temp:delete ${APP} --all`,
      message: /give application ids or --all, not both/,
    },
    'messenger:link, no Page at all': {code: 2, line: 'messenger:link', message: /say which Page/},
    'messenger:link, a Page id with path characters': {
      code: 2,
      line: 'messenger:link --page-id ../101 --page-token t',
      message: /is not a Facebook Page id/,
    },
    'messenger:link, an encoded slash in the Page id': {
      code: 2,
      line: 'messenger:link --page-id 101%2F..%2F102 --page-token t',
      message: /is not a Facebook Page id/,
    },
    'messenger:link, a 1000-digit Page id': {
      code: 2,
      line: `messenger:link --page-id ${'9'.repeat(1000)} --page-token t`,
      message: /is not a Facebook Page id/,
    },
    'messenger:link, --page-id without a token': {
      code: 2,
      env: {FACEBOOK_PAGE_TOKEN: ''},
      line: 'messenger:link --page-id 101',
      message: /--page-id needs the Page token/,
    },
    'messenger:link, --page-token - with empty stdin': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token -',
      message: /standard input was empty; expected the Page token/,
      stdin: '',
    },
    'messenger:link, --private-key - and --page-token - both on stdin': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token - --app-id $APP --private-key -',
      message: /--private-key - and --page-token - cannot both read standard input/,
      stdin: 'EAAtoken\n',
    },
    'messenger:link, --page-token - with two lines on stdin': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token -',
      message: /the Page token from standard input \(--page-token -\) has spaces or line breaks inside/,
      stdin: 'EAAfirst-token\nEAAsecond-token\n',
    },
    'messenger:link, an --application that is no id': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token t --application my-app',
      message: /is not an application id/,
    },
    'messenger:link, a bad --graph-version': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token t --graph-version 25',
      message: /--graph-version must look like v25.0/,
    },
    'messenger:link, a --jwt that is no JWT': {
      code: 2,
      env: {FACEBOOK_PAGE_TOKEN: 't'},
      line: 'messenger:link --page-id 101 --jwt nonsense',
      message: /the JWT given \(--jwt or VONAGE_JWT\) is not a JWT: expected three base64url parts/,
    },
    'messenger:link --browser, a --wait over a day': {
      code: 2,
      line: 'messenger:link --browser --temp-app --wait 25h',
      message: /^Error: --wait takes a time from 1s to 24h, such as 90s, 10m or 1h, not "25h"$/,
    },
    'messenger:link --browser, a --wait of nothing': {
      code: 2,
      line: 'messenger:link --browser --temp-app --wait 0s',
      message: /^Error: --wait takes a time from 1s to 24h/,
    },
    'messenger:link --browser, a --linking-page that is a file': {
      code: 2,
      line: 'messenger:link --browser --temp-app --linking-page file:///etc/passwd',
      message: /^Error: --linking-page must be an http or https URL, not "file:"$/,
    },
    'messenger:link --browser, a --page-id that is no Page id': {
      code: 2,
      line: 'messenger:link --browser --temp-app --page-id abc',
      message: /"abc" is not a Facebook Page id/,
    },
    'messenger:relink --browser without --page-id': {
      code: 2,
      line: 'messenger:relink --browser --temp-app',
      message: /^Error: messenger:relink --browser needs --page-id/,
    },
    'messenger:link, an expired JWT': {
      code: 3,
      env: {FACEBOOK_PAGE_TOKEN: 't', VONAGE_JWT: 'EXPIRED'},
      line: 'messenger:link --page-id 101',
      message: /the JWT given \(--jwt or VONAGE_JWT\) expired/,
    },
    'messenger:link, --jwt with --app-id': {
      code: 2,
      env: {FACEBOOK_PAGE_TOKEN: 't', VONAGE_JWT: 'EXPIRED'},
      line: `messenger:link --page-id 101 --app-id ${APP}`,
      message: /not both/,
    },
    'messenger:link, --private-key without --app-id': {
      code: 2,
      line: 'messenger:link --page-id 101 --page-token t --private-key "$K"',
      message: /--app-id/,
    },
    'messenger:relink, --all without a user token': {
      code: 2,
      env: {FACEBOOK_USER_TOKEN: ''},
      line: 'messenger:relink --all',
      message: /--all needs a user token/,
    },
    'messenger:relink, --all with --page': {
      code: 2,
      line: 'messenger:relink --all --page x',
      message: /cannot also be provided/,
    },
    'messenger:relink, --concurrency 0': {
      code: 2,
      line: 'messenger:relink --all --concurrency 0',
      message: /--concurrency/,
    },
    'messenger:unlink, no --page-id': {
      code: 2,
      line: 'messenger:unlink --yes',
      message: /Missing required flag page-id/,
    },
    'messenger:list, a --graph-host that is no URL': {
      code: 2,
      env: {FACEBOOK_USER_TOKEN: 'u'},
      line: 'messenger:list --graph-host nowhere',
      message: /--graph-host \(FACEBOOK_GRAPH_HOST\) must be a URL/,
    },
  }

  it(`holds at least 40 distinct bad inputs (${Object.keys(catalogue).length})`, () => {
    expect(Object.keys(catalogue).length).to.be.at.least(40)
  })

  for (const [name, bad] of Object.entries(catalogue)) {
    it(name, async () => {
      const dir = tempDir('bad')
      try {
        await check(bad, dir)
      } finally {
        rmSync(dir, {force: true, recursive: true})
      }
    })
  }

  async function check(bad: Case, dir: string): Promise<void> {
    const home = join(dir, 'home')
    mkdirSync(home)
    writeFileSync(join(dir, 'existing.key'), 'keep me')
    writeFileSync(join(dir, 'huge.key'), 'A'.repeat(70 * 1024))
    symlinkSync(join(dir, 'existing.key'), join(dir, 'link.key'))
    execFileSync('mkfifo', [join(dir, 'fifo.key')])
    writeFileSync(join(dir, 'sparse.key'), '')
    truncateSync(join(dir, 'sparse.key'), 3 * 1024 ** 3) // takes no space
    const before = readdirSync(dir).sort()
    const requests = (await sandbox.state()).requests
    const env: Record<string, string> = {
      APP,
      DIR: dir,
      FACEBOOK_GRAPH_HOST: sandbox.url,
      HOME: home,
      K: keys.privateFile,
      PUB: keys.publicFile,
      VONAGE_API_HOST: sandbox.url,
      VONAGE_API_KEY: 'sandbox-key',
      VONAGE_API_SECRET: 'sandbox-secret',
      ...Object.fromEntries(
        Object.entries(bad.env ?? {}).map(([key, value]) => [key, placeholders[value]?.() ?? value]),
      ),
    }
    // Bounded: a bad input must neither hang nor eat the machine's memory (/dev/zero once did).
    const run = await sh(`ulimit -v 2000000; timeout 30 "$CLI" ${bad.line}`, {cwd: dir, env, input: bad.stdin})
    expect(run.code, run.stderr).to.equal(bad.code)
    expect(run.stdout).to.equal('')
    const lines = run.stderr
      .trimEnd()
      .split('\n')
      .filter((line) => !line.startsWith('Hint: '))
    expect(lines, run.stderr).to.have.length(1)
    expect(lines[0]).to.match(/^Error: /)
    expect(lines[0]).to.match(bad.message)
    expect(run.stderr).not.to.match(/\n\s+at /)
    expect(readdirSync(dir).sort()).to.deep.equal(before)
    expect(readdirSync(home)).to.deep.equal([])
    expect((await sandbox.state()).requests, 'a request was sent').to.equal(requests)
  }
})
