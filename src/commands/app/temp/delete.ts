import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../../lib/base-command.js'
import {usageError} from '../../../lib/errors.js'
import {connectVonage, vonageFlags, yesFlag} from '../../../lib/flags.js'
import {confirmOrRefuse} from '../../../lib/prompts.js'
import {deleteApplications, type DeleteReport, TEMP_PREFIX} from '../../../lib/temp-app.js'
import {checkApplicationId} from '../../../lib/vonage.js'

export default class AppTempDelete extends BaseCommand {
  static summary = 'Delete temporary applications: the ones given, or --all whose name marks them as temporary.'
  static description = `Deleted ids go to stdout, one a line. An id that is already gone is reported and is not an error.
--all lists the applications whose name starts with --prefix (default "${TEMP_PREFIX}") and never touches any other; it asks for confirmation at a terminal and needs --yes in a script.`

  static examples = [
    {command: '<%= config.bin %> <%= command.id %> $APP', description: 'Delete the one app:temp made'},
    {command: '<%= config.bin %> <%= command.id %> --all', description: 'Find and delete every leftover, after confirming'},
    {command: '<%= config.bin %> <%= command.id %> --all --prefix "Delete Me Later" --yes', description: "Clean up the manual flow's leftovers from a script"},
  ]

  static strict = false
  static usage = '<%= command.id %> [ID...] [FLAGS]'
  static args = {id: Args.string({description: 'application ids to delete'})}
  static flags = {
    ...vonageFlags,
    ...yesFlag,
    all: Flags.boolean({description: 'delete every application whose name starts with --prefix'}),
    prefix: Flags.string({default: TEMP_PREFIX, description: 'with --all: the name prefix that marks a temporary application'}),
  }

  async run(): Promise<DeleteReport> {
    const {argv, flags} = await this.parse(AppTempDelete)
    const ids = (argv as string[]).map(checkApplicationId)
    if (ids.length === 0 && !flags.all) throw usageError('give the ids of the applications to delete, or --all')
    if (ids.length > 0 && flags.all) throw usageError('give application ids or --all, not both')
    if (flags.prefix.trim().length < 3) throw usageError('--prefix must have at least 3 characters, so that --all cannot match every application')
    const client = await connectVonage(flags)
    let targets = ids
    if (flags.all) {
      const found = (await this.progress('Listing applications', () => client.listApplications())).filter((app) => app.name.startsWith(flags.prefix))
      if (found.length === 0) {
        this.notice(`No application's name starts with "${flags.prefix}"; nothing to delete.`)
        return {deleted: [], failed: [], missing: []}
      }

      this.notice(`${found.length} application(s) named "${flags.prefix}…":\n${found.map((app) => `  ${app.id}  ${app.name}`).join('\n')}`)
      const confirmed = await confirmOrRefuse(`Delete these ${found.length} application(s)?`, {refusal: `not deleting ${found.length} application(s)`, yes: flags.yes})
      if (!confirmed) throw usageError('nothing deleted')
      targets = found.map((app) => app.id)
    }

    const report = await this.progress(`Deleting ${targets.length} application(s)`, () => deleteApplications(client, targets))
    if (!this.jsonEnabled()) for (const id of report.deleted) this.log(id)
    for (const id of report.missing) this.notice(`${id} was already gone`)
    return report
  }
}
