// Asking the person at the terminal, and refusing to wait for an answer that a script can never give.
import {usageError} from './errors.js'

export const isInteractive = () => Boolean(process.stdin.isTTY && process.stderr.isTTY)

/** True when confirmed; `yes` skips the question; without a terminal, refuses with a hint. */
export async function confirmOrRefuse(
  question: string,
  {refusal, yes}: {refusal: string; yes: boolean},
): Promise<boolean> {
  if (yes) return true
  if (!isInteractive()) throw usageError(`${refusal}: standard input is not a terminal, so pass --yes to confirm`)
  const {default: confirm} = await import('@inquirer/confirm')
  return confirm({default: false, message: question}, {output: process.stderr})
}
