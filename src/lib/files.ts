// Reading user-supplied files and standard input, and writing key files, with errors a user can act
// on. Only regular files are read or replaced, and never more than a limit is read: a device such as
// /dev/zero would be read forever, opening a FIFO waits forever for a writer, and replacing a symlink
// or a device (as root, /dev/stdout) is never what was meant. A path that looks like a key or token
// (a secret pasted where a path belongs) is never repeated, not even in the cause shown with DEBUG.
import {randomBytes} from 'node:crypto'
import {constants, type Stats} from 'node:fs'
import {access, chmod, copyFile, type FileHandle, link, lstat, open, rename, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

import {PluginError, usageError} from './errors.js'
import {looksSecret} from './secrets.js'

const DEFAULT_MAX_BYTES = 1024 * 1024

export interface ReadOptions {
  maxBytes?: number
  /** How messages name the file when its path looks like a secret ("the file named by --private-key"). */
  label?: string
  /** Whether "-" (standard input) is another way to give it, for the message refusing a FIFO or device. */
  orStdin?: boolean
}

/** Reads a whole text file; `what` names it in messages ("private key"). */
export async function readTextFile(
  path: string,
  what: string,
  {label, maxBytes = DEFAULT_MAX_BYTES, orStdin = false}: ReadOptions = {},
): Promise<string> {
  const name = nameOf(path, label ?? `the ${what} file given`)
  let handle: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it is refused below.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw fileError(error, path, name, what)
  }

  try {
    const info = await handle.stat()
    if (info.isDirectory()) throw usageError(`${name} is a directory; give the path of the ${what} file`)
    if (!info.isFile()) {
      throw usageError(
        `${name} is ${kindOf(info)}, not a regular file; give the path of the ${what} file${orStdin ? ', or "-" to read it from standard input' : ''}`,
      )
    }

    if (info.size > maxBytes) throw tooLarge(name, what, maxBytes, info.size)
    // A file may grow, and /proc files say 0 bytes: never read more than one byte past the limit.
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const {bytesRead} = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
    }

    if (length > maxBytes) throw tooLarge(name, what, maxBytes)
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    throw error instanceof PluginError ? error : fileError(error, path, name, what)
  } finally {
    await handle.close()
  }
}

