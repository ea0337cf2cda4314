// Vonage External Accounts API (beta) under /beta/chatapp-accounts: link a Facebook Page
// ("Subscribe"), read, update, unlink ("Unsubscribe"), list, and link/unlink one Messages
// application. Basic auth or a verified Bearer JWT. The rules the docs state are enforced: one
// application per account, Messages applications only, and a Page token Facebook really issued.
// Linking (or a PATCH with a new token) subscribes Vonage's Facebook app to the Page's webhooks;
// unlinking unsubscribes it, as GET /{page-id}/subscribed_apps then shows.
import {checkBasic, checkBearer} from './auth.js'
import {
  type Api,
  type ApiRequest,
  type InvalidParam,
  type OperationContext,
  instanceId,
  serveContract,
} from './contract.js'
import {pageTokenProblem} from './graph.js'
import {type Answer, halPage, json} from './http.js'
import {type Account, DEFAULT_SUBSCRIBED_FIELDS, type SandboxState} from './state.js'

const ROOT = '/beta/chatapp-accounts'
const ERRORS = 'https://www.nexmo.com/messages/Errors'

const invalidParams = (params: InvalidParam[]): Answer =>
  json(400, {
    detail: `Found errors validating ${params.length} of your submitted parameters.`,
    instance: instanceId(),
    invalid_params: params,
    title: "Your request parameters didn't validate.",
    type: `${ERRORS}#InvalidParams`,
  })

const notFound = (what: string): Answer =>
  json(404, {detail: `${what} was not found`, instance: instanceId(), title: 'Not Found', type: `${ERRORS}#NotFound`})

interface AccountBody {
  external_id?: string
  access_token?: string
  name?: string
  applications?: string[]
}

