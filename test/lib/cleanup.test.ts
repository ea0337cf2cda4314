import {expect} from 'chai'

import {mapLimit, withCleanup} from '../../src/lib/cleanup.js'
import {PluginError} from '../../src/lib/errors.js'

describe('cleanup', () => {
  it('runs the undo actions newest first when the work returns', async () => {
    const order: string[] = []
    const result = await withCleanup(async (cleanup) => {
      cleanup.add('first', async () => order.push('first'))
      cleanup.add('second', async () => order.push('second'))
      return 'done'
    })
    expect(result).to.equal('done')
    expect(order).to.deep.equal(['second', 'first'])
  })

  it('runs them when the work fails, keeps the error, and skips withdrawn ones', async () => {
    const order: string[] = []
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('kept', async () => order.push('kept'))
      const withdraw = cleanup.add('withdrawn', async () => order.push('withdrawn'))
      withdraw()
      throw new PluginError('remote', 'boom')
    }).catch((error_) => error_)
    expect(error.message).to.equal('boom')
    expect(order).to.deep.equal(['kept'])
  })

  it('says which undo failed, as a partial failure when the work itself succeeded', async () => {
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('delete temporary application X', async () => {
        throw new Error('503')
      })
      return {ok: true}
    }).catch((error_) => error_)
    expect(error).to.include({kind: 'partial'})
    expect(error.message).to.equal('the work is done, but could not delete temporary application X: 503')
  })

  it('on SIGINT lets the step finish, stops at the checkpoint, undoes, and reports interrupted', async () => {
    const order: string[] = []
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('undo', async () => order.push('undo'))
      process.emit('SIGINT', 'SIGINT')
      order.push('step finished')
      cleanup.checkpoint()
      order.push('next step')
    }).catch((error_) => error_)
    expect(order).to.deep.equal(['step finished', 'undo'])
    expect(error).to.include({exitCode: 130, kind: 'interrupted'})
    expect(process.listenerCount('SIGINT')).to.equal(0)
  })

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0
    let peak = 0
    const results = await mapLimit([50, 10, 30, 20, 40], 2, async (ms) => {
      running += 1
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, ms))
      running -= 1
      return ms * 2
    })
    expect(results).to.deep.equal([100, 20, 60, 40, 80])
    expect(peak).to.equal(2)
  })
})
