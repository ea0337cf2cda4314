// The bundle changes two lines of oclif (scripts/build.ts, OCLIF_PATCHES: a text without an EJS tag
// is not compiled as a template; command ids are sorted without ICU), for speed and memory. What
// `--help` prints must not change, nor the order commands are listed in: for every
// command, and at the top level, the built binary's help is compared with what oclif as published
// (node_modules/@oclif/core) renders from the same manifest, at two widths.
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT, sh} from '../helpers/cli.js'

const {commands} = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}

/** oclif's own help for $ID (the top level when empty), from the unbundled package. */
const OCLIF_HELP = `
const {Config} = require('@oclif/core/config')
const {Help} = require('@oclif/core/help')
Config.load(process.cwd()).then(async (config) => {
  const help = new Help(config)
  const id = process.env.ID
  await (id ? help.showCommandHelp(config.findCommand(id)) : help.showRootHelp())
})
`

describe('e2e: --help is what oclif itself prints', function () {
  this.timeout(60_000)

  for (const id of [undefined, ...Object.keys(commands).sort()]) {
    it(`${id ?? 'the top level'}, at 60 and 120 columns`, async () => {
      for (const columns of ['60', '120']) {
        const env = {ID: id ?? '', OCLIF_COLUMNS: columns, OCLIF_HELP}
        const ours = await sh(id ? '"$CLI" "$ID" --help' : '"$CLI" --help', {cwd: ROOT, env})
        const oclif = await sh('node -e "$OCLIF_HELP"', {cwd: ROOT, env})
        expect(ours.code, ours.stderr).to.equal(0)
        expect(oclif.code, oclif.stderr).to.equal(0)
        expect(ours.stdout).to.equal(oclif.stdout)
        expect(ours.stdout).to.include('USAGE')
      }
    })
  }
})
