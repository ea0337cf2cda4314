// The scheduled jobs in examples/ must keep working: the GitHub Actions workflow's `run:` steps are
// taken out of the YAML and run as GitHub runs them (bash -eo pipefail, one after another, the
// job stopping at the first failing step), and the crontab line as cron runs it (sh -c), against
// the sandbox with the packed plugin installed globally into a scratch prefix.
import {expect} from 'chai'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'

import {ROOT, type RunResult, start} from '../helpers/cli.js'
import {CREDENTIALS, useSandbox} from '../helpers/sandbox.js'
import {tempDir} from '../helpers/temp.js'
import {packPlugin} from './pack.js'

interface Step {
  name?: string
  id?: string
  run?: string
  uses?: string
  if?: string
}

const workflow = parse(readFileSync(join(ROOT, 'examples', 'messenger-health.yml'), 'utf8')) as {
  jobs: Record<string, {steps: Step[]; env: Record<string, string>}>
}
const job = workflow.jobs.health
const USER = 'examples-user-token'

/** What npm needs from this machine to reach the registry (a CA, a proxy), passed to the installs. */
const NETWORK = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|no_proxy|npm_config_registry)$/i.test(entry[0]) &&
      entry[1] !== undefined,
  ),
)
const DAY = 86_400

describe('examples/: the scheduled jobs run against the sandbox', function () {
  const sandbox = useSandbox()
  let tarball: string
  let prefix: string
  const env = (home: string): Record<string, string> => ({
    ...NETWORK,
    FACEBOOK_GRAPH_HOST: sandbox.url,
    FACEBOOK_USER_TOKEN: USER,
    HOME: home,
    MESSENGER_PLUGIN: tarball,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    VONAGE_API_HOST: sandbox.url,
    VONAGE_API_KEY: CREDENTIALS.apiKey,
    VONAGE_API_SECRET: CREDENTIALS.apiSecret,
    // the global install goes to the scratch prefix; the packages come from the developer's cache
    npm_config_cache: join(homedir(), '.npm'),
    npm_config_prefix: prefix,
  })

  before(() => {
    tarball = packPlugin()
    prefix = tempDir('prefix')
  })

  /** Three linked Pages on one application; 1001's link lapses in 10 days; then a fresh login. */
  async function fleet(): Promise<void> {
    const app = await sandbox.createApp('scheduled job')
    const seed = {link: {application: app.id}, page_count: 3, page_id_start: 1000, user_token: USER}
    expect((await sandbox.request('POST', '/_sandbox/facebook/users', {body: seed})).status).to.equal(201)
    const now = Math.floor(Date.now() / 1000)
    const lapsing = await sandbox.request('POST', '/_sandbox/facebook/pages/1001', {body: {expires_at: now + 10 * DAY}})
    expect(lapsing.status).to.equal(200)
    // a week later the user logged in again: Facebook hands out fresh Page tokens
    const login = {page_count: 3, page_id_start: 1000, user_token: USER}
    expect((await sandbox.request('POST', '/_sandbox/facebook/users', {body: login})).status).to.equal(201)
  }

  /** Runs the job's `run:` steps as GitHub would; the outcome of each step that ran. */
  async function runWorkflow(home: string): Promise<Array<{step: string} & RunResult>> {
    const outputs = join(home, 'github-output')
    writeFileSync(outputs, '')
    const ran: Array<{step: string} & RunResult> = []
    for (const step of job.steps) {
      if (step.run === undefined) continue
      expect(step.run, `step "${step.name}" uses a GitHub expression the test cannot run`).not.to.include('${{')
      const script = join(home, 'step.sh')
      writeFileSync(script, step.run)
      const result = await start('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: home,
        env: {...env(home), GITHUB_OUTPUT: outputs},
      })
      ran.push({step: step.name ?? step.run, ...result})
      if (result.code !== 0) break
    }

    return ran
  }

  it('the workflow declares the secrets it needs and runs weekly', () => {
    expect(Object.keys(job.env).sort()).to.deep.equal(['FACEBOOK_USER_TOKEN', 'VONAGE_API_KEY', 'VONAGE_API_SECRET'])
    expect(JSON.stringify(workflow)).to.match(/"cron":"\d+ \d+ \* \* \d"/)
  })

  it('workflow: the report is kept, only the lapsing Page is re-linked, and the job passes', async () => {
    await fleet()
    const home = tempDir('workflow-home')
    const before = (await sandbox.state()).accounts as Array<{external_id: string; access_token: string}>
    const ran = await runWorkflow(home)
    expect(
      ran.map((step) => step.code),
      JSON.stringify(ran, null, 1),
    ).to.deep.equal([0, 0, 0, 0])
    const report = JSON.parse(readFileSync(join(home, 'messenger-status.json'), 'utf8'))
    expect(report.counts).to.deep.equal({fail: 0, ok: 2, warn: 1})
    expect(report.pages.find((row: {page: string}) => row.page === '1001').verdict).to.equal('warn')
    expect(readFileSync(join(home, 'github-output'), 'utf8')).to.equal('exit=10\n')
    expect(ran[2].stdout).to.match(/^1001 relinked$/m)
    const after = (await sandbox.state()).accounts as Array<{external_id: string; access_token: string}>
    const changed = after.filter((account, index) => account.access_token !== before[index].access_token)
    expect(changed.map((account) => account.external_id)).to.deep.equal(['1001'])
    await sandbox.verify()
  })

  it('workflow: a Page that still fails after the re-link fails the job, after the report is kept', async () => {
    await fleet()
    const unsubscribed = {subscribed_fields: []}
    expect((await sandbox.request('POST', '/_sandbox/facebook/pages/1002', {body: unsubscribed})).status).to.equal(200)
    const home = tempDir('workflow-home')
    const ran = await runWorkflow(home)
    expect(ran.map((step) => step.code)).to.deep.equal([0, 0, 0, 1])
    expect(ran[3].stdout).to.match(/^1002 .*FAIL/m)
    const report = JSON.parse(readFileSync(join(home, 'messenger-status.json'), 'utf8'))
    expect(report.error.exit_code).to.equal(11)
    expect(report.pages.find((row: {page: string}) => row.page === '1002').checks.subscribed.state).to.equal('fail')
  })

  /** The crontab's command, as cron runs it: sh -c, from the user's HOME with their env file. */
  async function runCron(): Promise<RunResult> {
    const line = readFileSync(join(ROOT, 'examples', 'crontab'), 'utf8')
      .split('\n')
      .find((entry) => /^\d/.test(entry))!
    const command = line.split(/\s+/).slice(5).join(' ')
    const home = tempDir('cron-home')
    mkdirSync(join(home, '.config'))
    const exports = Object.entries(env(home))
      .filter(([name]) => /^(VONAGE|FACEBOOK)_/.test(name))
      .map(([name, value]) => `export ${name}='${value}'`)
    writeFileSync(join(home, '.config', 'nexmo-messenger.env'), `${exports.join('\n')}\n`, {mode: 0o600})
    const path = env(home).PATH
    return start('sh', ['-c', command], {cwd: home, env: {HOME: home, PATH: path}})
  }

  it('crontab: silent when all is well after the re-link; says why when a Page fails', async () => {
    await fleet()
    // the workflow's install step puts nexmo-messenger into the prefix the cron line finds on PATH
    const install = job.steps.find((step) => step.run?.startsWith('npm install'))!.run!
    const home = tempDir('install-home')
    expect((await start('bash', ['-eo', 'pipefail', '-c', install], {cwd: home, env: env(home)})).code).to.equal(0)
    const quiet = await runCron()
    expect(quiet, JSON.stringify(quiet)).to.deep.include({code: 0, stderr: '', stdout: ''})
    const unsubscribed = {subscribed_fields: []}
    expect((await sandbox.request('POST', '/_sandbox/facebook/pages/1002', {body: unsubscribed})).status).to.equal(200)
    const loud = await runCron()
    expect(loud.code).to.equal(1)
    expect(loud.stdout).to.match(/^1002 .*FAIL/m)
    expect(loud.stdout).to.match(/messenger:status exit 11$/m)
  })
})
