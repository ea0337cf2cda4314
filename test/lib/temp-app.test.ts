// The temporary application of src/lib/temp-app.ts against the in-process sandbox: its name, what is
// looked up and deleted after a create that may or may not have worked, the key-or-nothing rule of
// app:temp, and the report of deleteApplications.
import {expect} from 'chai'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {Cleanup} from '../../src/lib/cleanup.js'
import {PluginError} from '../../src/lib/errors.js'
import {
  createTempApplication,
  createTempApplicationWithKey,
  DEFAULT_WEBHOOKS,
  deleteApplications,
  tempApplicationName,
} from '../../src/lib/temp-app.js'
import {VonageApplications} from '../../src/lib/applications.js'
import {failure} from '../helpers/failure.js'
import {CREDENTIALS, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'

const APPLICATIONS = '/v2/applications'
const MISSING_ID = '00000000-0000-4000-8000-000000000000'

describe('temp-app', () => {
  describe('tempApplicationName', () => {
    const at = new Date('2026-11-29T13:12:42.345Z')

    it('is the prefix, the time to the second and six hex digits', () => {
      expect(tempApplicationName(undefined, at)).to.match(/^messenger-link-temp-20261129-131242-[\da-f]{6}$/)
      expect(tempApplicationName('', at)).to.match(/^messenger-link-temp-20261129-131242-[\da-f]{6}$/)
    })

    it('puts a label after the prefix, trimmed, without doubling the prefix', () => {
      expect(tempApplicationName('  shop bot ', at)).to.match(
        /^messenger-link-temp-shop bot-20261129-131242-[\da-f]{6}$/,
      )
      expect(tempApplicationName('messenger-link-temp-shop', at)).to.match(
        /^messenger-link-temp-shop-20261129-131242-[\da-f]{6}$/,
      )
      expect(tempApplicationName('my messenger-link-temp-', at)).to.match(
        /^messenger-link-temp-my messenger-link-temp--20261129/,
      )
    })

    it('is unique for the same label and second', () => {
      expect(tempApplicationName('x', at)).not.to.equal(tempApplicationName('x', at))
    })
  })

  describe('against the sandbox', () => {
    const sandbox = useSandbox()
    let client: VonageApplications
    const apps = async () =>
      ((await sandbox.state()).applications as Array<{id: string; name: string}>).map((app) => app.name)
    const calls = async () =>
      ((await sandbox.state()).log as Array<{method: string; path: string; status: number}>)
        .filter((entry) => entry.path.startsWith(APPLICATIONS))
        .map((entry) => `${entry.method} ${entry.path.replace(/[\da-f-]{36}/, 'ID')} ${entry.status}`)

    beforeEach(async () => {
      client = await VonageApplications.connect({
        apiHost: sandbox.url,
        credentials: {...CREDENTIALS, source: 'the test'},
        retry: {backoffMs: 1, sleep: async () => {}},
        timeoutMs: 5000,
      })
    })
    afterEach(() => sandbox.verify())

    describe('createTempApplication', () => {
      it('creates the application with the webhooks, and deletes it on clean-up unless kept', async () => {
        const cleanup = new Cleanup()
        const {application} = await createTempApplication(client, 'messenger-link-temp-a', DEFAULT_WEBHOOKS, cleanup)
        expect(application).to.include({messages: true, name: 'messenger-link-temp-a'})
        expect(application.privateKey).to.match(/^-----BEGIN PRIVATE KEY-----/)
        expect(cleanup.pending()).to.deep.equal([
          `delete temporary application ${application.id} (run: app:temp:delete ${application.id})`,
        ])
        expect(await cleanup.runAll()).to.deep.equal({
          failures: [],
          undone: [`temporary application ${application.id} deleted`],
        })
        expect(await apps()).to.deep.equal([])
        const kept = await createTempApplication(client, 'messenger-link-temp-b', DEFAULT_WEBHOOKS, cleanup)
        kept.keep()
        expect(cleanup.pending()).to.deep.equal([])
      })

      it('a signal during the create leaves a look-up by name to the clean-up, which deletes the application if it was made', async () => {
        await sandbox.hold({method: 'POST', path: APPLICATIONS})
        const cleanup = new Cleanup()
        const running = createTempApplication(client, 'messenger-link-temp-held', DEFAULT_WEBHOOKS, cleanup)
        const held = await sandbox.waitForHeld()
        expect(cleanup.pending()).to.deep.equal([
          'delete the application named messenger-link-temp-held, if it was created (run: app:temp:delete --all --prefix messenger-link-temp-held)',
        ])
        await sandbox.release(held.id)
        await running
        const pending = cleanup.pending()
        expect(pending).to.have.length(1)
        expect(pending[0]).to.match(/^delete temporary application [\da-f-]{36} \(run: app:temp:delete [\da-f-]{36}\)$/)
      })

      it("the clean-up's look-up by name says whether the application had been created", async () => {
        await sandbox.hold({method: 'POST', path: APPLICATIONS})
        const during = new Cleanup()
        const running = createTempApplication(client, 'messenger-link-temp-d', DEFAULT_WEBHOOKS, during)
        const held = await sandbox.waitForHeld()
        expect(await during.runAll()).to.deep.equal({
          failures: [],
          undone: ['no application messenger-link-temp-d was created'],
        })
        await sandbox.release(held.id)
        ;(await running).keep()
        await sandbox.hold({method: 'POST', path: APPLICATIONS, when: 'after'})
        const after = new Cleanup()
        const made = createTempApplication(client, 'messenger-link-temp-e', DEFAULT_WEBHOOKS, after)
        const heldAfter = await sandbox.waitForHeld()
        expect(await after.runAll()).to.deep.equal({
          failures: [],
          undone: ['application messenger-link-temp-e had been created; it was deleted again'],
        })
        await sandbox.release(heldAfter.id)
        ;(await made).keep()
        expect(await apps(), 'the one created after its look-up stays: the command would go on with it').to.deep.equal([
          'messenger-link-temp-d',
        ])
      })

      it('a 500 that hid a successful create: found by name and deleted; the error keeps its kind and status', async () => {
        await sandbox.fault({method: 'POST', path: APPLICATIONS, status: 500, when: 'after'})
        const cleanup = new Cleanup()
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-d', DEFAULT_WEBHOOKS, cleanup),
          'remote',
        )
        expect(error.message).to.match(
          /^Vonage failed while creating the application: 500 .* \(it had been created anyway and was deleted again\)$/,
        )
        expect(error.status).to.equal(500)
        expect(error.cause).to.be.instanceOf(PluginError)
        expect(await apps()).to.deep.equal([])
        expect(cleanup.pending()).to.deep.equal([])
      })

      it('a 500 before anything was created: "it was not created"', async () => {
        await sandbox.fault({method: 'POST', path: APPLICATIONS, status: 500})
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-e', DEFAULT_WEBHOOKS, new Cleanup()),
          'remote',
        )
        expect(error.message).to.match(/ \(it was not created\)$/)
        expect(await calls()).to.deep.equal(['POST /v2/applications 500', 'GET /v2/applications 200'])
      })

      it('no answer at all: not finding it yet proves nothing, and the message says how to remove it later', async () => {
        await sandbox.fault({method: 'POST', path: APPLICATIONS, reset: true})
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-f', DEFAULT_WEBHOOKS, new Cleanup()),
          'network',
        )
        expect(error.message).to.match(
          / \(it is not there yet; if an application named messenger-link-temp-f shows up later, app:temp:delete --all --prefix messenger-link-temp-f removes it\)$/,
        )
      })

      it('when the look-up fails too, the message says how to remove it later', async () => {
        await sandbox.fault({method: 'POST', path: APPLICATIONS, status: 502})
        await sandbox.fault({method: 'GET', path: APPLICATIONS, status: 500, times: 4})
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-g', DEFAULT_WEBHOOKS, new Cleanup()),
          'remote',
        )
        expect(error.message).to.match(
          / \(if an application named messenger-link-temp-g shows up later, app:temp:delete --all --prefix messenger-link-temp-g removes it\)$/,
        )
      })

      it('a refusal that proves nothing was created is thrown as it is, without a look-up', async () => {
        await sandbox.fault({method: 'POST', path: APPLICATIONS, status: 400})
        const cleanup = new Cleanup()
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-h', DEFAULT_WEBHOOKS, cleanup),
          'remote',
        )
        expect(error.message).not.to.include('(it')
        expect(await calls()).to.deep.equal(['POST /v2/applications 400'])
        expect(cleanup.pending()).to.deep.equal([])
      })

      it('an unusable 201 answer (no private key) may hide a create: it is looked up and deleted', async () => {
        await sandbox.fault({
          body: {id: MISSING_ID, name: 'messenger-link-temp-i'},
          method: 'POST',
          path: APPLICATIONS,
          status: 201,
        })
        const error = await failure(
          createTempApplication(client, 'messenger-link-temp-i', DEFAULT_WEBHOOKS, new Cleanup()),
          'remote',
        )
        expect(error.message).to.match(/returned no private key.* \(it was not created\)$/)
      })
    })

    describe('createTempApplicationWithKey', () => {
      it('writes the key and keeps the application', async () => {
        const keyfile = join(tempDir('temp-app'), 'temp.key')
        const cleanup = new Cleanup()
        const application = await createTempApplicationWithKey(
          client,
          {keyfile, name: 'messenger-link-temp-k'},
          cleanup,
        )
        expect(existsSync(keyfile)).to.equal(true)
        expect(cleanup.pending()).to.deep.equal([])
        expect(await apps()).to.deep.equal([application.name])
      })

      it('a key that cannot be written deletes the application again and says so, keeping the error kind', async () => {
        const keyfile = join(tempDir('temp-app'), 'temp.key')
        await sandbox.hold({method: 'POST', path: APPLICATIONS})
        const running = createTempApplicationWithKey(client, {keyfile, name: 'messenger-link-temp-l'}, new Cleanup())
        const held = await sandbox.waitForHeld()
        writeFileSync(keyfile, 'someone else was quicker')
        await sandbox.release(held.id)
        const error = await failure(running, 'usage')
        expect(error.message).to.match(/already exists.*; application [\da-f-]{36} was deleted again$/)
        expect(await apps()).to.deep.equal([])
      })

      it('when that delete fails too, the error names the command that finishes the job', async () => {
        const keyfile = join(tempDir('temp-app'), 'temp.key')
        await sandbox.hold({method: 'POST', path: APPLICATIONS})
        await sandbox.fault({method: 'DELETE', path: `${APPLICATIONS}/`, status: 403})
        const running = createTempApplicationWithKey(client, {keyfile, name: 'messenger-link-temp-m'}, new Cleanup())
        const held = await sandbox.waitForHeld()
        writeFileSync(keyfile, 'someone else was quicker')
        await sandbox.release(held.id)
        const error = await failure(running, 'usage')
        const [id] = ((await sandbox.state()).applications as Array<{id: string}>).map((app) => app.id)
        expect(error.message).to.match(
          new RegExp(
            `; application ${id} could not be deleted either \\(Vonage refused deleting application ${id}: 403.*\\): run app:temp:delete ${id}$`,
          ),
        )
      })
    })

    describe('deleteApplications', () => {
      it('reports deleted and missing ones, each id once, with no failure', async () => {
        const created = await createTempApplication(client, 'messenger-link-temp-n', DEFAULT_WEBHOOKS, new Cleanup())
        created.keep()
        const report = await deleteApplications(client, [created.application.id, MISSING_ID, created.application.id])
        expect(report).to.deep.equal({deleted: [created.application.id], failed: [], missing: [MISSING_ID]})
      })

      it('nothing is started once stopped() says so: those are skipped', async () => {
        const report = await deleteApplications(client, [MISSING_ID], {stopped: () => true})
        expect(report).to.deep.equal({deleted: [], failed: [], missing: [], skipped: [MISSING_ID]})
        expect(await calls()).to.deep.equal([])
      })

      it("failures only: the first failure's kind; with some done: partial; the message counts them", async () => {
        await sandbox.fault({method: 'DELETE', path: `${APPLICATIONS}/`, status: 403})
        const only = await deleteApplications(client, [MISSING_ID])
        expect(only.failure?.kind).to.equal('auth')
        expect(only.failure?.message).to.match(
          new RegExp(
            `^could not delete 1 of 1 application\\(s\\); first: ${MISSING_ID}: Vonage refused deleting application ${MISSING_ID}: 403`,
          ),
        )
        expect(only.failure?.result).to.deep.include({deleted: [], missing: []})
        await sandbox.fault({method: 'DELETE', path: `${APPLICATIONS}/${MISSING_ID}`, status: 403})
        const other = '11111111-1111-4111-8111-111111111111'
        const mixed = await deleteApplications(client, [MISSING_ID, other], {concurrency: 1})
        expect(mixed.failure?.kind).to.equal('partial')
        expect(mixed.failure?.message).to.match(/^could not delete 1 of 2 application\(s\); first: 0{8}-/)
        expect(mixed.missing).to.deep.equal([other])
        expect(mixed.failed.map((failed) => failed.id)).to.deep.equal([MISSING_ID])
      })
    })
  })
})
