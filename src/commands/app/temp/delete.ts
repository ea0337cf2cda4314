import {Args, Flags} from '@oclif/core'

import {checkApplicationId} from '../../../lib/applications.js'
import {BaseCommand} from '../../../lib/base-command.js'
import {Clients} from '../../../lib/clients.js'
import {vonageFlags, vonageSettings, yesFlag} from '../../../lib/flags.js'
import {type DeleteReport, deleteTemporaryApplications, TEMP_PREFIX} from '../../../lib/temp-app.js'

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
    const {all, force, prefix, yes} = flags
    const settings = {all, force, ids: (argv as string[]).map(checkApplicationId), prefix, yes}
    const clients = new Clients({vonage: vonageSettings(flags)})
    const {failure, report} = await deleteTemporaryApplications(settings, () => clients.applications(), this.reporter)
    if (!this.jsonEnabled()) for (const id of report.deleted) this.log(id)
    for (const id of report.missing) this.notice(`${id} was already gone`)
    if (failure) throw failure
    return report
  }
}
