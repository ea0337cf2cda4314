// Temporary folders for tests (HOMEs, working folders, keys): all named /tmp/nexmo-messenger-*,
// all removed when the run ends, since some hold private keys. Only folders made here are removed:
// other runs on the machine may be using theirs. KEEP_TEST_DIRS=1 keeps them, to look inside.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const made = new Set<string>()

/** This run's folders carry its pid, so the check below sees its own leftovers, not another run's. */
const PREFIX = `nexmo-messenger-${process.pid}-`

/** A fresh folder /tmp/nexmo-messenger-<pid>-<name>-XXXXXX, removed at the end of the run. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${name}-`))
  made.add(dir)
  return dir
}

/** Removes every folder tempDir made so far (a folder already gone is fine). */
export function removeTempDirs(): void {
  if (process.env.KEEP_TEST_DIRS) {
    if (made.size > 0)
      process.stderr.write(`KEEP_TEST_DIRS: kept ${made.size} folder(s) in ${tmpdir()}, e.g. ${[...made][0]}\n`)
    made.clear()
    return
  }

  for (const dir of made) {
    rmSync(dir, {force: true, maxRetries: 3, recursive: true})
    made.delete(dir)
  }
}

/**
 * Fails the run if any folder of this process is still there (made without tempDir, or not
 * removable): a test must leave nothing behind, some of these hold keys. Run by the root hooks
 * (test/helpers/root-hooks.ts) after every spec file, in each of mocha's parallel workers too.
 */
export function checkNothingLeft(): void {
  removeTempDirs()
  if (process.env.KEEP_TEST_DIRS) return
  const left = readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX))
  if (left.length > 0)
    throw new Error(`the run left ${left.length} folder(s) in ${tmpdir()}: ${left.slice(0, 5).join(', ')}`)
}

// Anything made after the last check (a script, a run cut short by an error) goes at exit.
process.once('exit', removeTempDirs)