/** As readTextFile, but a file that is not there is undefined rather than an error. */
export async function readOptionalTextFile(
  path: string,
  what: string,
  options: ReadOptions = {},
): Promise<string | undefined> {
  try {
    return await readTextFile(path, what, options)
  } catch (error) {
    const code = errorCode((error as PluginError).cause)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

/** The fs error code behind a failure (ENOENT, EACCES…), when there is one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

function tooLarge(name: string, what: string, maxBytes: number, size?: number): PluginError {
  return usageError(
    `${what} file ${name} is ${size === undefined ? `over ${maxBytes}` : size} bytes; that is too large for a ${what} (at most ${maxBytes})`,
  )
}

/** The path as messages may show it, or `label` when it looks like a key or token. */
function nameOf(path: string, label: string): string {
  return looksSecret(path) ? label : path
}

function folderName(folder: string): string {
  return looksSecret(folder) ? 'the folder of the path given' : `folder ${folder}`
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  if (info.isSocket()) return 'a socket'
  if (info.isSymbolicLink()) return 'a symbolic link'
  return 'a special file'
}

/**
 * Node's fs errors carry the path in their message, which DEBUG prints with the cause: for a path
 * that must not be shown, the cause keeps only the code.
 */
function safeCause(error: unknown, path: string): unknown {
  if (!looksSecret(path)) return error
  const code = errorCode(error)
  return Object.assign(new Error(`${code ?? 'error'} (the path is not shown)`), {code})
}

function fileError(error: unknown, path: string, name: string, what: string): PluginError {
  const code = errorCode(error)
  const cause = safeCause(error, path)
  switch (code) {
    case 'ENOENT': {
      return usageError(`${what} file not found: ${name}`, cause)
    }

    case 'EACCES':
    case 'EPERM': {
      return usageError(`cannot read ${what} file ${name}: permission denied`, cause)
    }

    case 'EISDIR': {
      return usageError(`${name} is a directory; give the path of the ${what} file`, cause)
    }

    // what open() says of a socket (or a device with nothing behind it)
    case 'ENXIO': {
      return usageError(
        `${name} is not a regular file (a socket or a device with nothing behind it); give the path of the ${what} file`,
        cause,
      )
    }

    default: {
      return usageError(`cannot read ${what} file ${name}: ${code ?? 'unexpected error'}`, cause)
    }
  }
}

/**
 * Reads all of standard input. Refuses a terminal (it would wait forever for a paste that a
 * script never sends) and an empty input.
 */
export async function readStdin(
  what: string,
  maxBytes = DEFAULT_MAX_BYTES,
  input: AsyncIterable<Buffer | string> & {isTTY?: boolean} = process.stdin,
): Promise<string> {
  if (input.isTTY) {
    throw usageError(
      `expected the ${what} on standard input, but standard input is a terminal; pipe it in or give a file`,
    )
  }

  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += buffer.length
    if (size > maxBytes)
      throw usageError(`standard input is larger than ${maxBytes} bytes; that is too large for a ${what}`)
    chunks.push(buffer)
  }

  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw usageError(`standard input was empty; expected the ${what}`)
  return text
}

/**
 * Checks, before any remote work, that a secret file can be created at `path`: not standard
 * output, its folder exists and is writable, and nothing is there unless `force` allows replacing
 * it — and even then only a regular file, never a link, a device, a FIFO or a socket.
 */
export async function checkCanWrite(
  path: string,
  {force = false, what}: {force?: boolean; what: string},
): Promise<void> {
  refuseNonPath(path, what)
  const existing = await lstat(path).catch(() => undefined)
  if (existing) refuseToReplace(existing, path, {force, what})
  const folder = dirname(path)
  try {
    await access(folder, constants.W_OK)
  } catch (error) {
    const code = errorCode(error)
    throw usageError(
      code === 'ENOENT'
        ? `${folderName(folder)} does not exist; create it first`
        : `cannot write the ${what} into ${nameOf(folder, 'the folder given')}: permission denied`,
      safeCause(error, folder),
    )
  }
}

/** "-" is standard output elsewhere, and an empty path names nothing: neither is a key file. */
function refuseNonPath(path: string, what: string): void {
  if (path === '-') throw usageError(`a ${what} cannot be written to standard output ("-"); give a file path`)
  if (path.trim() === '') throw usageError(`the path for the ${what} is empty; give a file path`)
}

/** What is at `path` already, if anything, must be a regular file that `force` allows replacing. */
function refuseToReplace(existing: Stats, path: string, {force, what}: {force: boolean; what: string}): void {
  const name = nameOf(path, `the path given for the ${what}`)
  if (existing.isDirectory()) throw usageError(`${name} is a directory; give a file path for the ${what}`)
  if (existing.isSymbolicLink())
    throw usageError(
      `${name} is a symbolic link; give the path of a file itself (a link is neither followed nor replaced)`,
    )
  if (!existing.isFile())
    throw usageError(`${name} is ${kindOf(existing)}, not a regular file; give a file path for the ${what}`)
  if (!force) throw usageError(`${name} already exists; choose another path or use --force to replace it`)
}

/**
 * Writes a secret (a private key) readable by its owner only (0600), atomically: a temporary file
 * in the same folder, flushed, then put in place. Without `force` an existing file is never
 * replaced, even by a concurrent writer (link() refuses to overwrite); with it, rename() replaces
 * the old file in one step, so no reader ever sees half a key — and only after checking again that
 * what it replaces is a regular file, as checkCanWrite did before the remote work.
 */
export async function writeSecretFile(
  path: string,
  content: string,
  {force = false, what}: {force?: boolean; what: string},
): Promise<void> {
  refuseNonPath(path, what)
  const name = nameOf(path, `the path given for the ${what}`)
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
      const existing = await lstat(path).catch(() => undefined)
      if (existing) refuseToReplace(existing, path, {force, what})
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
    if (error instanceof PluginError) throw error
    const code = errorCode(error)
    const cause = safeCause(error, path)
    if (code === 'EEXIST')
      throw usageError(`${name} already exists; choose another path or use --force to replace it`, cause)
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw usageError(`cannot write the ${what} to ${name}: permission denied`, cause)
    if (code === 'ENOENT')
      throw usageError(`cannot write the ${what} to ${name}: ${folderName(dirname(path))} does not exist`, cause)
    throw usageError(`cannot write the ${what} to ${name}: ${code ?? 'unexpected error'}`, cause)
  } finally {
    await unlink(temporary).catch(() => {})
  }
}
