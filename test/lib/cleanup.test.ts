import {expect} from 'chai'

import {Cleanup, settle, withCleanup} from '../../src/lib/cleanup.js'
import {PluginError} from '../../src/lib/errors.js'
import {thrown as thrownBy} from '../helpers/failure.js'

describe('cleanup', () => {
  it('runs the undo actions newest first when the work returns', async () => {
    const order: string[] = []
    const result = await withCleanup(async (cleanup) => {
      cleanup.add('first', async () => order.push('first'))
      cleanup.add('second', async () => order.push('second'))
      return 'done'
    })
    expect(result).to.deep.equal({failures: [], signal: undefined, value: 'done'})
    expect(settle(result, 'it is done')).to.equal('done')
    expect(order).to.deep.equal(['second', 'first'])
  })

  it('runs them when the work fails, keeps the error as it was, and skips withdrawn ones', async () => {
    const order: string[] = []
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('kept', async () => order.push('kept'), {done: 'kept undone'})
      const withdraw = cleanup.add('withdrawn', async () => order.push('withdrawn'))
      withdraw()
      throw new PluginError('remote', 'boom')
    }).catch((error_) => error_)
    expect(error.message).to.equal('boom')
    expect(error.kind).to.equal('remote')
    expect(order).to.deep.equal(['kept'])
    const plain = await withCleanup(async () => {
      throw new PluginError('remote', 'boom')
    }).catch((error_) => error_)
    expect(plain.message).to.equal('boom')
  })

  it('#11.2 says which undo failed, with the command that does it by hand, as a partial failure carrying the result', async () => {
    const finished = await withCleanup(async (cleanup) => {
      cleanup.add(
        'delete temporary application X',
        async () => {
          throw new Error('503')
        },
        {manual: 'app:temp:delete X'},
      )
      return {ok: true}
    })
    const error = (() => {
      try {
        return settle(finished, 'Page 102 is linked')
      } catch (error_) {
        return error_ as PluginError
      }
    })() as PluginError
    expect(error).to.include({kind: 'partial'})
    expect(error.result).to.deep.equal({ok: true})
    expect(error.message).to.equal(
      'Page 102 is linked; but could not delete temporary application X: 503; run: app:temp:delete X',
    )
  })

  it('#11.6 a signal after the last step started: the work comes back, and settle says it was done, not undone', async () => {
    const order: string[] = []
    const finished = await withCleanup(async (cleanup) => {
      cleanup.add('delete temporary application X', async () => order.push('deleted'), {
        done: 'temporary application X deleted',
      })
      process.emit('SIGTERM', 'SIGTERM')
      return {linked: '102'}
    })
    expect(order).to.deep.equal(['deleted'])
    expect(finished.signal).to.equal('SIGTERM')
    let error: PluginError | undefined
    try {
      settle(finished, 'Page 102 is linked')
    } catch (error_) {
      error = error_ as PluginError
    }

    expect(error).to.include({exitCode: 143, kind: 'terminated'})
    expect(error!.message).to.equal(
      'SIGTERM arrived after the work was done, so nothing was undone: Page 102 is linked',
    )
    expect(error!.result).to.deep.equal({linked: '102'})
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
    expect(error.message).to.equal('interrupted; done: undo')
    expect(process.listenerCount('SIGINT')).to.equal(0)
  })

  it('SIGHUP (the terminal closed) undoes as SIGTERM does: terminated, exit 143; a read-only task is no undo left by hand', async () => {
    let pending: string[] = []
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('delete the application', async () => undefined, {manual: 'app:temp:delete X'})
      cleanup.add('read the state again', async () => 'the state, read afresh', {readOnly: true})
      pending = cleanup.pending()
      process.emit('SIGHUP', 'SIGHUP')
      cleanup.checkpoint()
    }).catch((error_) => error_)
    expect(pending).to.deep.equal(['delete the application (run: app:temp:delete X)'])
    expect(error).to.include({exitCode: 143, kind: 'terminated'})
    expect(error.message).to.equal('terminated; the state, read afresh; done: delete the application')
    expect(process.listenerCount('SIGHUP')).to.equal(0)
  })

  it('checkpoint is silent until a signal; withdrawing twice leaves the other tasks alone', async () => {
    const order: string[] = []
    const finished = await withCleanup(async (cleanup) => {
      cleanup.checkpoint()
      cleanup.add('kept', async () => order.push('kept'))
      const withdraw = cleanup.add('withdrawn', async () => order.push('withdrawn'))
      withdraw()
      withdraw()
      return 'done'
    })
    expect(finished.value).to.equal('done')
    expect(order).to.deep.equal(['kept'])
  })

  it('#11.hostile.3 while undoing, pending() names the tasks still to run (the running one included) with their commands, newest first', async () => {
    const seen: string[][] = []
    let cleanupRef: Cleanup | undefined
    const error = await withCleanup(async (cleanup) => {
      cleanupRef = cleanup
      cleanup.add('delete the application', async () => seen.push(cleanup.pending()), {manual: 'app:temp:delete X'})
      cleanup.add('restore the link', async () => seen.push(cleanup.pending()))
      process.emit('SIGINT', 'SIGINT')
      cleanup.checkpoint()
    }).catch((error_) => error_)
    expect(seen).to.deep.equal([
      ['restore the link', 'delete the application (run: app:temp:delete X)'],
      ['delete the application (run: app:temp:delete X)'],
    ])
    expect(cleanupRef!.pending()).to.deep.equal([])
    expect(error.message).to.equal('interrupted; done: restore the link; done: delete the application')
  })

  it('a task may say what it did; a failed task gives its command, and nothing when it has none', async () => {
    const error = await withCleanup(async (cleanup) => {
      cleanup.add('look up X', async () => 'X was not there')
      cleanup.add('tidy up', async () => {
        throw new Error('503')
      })
      process.emit('SIGTERM', 'SIGTERM')
      cleanup.checkpoint()
    }).catch((error_) => error_)
    expect(error).to.include({kind: 'terminated'})
    expect(error.message).to.equal('terminated; X was not there; could not tidy up: 503')
  })

  it('#11.13 a second signal quits at once, saying the request under way may take effect and what is left to undo by hand', async () => {
    const writes: string[] = []
    const write = process.stderr.write
    const exit = process.exit
    let exitCode: number | undefined
    process.stderr.write = (chunk: string) => writes.push(String(chunk)) > 0
    process.exit = (code?: number) => {
      exitCode = code
      throw new Error('exited')
    }
    try {
      await withCleanup(async (cleanup) => {
        cleanup.add('delete temporary application X', async () => {}, {manual: 'app:temp:delete X'})
        process.emit('SIGINT', 'SIGINT')
        expect(() => process.emit('SIGINT', 'SIGINT')).to.throw('exited')
      })
    } finally {
      process.stderr.write = write
      process.exit = exit
    }

    expect(exitCode).to.equal(130)
    expect(writes.at(-1)).to.equal(
      'SIGINT again: quitting at once; the request under way may or may not take effect; left to undo by hand: delete temporary application X (run: app:temp:delete X)\n',
    )
  })

  it('a failure whose undo fails too keeps its kind, status and result and adds what could not be undone; anything else is internal', async () => {
    const original = new PluginError('remote', 'boom', {result: {page: '101'}, status: 502})
    const error = await withCleanup(async (cleanup) => {
      cleanup.add(
        'delete temporary application X',
        async () => {
          throw new Error('503')
        },
        {manual: 'app:temp:delete X'},
      )
      cleanup.add('restore the link', async () => {
        throw new Error('504')
      })
      throw original
    }).catch((error_) => error_)
    expect(error).to.include({kind: 'remote', status: 502})
    expect(error.result).to.deep.equal({page: '101'})
    expect(error.cause).to.equal(original)
    expect(error.message).to.equal(
      'boom; could not restore the link: 504; could not delete temporary application X: 503; run: app:temp:delete X',
    )
    const plain = await withCleanup(async (cleanup) => {
      cleanup.add('tidy up', async () => {
        throw new Error('503')
      })
      throw new TypeError('bug')
    }).catch((error_) => error_)
    expect(plain).to.include({kind: 'internal', message: 'bug; could not tidy up: 503'})
    expect(plain.cause.cause).to.be.instanceOf(TypeError)
  })

  it("an interruption before any undo action says nothing was changed, and keeps the work's error as its cause", async () => {
    const writes: string[] = []
    const write = process.stderr.write
    process.stderr.write = (chunk: string) => writes.push(String(chunk)) > 0
    let error: PluginError
    try {
      error = await withCleanup(async (cleanup) => {
        process.emit('SIGINT', 'SIGINT')
        cleanup.checkpoint()
      }).catch((error_) => error_)
    } finally {
      process.stderr.write = write
    }

    expect(writes).to.deep.equal([
      'SIGINT: finishing the request under way, then undoing what was started (send it again to quit at once)\n',
    ])
    expect(error).to.include({kind: 'interrupted', message: 'interrupted before anything was changed'})
    expect(error.cause).to.include({kind: 'interrupted', message: 'SIGINT received'})
    const failed = await withCleanup(async (cleanup) => {
      cleanup.add('tidy up', async () => {
        throw new Error('503')
      })
      process.emit('SIGTERM', 'SIGTERM')
      cleanup.checkpoint()
    }).catch((error_) => error_)
    expect(failed.message, 'a failed undo is a change').to.equal('terminated; could not tidy up: 503')
  })

  it('settle lists every failed undo action', () => {
    const error = thrownBy(() => settle({failures: ['could not a: 1', 'could not b: 2'], value: {}}, 'done'))
    expect(error).to.include({kind: 'partial', message: 'done; but could not a: 1; could not b: 2'})
  })

  it('#11.13 a second signal with nothing left to undo just quits; with several, lists them all', async () => {
    const writes: string[] = []
    const write = process.stderr.write
    const exit = process.exit
    process.stderr.write = (chunk: string) => writes.push(String(chunk)) > 0
    process.exit = () => {
      throw new Error('exited')
    }
    try {
      await withCleanup(async () => {
        process.emit('SIGTERM', 'SIGTERM')
        expect(() => process.emit('SIGTERM', 'SIGTERM')).to.throw('exited')
      }).catch(() => {})
      await withCleanup(async (cleanup) => {
        cleanup.add('a', async () => {})
        cleanup.add('b', async () => {}, {manual: 'run b'})
        process.emit('SIGINT', 'SIGINT')
        expect(() => process.emit('SIGINT', 'SIGINT')).to.throw('exited')
      }).catch(() => {})
    } finally {
      process.stderr.write = write
      process.exit = exit
    }

    expect(writes[1]).to.equal('SIGTERM again: quitting at once; the request under way may or may not take effect\n')
    expect(writes[3]).to.equal(
      'SIGINT again: quitting at once; the request under way may or may not take effect; left to undo by hand: b (run: run b); a\n',
    )
  })

  it('a task that withdraws itself while it runs leaves the others in pending()', async () => {
    const cleanup = new Cleanup()
    const seen: string[][] = []
    cleanup.add('first', async () => seen.push(cleanup.pending()))
    const withdraw = cleanup.add('second', async () => withdraw())
    await cleanup.runAll()
    expect(seen).to.deep.equal([['first']])
  })
})
