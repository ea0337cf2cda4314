// Vonage Applications API v2 under /v2/applications: create (with a real RSA key pair whose private
// half is returned once), get, list (HAL, paginated), update and delete. Basic auth only.
import {createPublicKey, generateKeyPair, randomUUID} from 'node:crypto'
import {promisify} from 'node:util'

import {type Api, type ApiRequest, instanceId, serveContract} from './contract.js'
import {checkBasic} from './auth.js'
import {type Answer, halPage, json} from './http.js'
import type {Application, SandboxState} from './state.js'

const ROOT = '/v2/applications'
const generateRsa = promisify(generateKeyPair)

/**
 * Key pairs made ahead, off the event loop: making an RSA key takes from tens of milliseconds to
 * over a second on a busy machine, and a test that gives the CLI a 1 s --timeout for one held request
 * must not see its healthy "create application" time out too. Every application still gets a key
 * pair of its own; the pool (one per process) is topped up after each one is taken.
 */
const POOL_SIZE = 4
const pool: Array<Promise<{publicKey: string; privateKey: string}>> = []
function freshPair() {
  return generateRsa('rsa', {modulusLength: 2048}).then((pair) => ({
    privateKey: pair.privateKey.export({format: 'pem', type: 'pkcs8'}).toString(),
    publicKey: pair.publicKey.export({format: 'pem', type: 'spki'}).toString(),
  }))
}

function takePair() {
  while (pool.length < POOL_SIZE + 1) pool.push(freshPair())
  return pool.shift()!
}

/** Starts filling the pool (at sandbox start), so the first applications need not wait either. */
export function warmKeyPool(): void {
  while (pool.length < POOL_SIZE) pool.push(freshPair())
}

const problem = (status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Answer =>
  json(status, {
    detail,
    instance: instanceId(),
    title,
    type: `https://developer.nexmo.com/api-errors/application#${title.toLowerCase().replaceAll(' ', '-')}`,
    ...extra,
  })

function view(application: Application, origin: string) {
  const {capabilities, id, keys, name, privacy} = application
  return {
    _links: {self: {href: `${origin}${ROOT}/${id}`}},
    capabilities,
    id,
    keys: {public_key: keys.public_key},
    name,
    privacy,
  }
}

interface CreateBody {
  name: string
  capabilities?: Record<string, unknown>
  keys?: {public_key?: string}
  privacy?: {improve_ai?: boolean}
}

export function applicationsApi(state: SandboxState): Promise<Api> {
  const notFound = (id: string) => problem(404, 'Not Found', `Application ${id} could not be found`)

  return serveContract({
    apiRoot: ROOT,
    invalid: (params) =>
      problem(400, 'Bad Request', 'The request failed due to validation errors', {invalid_parameters: params}),
    name: 'applications',
    notFound: (request) => problem(404, 'Not Found', `${request.path} is not a resource of this API`),
    operations: {
      async createApplication(_context, request: ApiRequest) {
        const body = request.body as CreateBody
        let publicKey = body.keys?.public_key
        let privateKey: string | undefined
        if (publicKey === undefined) {
          const pair = await takePair()
          publicKey = pair.publicKey
          privateKey = pair.privateKey
        } else {
          try {
            createPublicKey(publicKey)
          } catch {
            return problem(400, 'Bad Request', 'The request failed due to validation errors', {
              invalid_parameters: [{name: 'keys.public_key', reason: 'is not a valid public key'}],
            })
          }
        }

        const application: Application = {
          capabilities: body.capabilities ?? {},
          id: randomUUID(),
          keys: {public_key: publicKey},
          name: body.name,
          privacy: {improve_ai: body.privacy?.improve_ai ?? true},
        }
        state.applications.set(application.id, application)
        const answer = view(application, request.origin)
        return json(201, {
          ...answer,
          keys: privateKey === undefined ? answer.keys : {...answer.keys, private_key: privateKey},
        })
      },

      deleteApplication(context) {
        const id = context.request.params.id
        if (!state.applications.delete(id)) return notFound(id)
        return json(204)
      },

      getApplication(context, request) {
        const application = state.applications.get(context.request.params.id)
        return application ? json(200, view(application, request.origin)) : notFound(context.request.params.id)
      },

      listApplication(_context, request) {
        const pageSize = Math.max(1, Number(request.query.page_size ?? 10))
        const page = Math.max(1, Number(request.query.page ?? 1))
        const all = [...state.applications.values()]
        const {items, last, links} = halPage(
          all,
          page,
          pageSize,
          (n) => `${request.origin}${ROOT}?page_size=${pageSize}&page=${n}`,
        )
        return json(200, {
          _embedded: {applications: items.map((application) => view(application, request.origin))},
          _links: links,
          page,
          page_size: pageSize,
          total_items: all.length,
          total_pages: last,
        })
      },

      updateApplication(context, request) {
        const application = state.applications.get(context.request.params.id)
        if (!application) return notFound(context.request.params.id)
        const body = request.body as CreateBody
        Object.assign(application, {capabilities: body.capabilities ?? application.capabilities, name: body.name})
        if (body.keys?.public_key) application.keys = {public_key: body.keys.public_key}
        return json(200, view(application, request.origin))
      },
    },
    security: {basicAuth: (_context, request) => checkBasic(state, request.headers)},
    specUrl: new URL('specs/application.v2.json', import.meta.url),
    state,
    unauthorized: () => problem(401, 'Unauthorized', 'You did not provide correct credentials.'),
  })
}
