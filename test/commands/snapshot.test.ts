import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {currentContract, SNAPSHOT} from '../../scripts/command-snapshot.js'

describe("the commands' public contract", () => {
  it('matches command-snapshot.json (after a deliberate change: npm run snapshot:update)', () => {
    expect(currentContract()).to.deep.equal(JSON.parse(readFileSync(SNAPSHOT, 'utf8')))
  })
})
