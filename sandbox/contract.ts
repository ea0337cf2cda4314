// Serving an API from its OpenAPI document with openapi-backend: it routes each request to an
// operation, runs the security handlers, and validates the request with ajv. A request that breaks
// the contract gets the spec's 400 answer and is recorded as a violation; the sandbox's own answers
// are validated too, so a drift between the sandbox and the spec shows up in the same list.
import {randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {OpenAPIBackend, type Context, type Document} from 'openapi-backend'

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

/** openapi-backend's context, with the path parameters its router parses: strings by name. */
export type OperationContext = Context<unknown, Record<string, string>>
export type OperationHandler = (context: OperationContext, request: ApiRequest) => Answer | Promise<Answer>
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

/**
 * Compiling a spec's validators takes about a second, and tests start a sandbox per case: each API's
 * backend is built once per process and serves every sandbox, which passes its own options (state,
 * handlers) along with each request.
 */
const backends = new Map<string, Promise<OpenAPIBackend>>()

export async function serveContract(options: ContractOptions): Promise<Api> {
  const key = `${options.specUrl.href} ${options.apiRoot} ${Object.keys(options.operations).sort().join(',')}`
  let backend = backends.get(key)
  if (!backend) {
    backend = build(options)
    backends.set(key, backend)
    backend.catch(() => backends.delete(key))
  }

  const api = await backend
  return (request) =>
    api.handleRequest(
      {
        body: request.body,
        headers: request.headers as Record<string, string>,
        method: request.method,
        path: request.path,
        query: request.query,
      },
      request,
      options,
    ) as Promise<Answer>
}

function record(
  options: ContractOptions,
  request: ApiRequest,
  kind: 'request' | 'response',
  errors: string[],
  context?: Context,
  status?: number,
) {
  options.state.violations.push({
    api: options.name,
    errors,
    kind,
    method: request.method,
    operation: context?.operation?.operationId,
    path: request.path,
    status,
  })
}

/** The backend for one API; every handler acts on the options of the sandbox whose request it is. */
async function build(first: ContractOptions): Promise<OpenAPIBackend> {
  const definition = JSON.parse(readFileSync(first.specUrl, 'utf8')) as Document
  const api = new OpenAPIBackend({
    apiRoot: first.apiRoot,
    ajvOpts: {allErrors: true},
    definition,
    quick: false,
    strict: true,
    validate: true,
  })

  const operations = Object.fromEntries(
    Object.keys(first.operations).map((operationId) => [
      operationId,
      async (context: OperationContext, request: ApiRequest, options: ContractOptions) => {
        const answer = await options.operations[operationId](context, request)
        const documented = context.operation.responses?.[String(answer.status)]
        if (documented && answer.body !== undefined) {
          const result = api.validator.validateResponse(answer.body, context.operation, answer.status)
          if (result.errors?.length)
            record(
              options,
              request,
              'response',
              result.errors.map((error) => `${error.instancePath} ${error.message}`),
              context,
              answer.status,
            )
        }

        return answer
      },
    ]),
  )

  api.register({
    ...operations,
    methodNotAllowed: (_context: Context, request: ApiRequest, options: ContractOptions) => {
      record(options, request, 'request', [`${request.method} is not an operation of ${request.path}`])
      return {
        body: {title: 'Method Not Allowed', type: 'https://developer.nexmo.com/api-errors#method-not-allowed'},
        status: 405,
      }
    },
    notFound: (_context: Context, request: ApiRequest, options: ContractOptions) => {
      record(options, request, 'request', [`no operation matches ${request.path}`])
      return options.notFound(request)
    },
    unauthorizedHandler: (context: Context, _request: ApiRequest, options: ContractOptions) =>
      options.unauthorized(context),
    validationFail: (context: Context, request: ApiRequest, options: ContractOptions) => {
      const errors = context.validation.errors ?? []
      record(
        options,
        request,
        'request',
        errors.map((error) => `${error.instancePath} ${error.message}`),
        context,
      )
      return options.invalid(
        errors.map((error) => ({
          name:
            String(
              error.params?.missingProperty ??
                error.instancePath.replace(/^\/(requestBody|query|path|params)\/?/, '').replaceAll('/', '.'),
            ) || 'body',
          reason: error.message ?? 'is invalid',
        })),
      )
    },
  })
  for (const scheme of Object.keys(first.security)) {
    api.registerSecurityHandler(scheme, (context: Context, request: ApiRequest, options: ContractOptions) =>
      options.security[scheme](context, request),
    )
  }

  await api.init()
  return api
}

/** A per-answer id, as Vonage's error bodies carry in `instance`. */
export const instanceId = () => randomUUID()
