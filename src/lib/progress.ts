// How a fleet run (many Pages) shows its progress: one line per Page on stdout for a pipeline, and
// at a terminal a progress bar on stderr (cli-progress) with done, failed, total, rate and ETA.
import cliProgress, {type SingleBar} from 'cli-progress'

/** How one item of a fleet run ended. */
export type Outcome = 'ok' | 'failed' | 'skipped' | 'stopped'

export interface FleetProgress {
  /** `count` more items are known (a page of a streamed list arrived). */
  found: (count: number) => void
  /** One item is over; its `line`, if any, goes to stdout (at a terminal with a bar, only when it did not go well). */
  finished: (outcome: Outcome, line?: string) => void
  /** The run is over: the bar is taken down. Safe to call twice. */
  end: () => void
}

export interface ProgressOutput {
  /** Draw a bar on stderr (a person is watching it). */
  bar: boolean
  /** Print the per-item lines (not with --json). */
  lines: boolean
  /** stdout is the same terminal as the bar: keep it for the lines worth a look. */
  stdoutIsTerminal: boolean
  stdout: (line: string) => void
  stderr: NodeJS.WritableStream
  /** Milliseconds since some fixed point, for the rate; tests pass a fake. */
  now?: () => number
}

const CLEAR_LINE = '\r\u001B[2K'

export function fleetProgress(label: string, output: ProgressOutput): FleetProgress {
  const now = output.now ?? (() => performance.now())
  const started = now()
  let done = 0
  let failed = 0
  let total = 0
  let bar: SingleBar | undefined
  // drawn from the first item known on: a bar of 0/0 would say nothing (or that all is done)
  const draw = () => {
    const drawn = new cliProgress.SingleBar({
      clearOnComplete: true,
      forceRedraw: true,
      format: `${label} [{bar}] {value}/{total} done, {failed} failed | {rate}/s | ETA {eta_formatted}`,
      gracefulExit: false,
      hideCursor: true,
      stream: output.stderr,
    })
    drawn.start(total, done, {failed, rate: rate()})
    return drawn
  }

  const rate = () => {
    const seconds = (now() - started) / 1000
    return seconds > 0 ? (done / seconds).toFixed(1) : '0.0'
  }

  let ended = false
  return {
    end() {
      if (ended) return
      ended = true
      bar?.stop()
    },
    finished(outcome, line) {
      done += 1
      if (outcome === 'failed') failed += 1
      if (line !== undefined && output.lines) {
        const quiet = bar !== undefined && output.stdoutIsTerminal && (outcome === 'ok' || outcome === 'skipped')
        if (!quiet) {
          if (bar && output.stdoutIsTerminal) output.stderr.write(CLEAR_LINE)
          output.stdout(line)
        }
      }

      bar?.update(done, {failed, rate: rate()})
    },
    found(count) {
      total += count
      if (bar) bar.setTotal(total)
      else if (output.bar && total > 0 && !ended) bar = draw()
    },
  }
}
