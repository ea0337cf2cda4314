// The plugin as users get it: `npm pack` (which builds and ships the manifest), made once per run
// for every host test that installs it.
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp.js'

let tarball: string | undefined

export function packPlugin(): string {
  // the root hooks may have removed it since (a run's folders go after each spec file in parallel mode)
  if (tarball && existsSync(tarball)) return tarball
  const scratch = tempDir('pack')
  const output = execFileSync('npm', ['pack', '--pack-destination', scratch, '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  tarball = join(scratch, output.trim().split('\n').pop()!)
  return tarball
}
