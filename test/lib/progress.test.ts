import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import {fleetProgress, type ProgressOutput} from '../../src/lib/progress.js'

/** A stderr that says it is a terminal 80 columns wide, collecting what is drawn. */
function terminal(): {stream: NodeJS.WritableStream; drawn: () => string; shows: (pattern: RegExp) => Promise<void>} {
  const stream = Object.assign(new PassThrough(), {columns: 80, isTTY: true})
  let drawn = ''
  stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()))
  // the bar redraws on its own timer: wait for the drawing, not for a time
  const shows = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!pattern.test(drawn)) return
        stream.off('data', check)
        resolve()
      }

      stream.on('data', check)
      check()
    })
  return {drawn: () => drawn, shows, stream}
}

function output(extra: Partial<ProgressOutput>): {lines: string[]; output: ProgressOutput} {
  const lines: string[] = []
  return {
    lines,
    output: {
      bar: false,
      lines: true,
      now: () => 0,
      stderr: new PassThrough(),
      stdout: (line) => lines.push(line),
      stdoutIsTerminal: false,
      ...extra,
    },
  }
}

describe('fleetProgress', () => {
  it('without a terminal: every line on stdout, nothing drawn', () => {
    const {lines, output: out} = output({})
    const progress = fleetProgress('Re-linking', out)
    progress.found(3)
    progress.finished('ok', '101 relinked')
    progress.finished('skipped', '102 skipped: 40 day(s) left')
    progress.finished('failed', '103 failed: no')
    progress.end()
    expect(lines).to.deep.equal(['101 relinked', '102 skipped: 40 day(s) left', '103 failed: no'])
  })

  it('with --json: no lines at all', () => {
    const {lines, output: out} = output({lines: false})
    const progress = fleetProgress('Re-linking', out)
    progress.finished('failed', '103 failed: no')
    progress.end()
    expect(lines).to.deep.equal([])
  })

  it('at a terminal: a bar with done, failed, total, rate and ETA; only the lines worth a look when stdout is that terminal', async () => {
    const {drawn, shows, stream} = terminal()
    let now = 0
    const {lines, output: out} = output({bar: true, now: () => now, stderr: stream, stdoutIsTerminal: true})
    const progress = fleetProgress('Re-linking', out)
    expect(drawn(), 'nothing to show before any item is known').to.equal('')
    progress.found(4)
    now = 2000
    progress.finished('ok', '101 relinked')
    progress.finished('failed', '102 failed: no')
    progress.finished('skipped', '103 skipped')
    expect(lines).to.deep.equal(['102 failed: no'])
    await shows(/Re-linking \[[^\]]+\] 3\/4 done, 1 failed \| 1\.5\/s \| ETA \d+s/)
    expect(drawn(), 'the line is written on a cleared line').to.include('\r\u001B[2K')
    progress.end()
    progress.end()
  })

  it('at a terminal with stdout piped elsewhere: the bar, and every line into the pipe', () => {
    const {stream} = terminal()
    const {lines, output: out} = output({bar: true, stderr: stream, stdoutIsTerminal: false})
    const progress = fleetProgress('Checking', out)
    progress.found(1)
    progress.finished('ok', '101 relinked')
    progress.end()
    expect(lines).to.deep.equal(['101 relinked'])
  })
})