export function externalAccountsApi(state: SandboxState): Promise<Api> {
  const param = (context: OperationContext, name: string) => context.request.params[name]

  /** Why these applications cannot be linked (403), if they cannot. */
  const applicationProblem = (ids: string[]): Answer | undefined => {
    for (const id of ids) {
      const application = state.applications.get(id)
      if (!application || !application.capabilities.messages) {
        return json(403, {
          detail: `Cannot link application ${id}: it does not exist or is not a Messages application`,
          title: 'Forbidden',
          type: `${ERRORS}#Forbidden`,
        })
      }
    }

    return undefined
  }

  const tokenProblem = (externalId: string, token: string): Answer | undefined => {
    const reason = pageTokenProblem(state, externalId, token)
    return reason ? invalidParams([{name: 'access_token', reason}]) : undefined
  }

  return serveContract({
    apiRoot: ROOT,
    invalid: invalidParams,
    name: 'external-accounts',
    notFound: (request) => notFound(request.path),
    operations: {
      CreateMessengerAccount(_context, request: ApiRequest) {
        const body = request.body as Required<Pick<AccountBody, 'access_token' | 'external_id'>> & AccountBody
        if (state.accounts.has(body.external_id)) {
          return invalidParams([
            {name: 'external_id', reason: `An account for external_id ${body.external_id} already exists`},
          ])
        }

        const problem = tokenProblem(body.external_id, body.access_token) ?? applicationProblem(body.applications ?? [])
        if (problem) return problem
        const account: Account = {
          access_token: body.access_token,
          api_key: state.credentials.apiKey,
          applications: body.applications ?? [],
          external_id: body.external_id,
          provider: 'messenger',
          ...(body.name === undefined ? {} : {name: body.name}),
        }
        state.accounts.set(account.external_id, account)
        state.subscriptions.set(account.external_id, [...DEFAULT_SUBSCRIBED_FIELDS])
        return json(201, account)
      },

      DeleteMessengerAccount(context) {
        const id = param(context, 'external_id')
        if (!state.accounts.delete(id)) return notFound(`Account ${id}`)
        state.subscriptions.delete(id)
        return json(204)
      },

      GetAllAccounts(_context, request) {
        const pageSize = Math.max(1, Number(request.query.page_size ?? 20))
        const page = Math.max(1, Number(request.query.page_number ?? 1))
        const provider = request.query.provider as string | undefined
        const all = [...state.accounts.values()].filter((account) => !provider || account.provider === provider)
        const filter = provider ? `provider=${provider}&` : ''
        const {items, links} = halPage(
          all,
          page,
          pageSize,
          (n) => `${request.origin}${ROOT}?${filter}page_number=${n}&page_size=${pageSize}`,
        )
        return json(200, {
          _embedded: items,
          _links: links,
          page_number: page,
          page_size: pageSize,
          total_items: all.length,
        })
      },

      GetMessengerAccount(context) {
        const account = state.accounts.get(param(context, 'external_id'))
        return account ? json(200, account) : notFound(`Account ${param(context, 'external_id')}`)
      },

      GetVSMAccount: (context) => notFound(`Viber account ${param(context, 'external_id')}`),
      GetWAAccount: (context) => notFound(`WhatsApp account ${param(context, 'external_id')}`),

      LinkApplication(context, request) {
        const account = state.accounts.get(param(context, 'external_id'))
        if (!account || param(context, 'provider') !== account.provider)
          return notFound(`Account ${param(context, 'external_id')}`)
        const id = (request.body as {application: string}).application
        if (account.applications.length > 0) {
          return json(409, {
            detail: `Unable to link application: ${account.applications[0]} is already linked`,
            title: 'Application conflict',
            type: `${ERRORS}#Conflict`,
          })
        }

        const problem = applicationProblem([id])
        if (problem) return problem
        account.applications = [id]
        return json(200, account)
      },

      UnliWithoutApplicationnkApplication(context) {
        const account = state.accounts.get(param(context, 'external_id'))
        if (!account || param(context, 'provider') !== account.provider)
          return notFound(`Account ${param(context, 'external_id')}`)
        const id = param(context, 'application_id')
        if (!account.applications.includes(id)) {
          return json(409, {
            detail: `Application ${id} is not linked to this account`,
            title: 'Application conflict',
            type: `${ERRORS}#Conflict`,
          })
        }

        account.applications = account.applications.filter((linked) => linked !== id)
        return json(204)
      },

      UpdateMessengerAccount(context, request) {
        // A choice the spec leaves open (it documents PATCH): a service without it answers 405.
        if (state.settings.noPatch)
          return json(405, {
            detail: 'PATCH is not available for this account',
            title: 'Method Not Allowed',
            type: `${ERRORS}#MethodNotAllowed`,
          })
        const account = state.accounts.get(param(context, 'external_id'))
        if (!account) return notFound(`Account ${param(context, 'external_id')}`)
        const body = request.body as AccountBody
        const problem =
          (body.access_token === undefined ? undefined : tokenProblem(account.external_id, body.access_token)) ??
          applicationProblem(body.applications ?? [])
        if (problem) return problem
        if ((body.applications?.length ?? 0) > 1)
          return invalidParams([{name: 'applications', reason: 'There is just one application allowed per account'}])
        Object.assign(
          account,
          Object.fromEntries(
            Object.entries(body).filter(
              ([name, value]) => value !== undefined && ['access_token', 'applications', 'name'].includes(name),
            ),
          ),
        )
        if (body.access_token !== undefined)
          state.subscriptions.set(account.external_id, [...DEFAULT_SUBSCRIBED_FIELDS])
        return json(200, account)
      },
    },
    security: {
      basicAuth: (_context, request) => checkBasic(state, request.headers),
      bearerAuth: (_context, request) => checkBearer(state, request.headers),
    },
    specUrl: new URL('specs/external-accounts.json', import.meta.url),
    state,
    unauthorized(context) {
      const results = [context.security?.bearerAuth, context.security?.basicAuth] as Array<{error?: Error} | undefined>
      const reasons = results.map((result) => result?.error?.message).filter(Boolean)
      const detail =
        reasons.find((reason) => reason !== "Request header 'Authorization' missing") ?? reasons[0] ?? 'Invalid Token'
      return json(401, {detail, title: 'Unauthorised'})
    },
  })
}
