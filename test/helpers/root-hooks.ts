// Mocha's root hooks (loaded by --require in .mocharc.json): they run for every spec file, in a
// serial run and in each worker of a --parallel one, where hooks declared in a spec file would run
// only for the first file a worker loads.
import {checkNothingLeft} from './temp.js'

export const mochaHooks = {
  afterAll(): void {
    checkNothingLeft()
  },
}
