// The plugin where users run it: packed (npm pack, as published), installed into the `nexmo` test
// host (test/hosts/nexmo: oclif core 4, plugin-plugins 5) and into @vonage/cli 1.2.4 (core 1,
// plugin-plugins 2, yarn 1), each with its own HOME under bench/.cache. Gives the start-up commands
// to time (through each host's own binary) and what each install put on disk.
import {execFileSync} from 'node:child_process'
import {existsSync, lstatSync, mkdirSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'

export interface HostCommand {
  name: string
  argv: string[]
  env: Record<string, string>
  times: number[]
}

export interface Install {
  host: string
  /** Bytes of every file under the host's plugin node_modules (apparent size, as `du -sb`). */
  bytes: number
  /** Packages there (folders with a package.json), the plugin included. */
  packages: number
}

interface Host {
  name: string
  short: string
  bin: string
}

/** Bytes and package count of a node_modules folder. */
function measure(folder: string): {bytes: number; packages: number} {
  let bytes = 0
  let packages = 0
  const walk = (path: string) => {
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) {
        if (existsSync(join(child, 'package.json')) && /node_modules(\/@[^/]+)?$/.test(path)) packages += 1
        walk(child)
      } else bytes += lstatSync(child).size
    }
  }

  walk(folder)
  return {bytes, packages}
}

/** The node_modules folder under `home` that holds the installed plugin. */
function pluginModules(home: string): string | undefined {
  const search = (path: string, depth: number): string | undefined => {
    if (depth > 6 || !existsSync(path)) return undefined
    for (const entry of readdirSync(path, {withFileTypes: true})) {
      if (!entry.isDirectory()) continue
      const child = join(path, entry.name)
      if (entry.name === 'node_modules' && existsSync(join(child, 'nexmo-plugin-messenger', 'package.json')))
        return child
      const found = entry.name === 'node_modules' ? undefined : search(child, depth + 1)
      if (found) return found
    }

    return undefined
  }

  return search(home, 0)
}

export function prepareHosts(
  root: string,
  cache: string,
  vonageBin: string,
  key: string,
  app: string,
  token: string,
  log: (line: string) => void,
): {commands: HostCommand[]; installs: Install[]} {
  const packFolder = join(cache, 'pack')
  rmSync(packFolder, {force: true, recursive: true})
  mkdirSync(packFolder, {recursive: true})
  const packed = execFileSync('npm', ['pack', '--pack-destination', packFolder, '--silent'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const tarball = join(packFolder, packed.trim().split('\n').pop()!)
  const nexmoHost = join(root, 'test', 'hosts', 'nexmo')
  if (!existsSync(join(nexmoHost, 'node_modules')))
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--silent'], {cwd: nexmoHost, stdio: 'inherit'})
  const hosts: Host[] = [
    {bin: join(nexmoHost, 'bin', 'run.js'), name: 'nexmo (test host, oclif core 4)', short: 'nexmo'},
    {bin: vonageBin, name: '@vonage/cli 1.2.4 (oclif core 1)', short: 'vonage'},
  ]
  const commands: HostCommand[] = []
  const installs: Install[] = []
  for (const host of hosts) {
    const home = join(cache, `home-${host.short}`)
    rmSync(home, {force: true, recursive: true})
    mkdirSync(home, {recursive: true})
    const env = {HOME: home}
    log(`installing the packed plugin into ${host.name} …`)
    execFileSync(host.bin, ['plugins:install', `file:${tarball}`], {
      env: {...process.env, ...env},
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const modules = pluginModules(home)
    if (!modules) throw new Error(`${host.name}: the installed plugin is not under ${home}`)
    installs.push({host: host.name, ...measure(modules)})
    const at = (name: string, args: string[]) =>
      commands.push({argv: [host.bin, ...args], env, name: `${host.short} ${name}`, times: []})
    at('--version', ['--version'])
    at('jwt:generate', ['jwt:generate', key, `application_id=${app}`])
    at('jwt:decode', ['jwt:decode', token])
    at('messenger:list --help', ['messenger:list', '--help'])
  }

  return {commands, installs}
}
