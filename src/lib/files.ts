// Reading user-supplied files and standard input, with errors a user can act on.
import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {access, chmod, copyFile, link, open, readFile, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {PluginError, usageError} from './errors.js'

const DEFAULT_MAX_BYTES = 1024 * 1024

/** Reads a whole text file; `what` names it in messages ("private key"). */
export async function readTextFile(path: string, what: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  let data: Buffer
  try {
    data = await readFile(path)
  } catch (error) {
    throw fileError(error, path, what)
  }

  if (data.length > maxBytes) {
    throw usageError(`${what} file ${path} is ${data.length} bytes; that is too large for a ${what} (at most ${maxBytes})`)
  }

  return data.toString('utf8')
}

function fileError(error: unknown, path: string, what: string): PluginError {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT': {
      return usageError(`${what} file not found: ${path}`, error)
    }

    case 'EACCES':
    case 'EPERM': {
      return usageError(`cannot read ${what} file ${path}: permission denied`, error)
    }

    case 'EISDIR': {
      return usageError(`${path} is a directory; give the path of the ${what} file`, error)
    }

    default: {
      return usageError(`cannot read ${what} file ${path}: ${code ?? String(error)}`, error)
    }
  }
}

/**
 * Reads all of standard input. Refuses a terminal (it would wait forever for a paste that a
 * script never sends) and an empty input.
 */
export async function readStdin(what: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string> {
  if (process.stdin.isTTY) {
    throw usageError(`expected the ${what} on standard input, but standard input is a terminal; pipe it in or give a file`)
  }

  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buffer.length
    if (size > maxBytes) throw usageError(`standard input is larger than ${maxBytes} bytes; that is too large for a ${what}`)
    chunks.push(buffer)
  }

  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw usageError(`standard input was empty; expected the ${what}`)
  return text
}

/**
 * Checks, before any remote work, that a secret file can be created at `path`: its folder exists
 * and is writable, and nothing is there unless `force` allows replacing it.
 */
export async function checkCanWrite(path: string, {force = false, what}: {force?: boolean; what: string}): Promise<void> {
  const existing = await stat(path).catch(() => undefined)
  if (existing?.isDirectory()) throw usageError(`${path} is a directory; give a file path for the ${what}`)
  if (existing && !force) throw usageError(`${path} already exists; choose another path or use --force to replace it`)
  const folder = dirname(path)
  try {
    await access(folder, constants.W_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw usageError(code === 'ENOENT' ? `folder ${folder} does not exist; create it first` : `cannot write the ${what} into ${folder}: permission denied`, error)
  }
}

/**
 * Writes a secret (a private key) readable by its owner only (0600), atomically: a temporary file
 * in the same folder, flushed, then put in place. Without `force` an existing file is never
 * replaced, even by a concurrent writer (link() refuses to overwrite); with it, rename() replaces
 * the old file in one step, so no reader ever sees half a key.
 */
export async function writeSecretFile(path: string, content: string, {force = false, what}: {force?: boolean; what: string}): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx', 0o600)
    try {
      await handle.writeFile(content)
      await handle.chmod(0o600)
      await handle.sync()
    } finally {
      await handle.close()
    }

    if (force) {
      await rename(temporary, path)
      return
    }

    await link(temporary, path).catch(async (error: NodeJS.ErrnoException) => {
      // Some filesystems cannot hard-link; an exclusive copy still never overwrites.
      if (error.code !== 'EPERM' && error.code !== 'ENOTSUP' && error.code !== 'EXDEV') throw error
      await copyFile(temporary, path, constants.COPYFILE_EXCL)
      await chmod(path, 0o600)
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw usageError(`${path} already exists; choose another path or use --force to replace it`, error)
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw usageError(`cannot write the ${what} to ${path}: permission denied`, error)
    if (code === 'ENOENT') throw usageError(`cannot write the ${what} to ${path}: folder ${dirname(path)} does not exist`, error)
    throw usageError(`cannot write the ${what} to ${path}: ${code ?? String(error)}`, error)
  } finally {
    await unlink(temporary).catch(() => {})
  }
}
