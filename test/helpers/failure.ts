// The one way tests expect a failure: the PluginError a promise rejects with (or a function
// throws), of the given kind when one is named; anything else fails the test.
import {expect} from 'chai'

import {type ErrorKind, PluginError} from '../../src/lib/errors.js'

export async function failure(work: Promise<unknown> | (() => unknown), kind?: ErrorKind): Promise<PluginError> {
  try {
    await (typeof work === 'function' ? work() : work)
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PluginError)
    if (kind !== undefined) expect((error as PluginError).kind, (error as Error).message).to.equal(kind)
    return error as PluginError
  }

  throw new Error('expected a failure, but it succeeded')
}

/** The same, for a function that throws synchronously. */
export function thrown(work: () => unknown, kind?: ErrorKind): PluginError {
  try {
    work()
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PluginError)
    if (kind !== undefined) expect((error as PluginError).kind, (error as Error).message).to.equal(kind)
    return error as PluginError
  }

  throw new Error('expected a failure, but it succeeded')
}
