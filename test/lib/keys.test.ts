import {expect} from 'chai'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {PluginError} from '../../src/lib/errors.js'
import {normalizePem, parsePrivateKey, parsePublicKey, readKeyText} from '../../src/lib/keys.js'
import {testKeys} from '../helpers/keys.js'
import {failure, thrown} from '../helpers/failure.js'
import {tempDir} from '../helpers/temp.js'

const load = async (path: string) => parsePrivateKey(await readKeyText(path, {what: 'private key'}))

describe('keys', () => {
  const keys = testKeys()

  it('loads PKCS#8 and PKCS#1 RSA private keys', async () => {
    expect((await load(keys.privateFile)).asymmetricKeyType).to.equal('rsa')
    expect((await load(keys.files.pkcs1)).asymmetricKeyType).to.equal('rsa')
  })

  it('accepts the PEM text itself, with literal \\n, quotes or CRLF', async () => {
    const oneLine = keys.privatePem.trim().replaceAll('\n', '\\n')
    for (const text of [keys.privatePem, oneLine, `"${oneLine}"`, keys.privatePem.replaceAll('\n', '\r\n')]) {
      const key = parsePrivateKey(await readKeyText(text, {what: 'private key'}))
      expect(key.asymmetricKeyType).to.equal('rsa')
    }

    expect((await load(keys.files.oneLine)).asymmetricKeyType).to.equal('rsa')
  })

  it('reads an environment variable holding a path or the PEM', async () => {
    const fromPath = await readKeyText(undefined, {
      env: {VONAGE_PRIVATE_KEY: keys.privateFile},
      envName: 'VONAGE_PRIVATE_KEY',
      what: 'private key',
    })
    expect(fromPath.origin).to.equal(`VONAGE_PRIVATE_KEY (${keys.privateFile})`)
    const fromPem = await readKeyText(undefined, {
      env: {VONAGE_PRIVATE_KEY: keys.privatePem.replaceAll('\n', '\\n')},
      envName: 'VONAGE_PRIVATE_KEY',
      what: 'private key',
    })
    expect(fromPem.origin).to.equal('VONAGE_PRIVATE_KEY')
    expect(parsePrivateKey(fromPem).asymmetricKeyType).to.equal('rsa')
  })

  it('explains a missing key, naming the environment variable', async () => {
    const error = await failure(readKeyText(undefined, {env: {}, envName: 'VONAGE_PRIVATE_KEY', what: 'private key'}))
    expect(error.message).to.match(/no private key given.*VONAGE_PRIVATE_KEY/)
  })

  const wrong: Array<[string, keyof ReturnType<typeof testKeys>['files'] | 'public' | 'missing' | 'dir', RegExp]> = [
    ['a public key', 'public', /is a public key; signing needs the application's private key/],
    ['an encrypted key', 'encrypted', /is encrypted with a passphrase; decrypt it first/],
    ['an EC key', 'ec', /is an EC key; Vonage JWTs are RS256 and need an RSA key/],
    ['an Ed25519 key', 'ed25519', /is an ED25519 key; .*RSA/],
    ['a 1024-bit RSA key', 'small', /is a 1024-bit RSA key; RS256 needs at least 2048 bits/],
    ['binary data', 'binary', /is binary data, not a PEM key/],
    ['garbage text', 'garbage', /is not a PEM private key/],
    ['an empty file', 'empty', /is empty; expected a PEM key/],
    ['a missing file', 'missing', /private key file not found/],
    ['a directory', 'dir', /is a directory; give the path of the private key file/],
  ]
  for (const [name, which, message] of wrong) {
    it(`refuses ${name} with a clear message`, async () => {
      const path =
        which === 'public'
          ? keys.publicFile
          : which === 'missing'
            ? `${keys.dir}/nope.key`
            : which === 'dir'
              ? keys.dir
              : keys.files[which]
      const error = await failure(load(path))
      expect(error.kind).to.equal('usage')
      expect(error.message).to.match(message)
      expect(error.message).not.to.include('PRIVATE KEY-----\n')
    })
  }

  it('refuses an oversized file without reading it as a key', async () => {
    const {writeFileSync} = await import('node:fs')
    const path = `${keys.dir}/huge.key`
    writeFileSync(path, 'A'.repeat(70 * 1024))
    expect((await failure(load(path))).message).to.match(/too large for a private key/)
  })

  it('derives the public key from a private key, and reads a public key', async () => {
    const fromPrivate = parsePublicKey(await readKeyText(keys.privateFile, {what: 'private key'}))
    const fromPublic = parsePublicKey(await readKeyText(keys.publicFile, {what: 'public key'}))
    expect(fromPrivate.export({format: 'pem', type: 'spki'})).to.equal(fromPublic.export({format: 'pem', type: 'spki'}))
    expect((await failure(Promise.resolve().then(() => parsePublicKey({origin: 'x', text: 'nope'})))).message).to.match(
      /x is not a PEM public key/,
    )
  })

  describe('#11.4 key text where a path was expected is never repeated', () => {
    const body = () =>
      keys.privatePem
        .split('\n')
        .filter((line) => !line.startsWith('-----'))
        .join('')
    const slices = (text: string) => [
      text.slice(0, 16),
      text.slice(text.length / 2, text.length / 2 + 16),
      text.slice(-16),
    ]
    const expectNoEcho = (error: PluginError, text: string) => {
      for (const slice of slices(text)) {
        expect(error.message).not.to.include(slice)
        expect(String((error.cause as Error | undefined)?.message)).not.to.include(slice)
      }
    }

    it('#11.4 never echoes key text from VONAGE_PRIVATE_KEY', async () => {
      for (const text of [
        body(),
        keys.privatePem
          .split('\n')
          .filter((line) => !line.startsWith('-----'))
          .join('\\n'),
      ]) {
        const error = await failure(
          readKeyText(undefined, {env: {VONAGE_PRIVATE_KEY: text}, envName: 'VONAGE_PRIVATE_KEY', what: 'private key'}),
        )
        expect(error.message).to.equal(
          'VONAGE_PRIVATE_KEY is neither PEM private key text nor the path of a readable file (it looks like private key text without its "-----BEGIN" and "-----END" lines)',
        )
        expectNoEcho(error, text)
      }
    })

    it('#11.4 never echoes key text given as the argument or as --private-key', async () => {
      const argument = await failure(readKeyText(body(), {source: 'the PRIVATE_KEY argument', what: 'private key'}))
      expect(argument.message).to.match(
        /^the PRIVATE_KEY argument is neither PEM private key text nor the path of a readable file/,
      )
      expectNoEcho(argument, body())
      const token = 'EAAGm0PX4ZCpsBAKZC0123456789abcdefEAAGm0PX4ZCpsBAKZC0123456789abcdef'
      const flag = await failure(readKeyText(token, {source: '--private-key', what: 'private key'}))
      expect(flag.message).to.equal('--private-key is neither PEM private key text nor the path of a readable file')
      expectNoEcho(flag, token)
    })

    it('#11.4 names a key file whose name looks like a token by where it came from', async () => {
      const {readFileSync, rmSync, writeFileSync} = await import('node:fs')
      const dir = tempDir('keyname')
      try {
        const path = `${dir}/aB3dE5fG7hJ9kL1mN0pQ.key`
        writeFileSync(path, readFileSync(keys.files.ec))
        const error = await failure(
          readKeyText(path, {source: '--private-key', what: 'private key'}).then(parsePrivateKey),
        )
        expect(error.message).to.equal(
          'the file named by --private-key is an EC key; Vonage JWTs are RS256 and need an RSA key',
        )
      } finally {
        rmSync(dir, {force: true, recursive: true})
      }
    })
  })

  it('an empty value or one of spaces in the environment counts as not given', async () => {
    const pem = keys.privatePem
    expect(
      (await readKeyText('', {env: {VONAGE_PRIVATE_KEY: pem}, envName: 'VONAGE_PRIVATE_KEY', what: 'private key'}))
        .origin,
    ).to.equal('VONAGE_PRIVATE_KEY')
    const blank = await failure(
      readKeyText(undefined, {env: {VONAGE_PRIVATE_KEY: '  '}, envName: 'VONAGE_PRIVATE_KEY', what: 'private key'}),
      'usage',
    )
    expect(blank.message).to.equal(
      'no private key given: pass a file path, "-" to read it from standard input, or set VONAGE_PRIVATE_KEY',
    )
    const none = await failure(readKeyText(undefined, {what: 'public key'}), 'usage')
    expect(none.message).to.equal('no public key given: pass a file path, "-" to read it from standard input')
  })

  it('names where the key came from: the path, the text given, or the variable and its path', async () => {
    expect((await readKeyText(keys.privateFile, {what: 'private key'})).origin).to.equal(keys.privateFile)
    expect((await readKeyText(keys.privatePem, {what: 'private key'})).origin).to.equal('the private key text given')
    const token = 'EAAGm0PX4ZCpsBAKZC0123456789abcdef'
    expect((await failure(readKeyText(token, {what: 'private key'}), 'usage')).message).to.equal(
      'the private key given is neither PEM private key text nor the path of a readable file',
    )
  })

  it('offers "-" for a device given as an argument, not for one named by the environment', async () => {
    const argument = await failure(readKeyText('/dev/null', {what: 'private key'}), 'usage')
    expect(argument.message).to.match(
      /not a regular file; give the path of the private key file, or "-" to read it from standard input$/,
    )
    const fromEnv = await failure(
      readKeyText(undefined, {
        env: {VONAGE_PRIVATE_KEY: '/dev/null'},
        envName: 'VONAGE_PRIVATE_KEY',
        what: 'private key',
      }),
      'usage',
    )
    expect(fromEnv.message).to.match(/not a regular file; give the path of the private key file$/)
  })

  it('#11.4 a token-like name that is no usable path (too long, under a file) is "neither text nor path"; a real problem with the file stays as it is', async () => {
    const neither =
      /^--private-key is neither PEM private key text nor the path of a readable file( \(it looks like private key text without .*\))?$/
    expect(
      (
        await failure(
          readKeyText(`aB3${'dE5fG7hJ9kL1mN0pQ'.repeat(20)}`, {source: '--private-key', what: 'private key'}),
        )
      ).message,
    ).to.match(neither)
    expect(
      (
        await failure(
          readKeyText(`${keys.privateFile}/aB3dE5fG7hJ9kL1mN0pQ`, {source: '--private-key', what: 'private key'}),
        )
      ).message,
    ).to.match(neither)
    const dir = join(tempDir('keyname'), 'aB3dE5fG7hJ9kL1mN0pQ')
    mkdirSync(dir)
    const directory = await failure(readKeyText(dir, {source: '--private-key', what: 'private key'}))
    expect(directory.message).to.equal(
      'the file named by --private-key is a directory; give the path of the private key file',
    )
  })

  it('#11.4 the "without its -----BEGIN lines" hint is only for text of base64 characters', async () => {
    const body = keys.privatePem
      .split('\n')
      .filter((line) => !line.startsWith('-----'))
      .join('')
    for (const text of [
      `${body.slice(0, 150)}.${body.slice(150, 300)}`,
      `${body.slice(0, 300)}.key`,
      `x.${body.slice(0, 300)}`,
      `${body.slice(0, 150)}_${body.slice(150, 300)}`,
    ]) {
      const error = await failure(readKeyText(text, {source: '--private-key', what: 'private key'}), 'usage')
      expect(error.message, text).to.equal(
        '--private-key is neither PEM private key text nor the path of a readable file',
      )
    }
  })

  it('refuses a certificate, an OpenSSH key and a truncated PEM key, each with its own message', () => {
    const pem = (label: string) =>
      `-----BEGIN ${label}-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END ${label}-----\n`
    expect(thrown(() => parsePrivateKey({origin: 'k', text: pem('CERTIFICATE')})).message).to.equal(
      'k is a certificate, not a key',
    )
    expect(thrown(() => parsePublicKey({origin: 'k', text: pem('CERTIFICATE')})).message).to.equal(
      'k is a certificate, not a key',
    )
    expect(thrown(() => parsePrivateKey({origin: 'k', text: pem('OPENSSH PRIVATE KEY')})).message).to.equal(
      'k is an OpenSSH key; Vonage needs an RSA key in PEM ("-----BEGIN PRIVATE KEY-----")',
    )
    expect(thrown(() => parsePrivateKey({origin: 'k', text: pem('PRIVATE KEY')})).message).to.equal(
      'k looks like a PEM private key but cannot be parsed; is it complete?',
    )
    expect(
      thrown(() => parsePublicKey({origin: 'k', text: pem('PUBLIC KEY').replace('MIIB', 'AAAA')})).message,
    ).to.equal('k looks like a PEM public key but cannot be parsed; is it complete?')
  })

  it('normalizePem leaves a proper PEM as it is', () => {
    expect(normalizePem(keys.privatePem)).to.equal(keys.privatePem)
  })

  it('normalizePem undoes .env quoting: double or single quotes, literal \\n and \\r\\n, CRLF, surrounding space', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----\n'
    const flat = pem.trim().replaceAll('\n', '\\n')
    expect(normalizePem(`"${flat}"`)).to.equal(pem)
    expect(normalizePem(`'${flat}'`)).to.equal(pem)
    expect(normalizePem(`  ${pem.trim().replaceAll('\n', '\\r\\n')}  `)).to.equal(pem)
    expect(normalizePem(pem.replaceAll('\n', '\r\n'))).to.equal(pem)
    expect(normalizePem(`"${flat}`)).to.equal(`"${pem}`)
    expect(normalizePem(`${flat}"`), 'a closing quote alone is kept').to.equal(`${pem.trim()}"\n`)
    expect(normalizePem(`'${flat}`), 'an opening quote alone is kept').to.equal(`'${pem}`)
    expect(normalizePem(`${flat}'`), 'a closing quote alone is kept').to.equal(`${pem.trim()}'\n`)
    expect(normalizePem(`  "${flat}"\n`), 'space around the quotes').to.equal(pem)
    expect(normalizePem(`"${flat}\\n  "`), 'a trailing \\n inside the quotes').to.equal(pem)
  })
})
