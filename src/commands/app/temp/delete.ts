import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/base-command.js'
import {mapLimit, signalKind, withCleanup} from '../../../lib/cleanup.js'
import {PluginError, usageError} from '../../../lib/errors.js'
import {connectVonage, vonageFlags, yesFlag} from '../../../lib/flags.js'
import {confirmOrRefuse} from '../../../lib/prompts.js'
import {deleteApplications, type DeleteReport, TEMP_PREFIX} from '../../../lib/temp-app.js'
import {type ApplicationSummary, checkApplicationId, type VonageApplications} from '../../../lib/vonage.js'

interface Targets {
  targets: string[]
  /** Ids given that no application has: already gone. */
  missing: string[]
}

export default class AppTempDelete extends BaseCommand {
  static summary = 'Delete temporary applications: the ones given, or --all whose name marks them as temporary.'
  static description = `Deleted ids go to stdout, one a line. An id that is already gone is reported and is not an error.
Each id given is looked up first, and deleted only if its name starts with "${TEMP_PREFIX}" (the names app:temp gives); any other application is refused unless --force is given, and then it asks at a terminal (a script needs --yes too).
--all lists the applications whose name starts with --prefix (default "${TEMP_PREFIX}") and never touches any other; it asks for confirmation at a terminal and needs --yes in a script.
Ctrl-C stops it from starting further deletions; those done are printed, and the error names those not deleted.
Ids are read from the arguments only, never from standard input.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> $APP', description: 'Delete the one app:temp made'},
    {
      command: '<%= config.bin %> <%= command.id %> --all',
      description: 'Find and delete every leftover, after confirming',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --all --prefix "Delete Me Later" --yes',
      description: "Clean up the manual flow's leftovers from a script",
    },
  ]

  static strict = false
  static usage = '<%= command.id %> [ID...] [FLAGS]'
  static args = {id: Args.string({description: 'application ids to delete', ignoreStdin: true})}
  static flags = {
    ...vonageFlags,
    ...yesFlag,
    all: Flags.boolean({description: 'delete every application whose name starts with --prefix'}),
    force: Flags.boolean({
      description: `also delete applications given by id whose name does not start with "${TEMP_PREFIX}" (asks first)`,
      exclusive: ['all'],
    }),
    prefix: Flags.string({
      default: TEMP_PREFIX,
      description: 'with --all: the name prefix that marks a temporary application',
    }),
  }

  async run(): Promise<DeleteReport> {
    const {argv, flags} = await this.parse(AppTempDelete)
    const ids = (argv as string[]).map(checkApplicationId)
    if (ids.length === 0 && !flags.all) throw usageError('give the ids of the applications to delete, or --all')
    if (ids.length > 0 && flags.all) throw usageError('give application ids or --all, not both')
    if (flags.prefix.trim().length < 3)
      throw usageError('--prefix must have at least 3 characters, so that --all cannot match every application')
    if (!flags.all && flags.prefix !== TEMP_PREFIX) {
      throw usageError(
        '--prefix goes with --all; an application given by id is deleted only when app:temp made it, or with --force',
      )
    }
    const client = await connectVonage(flags)
    const {missing, targets} = flags.all
      ? await this.chooseByPrefix(client, flags.prefix, flags.yes)
      : await this.checkMadeHere(client, ids, flags)
    // A signal stops new deletions; those done are still printed, and the error says which were not.
    const finished = await withCleanup((cleanup) =>
      this.progress(`Deleting ${targets.length} application(s)`, () =>
        deleteApplications(client, targets, {stopped: () => cleanup.interrupted !== undefined}),
      ),
    )
    const {failure, ...report} = finished.value
    if (!this.jsonEnabled()) for (const id of report.deleted) this.log(id)
    report.missing.push(...missing)
    for (const id of report.missing) this.notice(`${id} was already gone`)
    if (finished.signal) {
      const left = report.skipped?.length ? `; not deleted: ${report.skipped.join(', ')}` : ''
      throw new PluginError(
        signalKind(finished.signal),
        `${finished.signal}: stopped after deleting ${report.deleted.length} of ${targets.length} application(s)${left}`,
        {result: {...report}},
      )
    }

    if (failure) throw failure
    return report
  }

  /** --all: the applications named with the prefix, after confirming. */
  private async chooseByPrefix(client: VonageApplications, prefix: string, yes: boolean): Promise<Targets> {
    const found = (await this.progress('Listing applications', () => client.listApplications())).filter((app) =>
      app.name.startsWith(prefix),
    )
    if (found.length === 0) {
      this.notice(`No application's name starts with ${JSON.stringify(prefix)}; nothing to delete.`)
      return {missing: [], targets: []}
    }

    this.notice(
      `${found.length} application(s) named ${JSON.stringify(`${prefix}…`)}:\n${found.map((app) => `  ${app.id}  ${JSON.stringify(app.name)}`).join('\n')}`,
    )
    const confirmed = await confirmOrRefuse(`Delete these ${found.length} application(s)?`, {
      refusal: `not deleting ${found.length} application(s)`,
      yes,
    })
    return {missing: [], targets: confirmed ? found.map((app) => app.id) : this.declined()}
  }

  private declined(): string[] {
    this.notice('Nothing was deleted.')
    return []
  }

  /**
   * Ids given: each is looked up, and one whose name does not mark it as temporary is refused —
   * a command named "temp delete" must not delete a production application by a pasted id — unless
   * --force is given, and then only after confirming. Ids already gone are left out.
   */
  private async checkMadeHere(
    client: VonageApplications,
    ids: string[],
    flags: {force: boolean; yes: boolean},
  ): Promise<Targets> {
    const found = await this.progress('Reading the applications', () =>
      mapLimit(ids, 4, (id) => client.getApplication(id)),
    )
    const existing = found.filter((app): app is ApplicationSummary => app !== undefined)
    const foreign = existing.filter((app) => !app.name.startsWith(TEMP_PREFIX))
    if (foreign.length > 0) {
      const named = foreign.map((app) => `${app.id} (${JSON.stringify(app.name)})`).join(', ')
      if (!flags.force) {
        throw new PluginError(
          'usage',
          `not deleting ${named}: its name does not start with ${JSON.stringify(TEMP_PREFIX)}, so app:temp did not make it; pass --force to delete it anyway`,
        )
      }

      const confirmed = await confirmOrRefuse(`Delete ${named}, which app:temp did not make?`, {
        refusal: `not deleting ${named}`,
        yes: flags.yes,
      })
      if (!confirmed) return {missing: [], targets: this.declined()}
    }

    return {missing: ids.filter((_id, index) => found[index] === undefined), targets: existing.map((app) => app.id)}
  }
}
