// Fault injection: POST /_sandbox/faults queues a fault for the next `times` requests whose method
// and path match; the server applies it before the request takes effect (or, with when:"after",
// lets the request take effect and then fails its answer, the ambiguous case clients must survive).
// With hold:true the request is first parked until the test releases it (holds.ts).
import {type Answer, json} from './http.js'
import type {Fault, SandboxState} from './state.js'

export function addFault(state: SandboxState, body: unknown): Answer {
  const input = (body ?? {}) as Record<string, unknown>
  const problems: string[] = []
  const check = (ok: boolean, message: string) => ok || problems.push(message)
  check(
    typeof input.path === 'string' && input.path.startsWith('/'),
    'path must be a path prefix or a /regex/, starting with "/"',
  )
  check(input.method === undefined || typeof input.method === 'string', 'method must be a string (or "*")')
  check(
    input.times === undefined || (Number.isInteger(input.times) && (input.times as number) > 0),
    'times must be a whole number above 0',
  )
  check(
    input.status === undefined ||
      (Number.isInteger(input.status) && (input.status as number) >= 100 && (input.status as number) <= 599),
    'status must be an HTTP status code',
  )
  check(
    input.delay_ms === undefined || (Number.isInteger(input.delay_ms) && (input.delay_ms as number) >= 0),
    'delay_ms must be a whole number of milliseconds',
  )
  check(input.reset === undefined || typeof input.reset === 'boolean', 'reset must be true or false')
  check(input.hold === undefined || typeof input.hold === 'boolean', 'hold must be true or false')
  check(
    input.when === undefined || input.when === 'before' || input.when === 'after',
    'when must be "before" or "after"',
  )
  check(
    input.skip === undefined || (Number.isInteger(input.skip) && (input.skip as number) >= 0),
    'skip must be a whole number',
  )
  check(
    input.status !== undefined || input.reset === true || input.delay_ms !== undefined || input.hold === true,
    'a fault needs status, reset, delay_ms or hold',
  )
  if (typeof input.path === 'string' && isRegex(input.path)) {
    try {
      new RegExp(input.path.slice(1, -1))
    } catch {
      problems.push('path looks like a /regex/ but does not compile')
    }
  }

  if (problems.length > 0) return json(400, {errors: problems})
  const fault: Fault = {
    body: input.body,
    delay_ms: input.delay_ms as number | undefined,
    hold: input.hold as boolean | undefined,
    method: ((input.method as string | undefined) ?? '*').toUpperCase(),
    path: input.path as string,
    reset: input.reset as boolean | undefined,
    retry_after: input.retry_after as number | string | undefined,
    skip: (input.skip as number | undefined) ?? 0,
    status: input.status as number | undefined,
    times: (input.times as number | undefined) ?? 1,
    when: (input.when as 'after' | 'before' | undefined) ?? 'before',
  }
  state.faults.push(fault)
  return json(201, {fault, queued: state.faults.length})
}

const isRegex = (path: string) => path.length > 2 && path.endsWith('/') && /[\^$*+?()[\]{}|\\]/.test(path)

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method !== '*' && fault.method !== method) return false
  return path.startsWith(fault.path) || (isRegex(fault.path) && new RegExp(fault.path.slice(1, -1)).test(path))
}

/** The first queued fault for this request, used up by one. */
export function takeFault(state: SandboxState, method: string, path: string): Fault | undefined {
  const fault = state.faults.find((candidate) => matches(candidate, method, path))
  if (!fault) return undefined
  if (fault.skip > 0) {
    fault.skip -= 1
    return undefined
  }

  fault.times -= 1
  if (fault.times === 0) state.faults.splice(state.faults.indexOf(fault), 1)
  return fault
}

/** The answer a status fault sends: its body (text is sent as an HTML page) and Retry-After. */
export function faultAnswer(fault: Fault): Answer {
  const headers: Record<string, string> =
    fault.retry_after === undefined ? {} : {'retry-after': String(fault.retry_after)}
  const body = fault.body ?? {detail: 'injected by the sandbox', status: fault.status, title: 'Sandbox fault'}
  return {body, headers, status: fault.status!}
}
