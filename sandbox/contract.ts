// Serving an API from its OpenAPI document with openapi-backend: it routes each request to an
// operation, runs the security handlers, and validates the request with ajv. A request that breaks
// the contract gets the spec's 400 answer and is recorded as a violation; the sandbox's own answers
// are validated too, so a drift between the sandbox and the spec shows up in the same list.
import {randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {OpenAPIBackend, type Context} from 'openapi-backend'

import type {Answer} from './http.js'
import type {SandboxState} from './state.js'

export interface ApiRequest {
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>
  body: unknown
  /** http://127.0.0.1:PORT, for the absolute links in HAL answers. */
  origin: string
}

export type OperationHandler = (context: Context, request: ApiRequest) => Answer | Promise<Answer>
export type SecurityHandler = (context: Context, request: ApiRequest) => unknown

export interface InvalidParam {
  name: string
  reason: string
}

export interface ContractOptions {
  /** "applications" or "external-accounts": names the API in violations. */
  name: string
  specUrl: URL
  apiRoot: string
  state: SandboxState
  operations: Record<string, OperationHandler>
  security: Record<string, SecurityHandler>
  unauthorized: (context: Context) => Answer
  /** The spec's 400 answer for these parameters. */
  invalid: (params: InvalidParam[]) => Answer
  notFound: (request: ApiRequest) => Answer
}

export type Api = (request: ApiRequest) => Promise<Answer>

export async function serveContract(options: ContractOptions): Promise<Api> {
  const {name, state} = options
  const definition = JSON.parse(readFileSync(options.specUrl, 'utf8'))
  const api = new OpenAPIBackend({
    apiRoot: options.apiRoot,
    ajvOpts: {allErrors: true},
    definition,
    quick: false,
    strict: true,
    validate: true,
  })

  const record = (request: ApiRequest, kind: 'request' | 'response', errors: string[], context?: Context, status?: number) => {
    state.violations.push({api: name, errors, kind, method: request.method, operation: context?.operation?.operationId, path: request.path, status})
  }

  const operations = Object.fromEntries(
    Object.entries(options.operations).map(([operationId, handler]) => [
      operationId,
      async (context: Context, request: ApiRequest) => {
        const answer = await handler(context, request)
        const documented = context.operation.responses?.[String(answer.status)]
        if (documented && answer.body !== undefined) {
          const result = api.validator.validateResponse(answer.body, context.operation, answer.status)
          if (result.errors?.length) record(request, 'response', result.errors.map((error) => `${error.instancePath} ${error.message}`), context, answer.status)
        }

        return answer
      },
    ]),
  )

  api.register({
    ...operations,
    methodNotAllowed: (_context: Context, request: ApiRequest) => {
      record(request, 'request', [`${request.method} is not an operation of ${request.path}`])
      return {body: {title: 'Method Not Allowed', type: 'https://developer.nexmo.com/api-errors#method-not-allowed'}, status: 405}
    },
    notFound: (_context: Context, request: ApiRequest) => {
      record(request, 'request', [`no operation matches ${request.path}`])
      return options.notFound(request)
    },
    unauthorizedHandler: (context: Context) => options.unauthorized(context),
    validationFail: (context: Context, request: ApiRequest) => {
      const errors = context.validation.errors ?? []
      record(request, 'request', errors.map((error) => `${error.instancePath} ${error.message}`), context)
      return options.invalid(errors.map((error) => ({
        name: String(error.params?.missingProperty ?? error.instancePath.replace(/^\/(requestBody|query|path|params)\/?/, '').replaceAll('/', '.')) || 'body',
        reason: error.message ?? 'is invalid',
      })))
    },
  })
  for (const [scheme, handler] of Object.entries(options.security)) api.registerSecurityHandler(scheme, handler)
  await api.init()

  return (request) => api.handleRequest({body: request.body, headers: request.headers as Record<string, string>, method: request.method, path: request.path, query: request.query}, request) as Promise<Answer>
}

/** A per-answer id, as Vonage's error bodies carry in `instance`. */
export const instanceId = () => randomUUID()
