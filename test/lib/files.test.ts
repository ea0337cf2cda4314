import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {constants, lstatSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {Readable} from 'node:stream'

import {PluginError} from '../../src/lib/errors.js'
import {checkCanWrite, readOptionalTextFile, readStdin, readTextFile, writeSecretFile} from '../../src/lib/files.js'
import {failure as expectFailure} from '../helpers/failure.js'
import {tempDir} from '../helpers/temp.js'

const failure = (promise: Promise<unknown>) => expectFailure(promise, 'usage')

describe('files', () => {
  let dir: string
  beforeEach(() => {
    dir = tempDir('files')
  })
  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  const fifo = (name = 'fifo') => {
    const path = join(dir, name)
    execFileSync('mkfifo', [path])
    return path
  }

  describe('reading', () => {
    it('reads a regular file', async () => {
      writeFileSync(join(dir, 'k.pem'), 'text')
      expect(await readTextFile(join(dir, 'k.pem'), 'private key')).to.equal('text')
    })

    it('#11.8 refuses a FIFO at once instead of waiting for a writer', async () => {
      const path = fifo()
      // A watchdog, not a synchronisation: the old code waited forever, and the test must then fail, not hang.
      const timeout = new Promise((resolve) => setTimeout(resolve, 3000, 'still waiting after 3 s'))
      try {
        const outcome = await Promise.race([failure(readTextFile(path, 'private key', {orStdin: true})), timeout])
        expect(outcome).to.be.instanceOf(PluginError)
        expect((outcome as PluginError).message).to.equal(
          `${path} is a FIFO (named pipe), not a regular file; give the path of the private key file, or "-" to read it from standard input`,
        )
      } finally {
        // Should a reader still be waiting in open(), a writer that comes and goes releases it.
        const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined)
        await writer?.close()
      }
    })

    it('#11.8 refuses a device (/dev/null) as not a regular file', async () => {
      expect((await failure(readTextFile('/dev/null', 'settings'))).message).to.equal(
        '/dev/null is a character device, not a regular file; give the path of the settings file',
      )
    })

    it('#11.8 refuses a file over the limit from its size, without reading it', async () => {
      const path = join(dir, 'huge.key')
      writeFileSync(path, '')
      truncateSync(path, 3 * 1024 ** 3) // sparse: 3 GB that take no space
      const error = await failure(readTextFile(path, 'private key', {maxBytes: 64 * 1024}))
      expect(error.message).to.equal(
        `private key file ${path} is ${3 * 1024 ** 3} bytes; that is too large for a private key (at most 65536)`,
      )
    })

    it('refuses a folder, and says which file is missing', async () => {
      expect((await failure(readTextFile(dir, 'private key'))).message).to.equal(
        `${dir} is a directory; give the path of the private key file`,
      )
      expect((await failure(readTextFile(join(dir, 'nope.key'), 'private key'))).message).to.equal(
        `private key file not found: ${join(dir, 'nope.key')}`,
      )
    })

    it('#11.4 never repeats a path that looks like a key, not even in the cause DEBUG shows', async () => {
      const secretPath = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDCz3Fswr94p5kJJ/${'A'.repeat(40)}`
      const error = await failure(readTextFile(secretPath, 'private key', {label: 'the file named by --private-key'}))
      expect(error.message).to.equal('private key file not found: the file named by --private-key')
      expect(String((error.cause as Error).message)).not.to.include('MIIEvQ')
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('ENOENT')
    })

    it('reads an optional file that is not there as undefined', async () => {
      expect(await readOptionalTextFile(join(dir, 'nope'), 'settings')).to.equal(undefined)
      expect(await readOptionalTextFile(join(dir, 'nope', 'deeper'), 'settings')).to.equal(undefined)
    })
  })

  describe('writing a key file', () => {
    const what = 'private key'

    it('#11.9 refuses "-" (a key file never goes to standard output) and an empty path', async () => {
      expect((await failure(checkCanWrite('-', {force: true, what}))).message).to.equal(
        'a private key cannot be written to standard output ("-"); give a file path',
      )
      expect((await failure(checkCanWrite('', {force: true, what}))).message).to.equal(
        'the path for the private key is empty; give a file path',
      )
    })

    it('#11.9 refuses to replace a symbolic link, even with --force, and leaves its target alone', async () => {
      const target = join(dir, 'target.key')
      writeFileSync(target, 'keep me')
      const link = join(dir, 'link.key')
      symlinkSync(target, link)
      const message = `${link} is a symbolic link; give the path of a file itself (a link is neither followed nor replaced)`
      expect((await failure(checkCanWrite(link, {force: true, what}))).message).to.equal(message)
      expect((await failure(writeSecretFile(link, 'new key', {force: true, what}))).message).to.equal(message)
      expect(lstatSync(link).isSymbolicLink()).to.equal(true)
      expect(readFileSync(target, 'utf8')).to.equal('keep me')
    })

    it('#11.9 refuses to replace a FIFO (or any non-regular file), even with --force', async () => {
      const path = fifo('fifo.key')
      const message = `${path} is a FIFO (named pipe), not a regular file; give a file path for the private key`
      expect((await failure(checkCanWrite(path, {force: true, what}))).message).to.equal(message)
      expect((await failure(writeSecretFile(path, 'new key', {force: true, what}))).message).to.equal(message)
      expect(statSync(path).isFIFO()).to.equal(true)
    })

    it('still replaces a regular file with --force, 0600, leaving no temporary file', async () => {
      const path = join(dir, 'k.key')
      writeFileSync(path, 'old')
      await checkCanWrite(path, {force: true, what})
      await writeSecretFile(path, 'new', {force: true, what})
      expect(readFileSync(path, 'utf8')).to.equal('new')
      expect(statSync(path).mode & 0o777).to.equal(0o600)
      expect((await failure(checkCanWrite(path, {what}))).message).to.match(
        /already exists; choose another path or use --force/,
      )
    })
  })

  describe('odd paths', () => {
    const what = 'private key'

    it('names what went wrong for a path through a file (ENOTDIR) and a socket; an optional file that is a folder is still an error', async () => {
      writeFileSync(join(dir, 'file'), 'x')
      expect((await failure(readTextFile(join(dir, 'file', 'k.pem'), what))).message).to.equal(
        `cannot read private key file ${join(dir, 'file', 'k.pem')}: ENOTDIR`,
      )
      expect((await failure(readOptionalTextFile(dir, what))).message).to.equal(
        `${dir} is a directory; give the path of the private key file`,
      )
      const socket = join(dir, 'socket')
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(socket, resolve))
      try {
        expect((await failure(readTextFile(socket, what))).message).to.equal(
          `${socket} is not a regular file (a socket or a device with nothing behind it); give the path of the private key file`,
        )
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
    })

    it('a key file goes only into a folder that exists, checked before and while writing', async () => {
      const path = join(dir, 'missing', 'k.key')
      expect((await failure(checkCanWrite(path, {what}))).message).to.equal(
        `folder ${join(dir, 'missing')} does not exist; create it first`,
      )
      expect((await failure(writeSecretFile(path, 'key', {what}))).message).to.equal(
        `cannot write the private key to ${path}: folder ${join(dir, 'missing')} does not exist`,
      )
    })

    it('a file made after the check (by someone else) is never overwritten without --force', async () => {
      const path = join(dir, 'k.key')
      await checkCanWrite(path, {what})
      writeFileSync(path, 'theirs')
      expect((await failure(writeSecretFile(path, 'ours', {what}))).message).to.equal(
        `${path} already exists; choose another path or use --force to replace it`,
      )
      expect(readFileSync(path, 'utf8')).to.equal('theirs')
    })
  })

  describe('standard input', () => {
    const input = (chunks: string[], isTTY = false) =>
      Object.assign(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), {isTTY})

    it('reads all of it, in chunks', async () => {
      expect(await readStdin('JWT', 100, input(['ab', 'c\n']))).to.equal('abc\n')
    })

    it('refuses a terminal (it would wait for a paste a script never sends), an empty input and one over the limit', async () => {
      expect((await failure(readStdin('JWT', 100, input(['x'], true)))).message).to.equal(
        'expected the JWT on standard input, but standard input is a terminal; pipe it in or give a file',
      )
      expect((await failure(readStdin('JWT', 100, input([' \n'])))).message).to.equal(
        'standard input was empty; expected the JWT',
      )
      expect((await failure(readStdin('JWT', 4, input(['abc', 'de'])))).message).to.equal(
        'standard input is larger than 4 bytes; that is too large for a JWT',
      )
    })
  })
})
