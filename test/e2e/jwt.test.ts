// The built binary in real shell pipelines, checked by independent tools (openssl, node:crypto).
import {expect} from 'chai'
import {readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {cli, sh} from '../helpers/cli.js'
import {testKeys} from '../helpers/keys.js'
import {tempDir} from '../helpers/temp.js'

const APP = '2f5d8a3c-0b3e-4c55-9a7e-1d2b3c4d5e6f'

describe('e2e: jwt commands from the built binary', function () {
  this.timeout(60_000)
  const keys = testKeys()

  it("runs the manual flow's step 2 in a shell, and openssl verifies the token with the public half", async () => {
    const script = `
      set -e
      cp "${keys.privateFile}" ./temp.key
      APP=${APP}
      JWT="$("$CLI" jwt:generate ./temp.key application_id=$APP)"
      printf '%s' "$JWT" > token.txt
      IFS=. read -r HEADER PAYLOAD SIGNATURE <<< "$JWT"
      printf '%s.%s' "$HEADER" "$PAYLOAD" > signed.txt
      b64() { local s; s=$(printf '%s' "$1" | tr '_-' '/+'); while [ $(( \${#s} % 4 )) -ne 0 ]; do s="$s="; done; printf '%s' "$s" | base64 -d; }
      b64 "$SIGNATURE" > signature.bin
      openssl pkey -in temp.key -pubout -out temp.pub
      openssl dgst -sha256 -verify temp.pub -signature signature.bin signed.txt
      b64 "$PAYLOAD"
    `
    const dir = keys.dir + '/flow-' + Date.now()
    const {code, stderr, stdout} = await sh(`mkdir -p ${dir} && cd ${dir} && ${script}`)
    expect(stderr).to.equal('')
    expect(code).to.equal(0)
    const [verdict, payload] = stdout.split('\n')
    expect(verdict).to.equal('Verified OK')
    const claims = JSON.parse(payload)
    expect(claims.application_id).to.equal(APP)
    expect(claims.exp - claims.iat).to.equal(900)
    expect(Object.keys(claims)).to.deep.equal(['application_id', 'iat', 'jti', 'exp'])
  })

  it('prints exactly one line on stdout, so $(…) captures just the token', async () => {
    const {code, stdout} = await cli(['jwt:generate', keys.privateFile, `application_id=${APP}`])
    expect(code).to.equal(0)
    expect(stdout.split('\n')).to.have.length(2)
    expect(stdout.endsWith('\n')).to.equal(true)
  })

  it('jwt:decode says valid with the public key and invalid for a tampered token', async () => {
    writeFileSync(join(keys.dir, 'e2e.pub'), keys.publicPem)
    const {code, stdout} = await sh(`
      JWT="$("$CLI" jwt:generate "${keys.privateFile}" application_id=${APP})"
      "$CLI" jwt:decode "$JWT" --public-key "${keys.dir}/e2e.pub"; echo "exit=$?"
      IFS=. read -r H P S <<< "$JWT"
      FORGED=$(printf '{"application_id":"someone-else","iat":1,"exp":9999999999}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
      "$CLI" jwt:decode "$H.$FORGED.$S" --public-key "${keys.dir}/e2e.pub" 2>&1; echo "exit=$?"
    `)
    expect(code).to.equal(0)
    const [good, bad] = stdout.split(/exit=\d+\n/)
    expect(good).to.match(/signature\s+valid/)
    expect(stdout).to.match(
      /exit=0\n[\s\S]*signature\s+INVALID[\s\S]*Error: invalid token: the signature does not match the key\nexit=9\n$/,
    )
    expect(bad).to.match(/application_id\s+someone-else/)
  })

  it('jwt:validate (the Vonage CLI 3.x name) is jwt:decode: same output, same exit codes', async () => {
    const {code, stdout} = await sh(
      `
      JWT="$("$CLI" jwt:generate "${keys.privateFile}" application_id=${APP})"
      "$CLI" jwt:decode "$JWT" --private-key "${keys.privateFile}" --json > decoded.json
      "$CLI" jwt:validate "$JWT" --private-key "${keys.privateFile}" --json > validated.json; echo "exit=$?"
      cmp decoded.json validated.json && echo same
      "$CLI" jwt:validate not-a-token 2>&1; echo "exit=$?"
    `,
      {cwd: keys.dir},
    )
    expect(code).to.equal(0)
    expect(stdout).to.match(/^exit=0\nsame\nError: .*\nexit=2\n$/)
  })

  it('pipes a token from jwt:generate into jwt:decode - --json', async () => {
    const {code, stdout} = await sh(
      `"$CLI" jwt:generate "${keys.privateFile}" application_id=${APP} | "$CLI" jwt:decode - --private-key "${keys.privateFile}" --json`,
    )
    expect(code).to.equal(0)
    expect(JSON.parse(stdout)).to.include({signature: 'valid', status: 'valid', valid: true})
  })

  it('reads the key from stdin with "-" and from VONAGE_PRIVATE_KEY (PEM with literal \\n, or a path)', async () => {
    const fromStdin = await sh(`cat "${keys.privateFile}" | "$CLI" jwt:generate - application_id=${APP}`)
    expect(fromStdin.code).to.equal(0)
    const oneLine = keys.privatePem.trim().replaceAll('\n', '\\n')
    const fromEnvPem = await cli(['jwt:generate', `application_id=${APP}`], {env: {VONAGE_PRIVATE_KEY: oneLine}})
    expect(fromEnvPem.code, fromEnvPem.stderr).to.equal(0)
    const fromEnvPath = await cli(['jwt:generate', '--app-id', APP], {env: {VONAGE_PRIVATE_KEY: keys.privateFile}})
    expect(fromEnvPath.code, fromEnvPath.stderr).to.equal(0)
  })

  it('refuses an empty stdin and a missing key in one line, without a stack trace', async () => {
    const empty = await sh(`"$CLI" jwt:generate - application_id=${APP} < /dev/null`)
    expect(empty).to.deep.include({
      code: 2,
      stderr: 'Error: standard input was empty; expected the private key\n',
      stdout: '',
    })
    const none = await cli(['jwt:generate', '--app-id', APP])
    expect(none.code).to.equal(2)
    expect(none.stderr).to.equal(
      'Error: no private key given: pass a file path, "-" to read it from standard input, or set VONAGE_PRIVATE_KEY\n',
    )
  })

  it('shows the stack trace only when DEBUG is set', async () => {
    const quiet = await cli(['jwt:generate', '/nope.key', `application_id=${APP}`])
    expect(quiet.stderr).not.to.match(/\n\s+at /)
    const debug = await cli(['jwt:generate', '/nope.key', `application_id=${APP}`], {env: {DEBUG: '1'}})
    expect(debug.code).to.equal(2)
    expect(debug.stderr).to.match(/^Error: private key file not found: \/nope.key\n/)
    expect(debug.stderr).to.match(/\n\s+at /)
  })

  it('writes nothing into HOME and never echoes the key', async () => {
    const home = keys.dir + '/home-' + Date.now()
    const {code, stderr, stdout} = await sh(
      `mkdir -p ${home} && HOME=${home} "$CLI" jwt:generate "${keys.files.ec}" application_id=${APP}; echo "exit=$?"`,
    )
    expect(stdout).to.equal('exit=2\n')
    expect(stderr).not.to.include('PRIVATE KEY')
    expect(code).to.equal(0)
    expect(readdirSync(home)).to.deep.equal([])
  })

  describe('#11.14 a closed pipe ends the command quietly, with its own exit code', () => {
    let home: string
    before(() => {
      home = tempDir('pipe-home')
    })
    after(() => rmSync(home, {force: true, recursive: true}))

    // `head -c 0` exits at once, so the pipe is closed long before node has started and writes.
    const paths: Array<[string, string, Record<string, string>]> = [
      ['the fast path', '', {}],
      ['the oclif path', '', {NEXMO_MESSENGER_FAST: '0'}],
      ['--json', '--json', {}],
    ]
    for (const [name, flags, env] of paths) {
      it(`#11.14 stdout closed early (| head -c 0), ${name}: exit 0, no stack trace`, async () => {
        const run = await sh(
          `set -o pipefail; "$CLI" jwt:generate "${keys.privateFile}" application_id=${APP} ${flags} | head -c 0; echo "exit=$?"`,
          {env: {...env, HOME: home}},
        )
        expect(run.stderr).to.equal('')
        expect(run.stdout).to.equal('exit=0\n')
      })

      it(`#11.14 stderr closed early, ${name}: the error's own exit code (2), not a crash (1)`, async () => {
        const run = await sh(
          `"$CLI" jwt:generate /no/such.key application_id=${APP} ${flags} 2>&1 >/dev/null | head -c 0; echo "exit=\${PIPESTATUS[0]}"`,
          {env: {...env, HOME: home}},
        )
        expect(run.stdout).to.equal('exit=2\n')
      })
    }
  })

  it('#11.10 jwt:decode reads standard input only for "-", never for a missing token', async () => {
    const home = tempDir('stdin-home')
    try {
      const env = {HOME: home}
      const token = await cli(['jwt:generate', keys.privateFile, `application_id=${APP}`], {env})
      const missing = await cli(['jwt:decode'], {env, input: token.stdout})
      expect(missing).to.deep.include({
        code: 2,
        stderr: 'Error: no JWT given: pass the token, or "-" to read it from standard input\n',
        stdout: '',
      })
      const dash = await cli(['jwt:decode', '-'], {env, input: token.stdout})
      expect(dash.code, dash.stderr).to.equal(0)
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })

  it('has help and a version', async () => {
    const help = await cli(['jwt:generate', '--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.include('application_id=YOUR_APP_ID')
    const version = await cli(['--version'])
    expect(version.stdout).to.match(/^nexmo-plugin-messenger\/\d+\.\d+\.\d+ /)
  })
})
