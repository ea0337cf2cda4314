import {Flags} from '@oclif/core'

import {AdaptiveGate, MAX_CONCURRENCY} from '../../lib/adaptive.js'
import {BaseCommand} from '../../lib/base-command.js'
import {settle, signalKind, withCleanup} from '../../lib/cleanup.js'
import {PluginError, usageError} from '../../lib/errors.js'
import {connectGraph, linkAuthFlags, pageFlags} from '../../lib/flags.js'
import {connectAccounts, planLinkAuth} from '../../lib/link-auth.js'
import {relinkAll, relinkPage, type RelinkResult} from '../../lib/messenger.js'
import {pageLabel, printable} from '../../lib/output.js'
import {checkPageToken, choosePage} from '../../lib/pages.js'

export interface RelinkReport {
  results: RelinkResult[]
  unreachable?: string[]
}

export default class MessengerRelink extends BaseCommand {
  static summary =
    'Re-link a Page with a fresh Page token, keeping its name and application; the Page stays linked throughout.'
  static description = `The link expires (Facebook's data access lapses after 90 days); this replaces the stored Page token with one PATCH, confirmed from Vonage's answer. After an answer that may hide a success (a timeout, a reset, a 5xx) the link is read back, and the error says which token the Page has.
Where Vonage turns PATCH down, it says so in one warning and falls back to Unsubscribe + Subscribe: if a step after the unlink fails, the previous link is restored; if that fails too, the error gives the exact command that finishes the job.
--all re-links every linked Page your user token manages (one list, then one PATCH per Page), as many at once as Vonage answers well: from 4, doubling while answers are healthy, halved on a 429 (waiting as long as it asks), never more than --concurrency; one line per Page on stdout ("PAGE_ID relinked" or "PAGE_ID failed: why"); some failing is exit 8.`

  // oclif's generated usage line groups --name with the Page choice as if they excluded each other.
  static usage = [
    '<%= command.id %> (--page ID_OR_NAME | --page-id ID) [--name NAME] [FLAGS]',
    '<%= command.id %> --all [--concurrency N] [FLAGS]',
  ]

  static examples = [
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --page "Pizza Place"',
      description: 'Re-link one Page with the token your user token gives',
    },
    {
      command: 'FACEBOOK_USER_TOKEN=... <%= config.bin %> <%= command.id %> --all',
      description: 'The scheduled job: every linked Page you manage',
    },
  ]

  static flags = {
    ...linkAuthFlags,
    ...pageFlags,
    all: Flags.boolean({description: 'every linked Page the user token manages', exclusive: ['page', 'page-id']}),
    concurrency: Flags.integer({
      description: 'with --all: the most requests at once [default: as many as Vonage answers well, from 4 up to 32]',
      max: MAX_CONCURRENCY,
      min: 1,
    }),
    name: Flags.string({description: 'new account name [default: keep the current one]', exclusive: ['all']}),
  }

  async run(): Promise<RelinkReport> {
    const {flags} = await this.parse(MessengerRelink)
    const plan = await planLinkAuth(flags)
    const graph = connectGraph(flags)
    const userToken = flags['user-token']
    if (flags.all && !userToken)
      throw usageError(
        '--all needs a user token (--user-token or FACEBOOK_USER_TOKEN) to find your Pages and their fresh tokens',
      )
    const pages = flags.all ? await this.progress('Listing your Pages', () => graph.listPages(userToken!)) : undefined
    const page = pages ? undefined : await this.progress('Finding the Page', () => choosePage(flags, () => graph))
    if (page)
      for (const warning of await checkPageToken(graph, page, userToken, Math.floor(Date.now() / 1000)))
        this.warning(warning)
    const finished = await withCleanup(async (cleanup): Promise<RelinkReport> => {
      const concurrency = flags.concurrency ?? MAX_CONCURRENCY
      const gate = flags.all ? new AdaptiveGate({abort: cleanup.abortSignal, max: concurrency}) : undefined
      const accounts = await this.progress('Preparing the linking calls', () =>
        connectAccounts(flags, plan, cleanup, gate),
      )
      const options = {
        bin: this.config.bin,
        cleanup,
        concurrency,
        name: flags.name,
        onFallback: (message: string) => this.warning(message),
      }
      if (page)
        return {
          results: [await this.progress(`Re-linking ${pageLabel(page)}`, () => relinkPage(accounts, page, options))],
        }
      return relinkAll(accounts, pages!, options)
    })
    const report = finished.value
    const line = (result: RelinkResult) =>
      result.status === 'relinked'
        ? `${result.page} relinked`
        : result.status === 'stopped'
          ? `${result.page} stopped: not re-linked`
          : `${result.page} failed: ${printable(result.error ?? '')}`
    if (!this.jsonEnabled()) for (const result of report.results) this.log(line(result))
    for (const id of report.unreachable ?? [])
      this.warning(`${id} is linked but not among the Pages this user token manages; left alone`)
    const failed = report.results.filter((result) => result.status === 'failed')
    const stopped = report.results.filter((result) => result.status === 'stopped')
    const relinked = report.results.length - failed.length - stopped.length
    const summary = `${relinked} of ${report.results.length} linked Page(s) re-linked${failed.length > 0 ? `, ${failed.length} failed` : ''}${stopped.length > 0 ? `, ${stopped.length} stopped` : ''}`
    if (flags.all) this.notice(`${summary}.`)
    if (finished.signal && stopped.length > 0) {
      const also = finished.failures.length === 0 ? '' : `; but ${finished.failures.join('; ')}`
      throw new PluginError(
        signalKind(finished.signal),
        `${finished.signal} stopped the run: ${summary}; the Pages not re-linked keep their previous link${also}`,
        {result: {...report}},
      )
    }

    if (failed.length > 0) {
      const kind = failed.length === report.results.length ? 'remote' : 'partial'
      const lost = failed.filter((result) => result.previous_link_kept === false).map((result) => result.page)
      const state =
        lost.length === 0
          ? 'each kept its previous link'
          : `${lost.join(', ')} lost ${lost.length === 1 ? 'its link' : 'their links'}: finish by hand as each line says`
      throw new PluginError(
        kind,
        `${failed.length} of ${report.results.length} Page(s) could not be re-linked; ${state}`,
        {result: {...report}},
      )
    }

    if (flags.all && report.results.length === 0 && (report.unreachable?.length ?? 0) > 0) {
      throw new PluginError(
        'not-found',
        `none of the ${report.unreachable!.length} linked Page(s) is among the Pages this user token manages, so nothing was re-linked and their links will lapse; use the user token of a Page admin`,
        {result: {...report}},
      )
    }

    return settle(finished, summary)
  }
}
