// Keys for tests, generated at test time (never committed): every kind a user might hand us.
import {generateKeyPairSync} from 'node:crypto'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {tempDir} from './temp.js'

export interface TestKeys {
  dir: string
  /** PKCS#8 RSA private key, as Vonage's dashboard and app:temp give it. */
  privatePem: string
  publicPem: string
  privateFile: string
  publicFile: string
  /** A second key pair, for "signed by someone else". */
  otherPublicFile: string
  files: Record<'pkcs1' | 'encrypted' | 'ec' | 'small' | 'binary' | 'garbage' | 'empty' | 'ed25519' | 'oneLine', string>
}

let pairs: ReturnType<typeof generatePairs> | undefined
let cached: TestKeys | undefined

/** Generating keys is the slow part: once per process. */
function generatePairs() {
  return {
    ec: generateKeyPairSync('ec', {namedCurve: 'P-256'}),
    ed: generateKeyPairSync('ed25519'),
    other: generateKeyPairSync('rsa', {modulusLength: 2048}),
    rsa: generateKeyPairSync('rsa', {modulusLength: 2048}),
    small: generateKeyPairSync('rsa', {modulusLength: 1024}),
  }
}

/** The keys, as files in a folder of this run; written again when the end of a spec file removed the folder. */
export function testKeys(): TestKeys {
  if (cached && existsSync(cached.dir)) return cached
  pairs ??= generatePairs()
  const {ec, ed, other, rsa, small} = pairs
  const dir = tempDir('keys')
  const write = (name: string, data: string | Buffer) => {
    const path = join(dir, name)
    writeFileSync(path, data, {mode: 0o600})
    return path
  }

  const privatePem = rsa.privateKey.export({format: 'pem', type: 'pkcs8'}).toString()
  const publicPem = rsa.publicKey.export({format: 'pem', type: 'spki'}).toString()
  cached = {
    dir,
    files: {
      binary: write('binary.key', Buffer.from([0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06])),
      ec: write('ec.key', ec.privateKey.export({format: 'pem', type: 'sec1'}).toString()),
      ed25519: write('ed25519.key', ed.privateKey.export({format: 'pem', type: 'pkcs8'}).toString()),
      empty: write('empty.key', ''),
      encrypted: write(
        'encrypted.key',
        rsa.privateKey.export({cipher: 'aes-256-cbc', format: 'pem', passphrase: 'secret', type: 'pkcs8'}).toString(),
      ),
      garbage: write('garbage.key', 'this is not a key at all\n'),
      oneLine: write('one-line.key', privatePem.trim().replaceAll('\n', '\\n')),
      pkcs1: write('pkcs1.key', rsa.privateKey.export({format: 'pem', type: 'pkcs1'}).toString()),
      small: write('small.key', small.privateKey.export({format: 'pem', type: 'pkcs8'}).toString()),
    },
    otherPublicFile: write('other.pub', other.publicKey.export({format: 'pem', type: 'spki'}).toString()),
    privateFile: write('private.key', privatePem),
    privatePem,
    publicFile: write('public.pub', publicPem),
    publicPem,
  }
  return cached
}
