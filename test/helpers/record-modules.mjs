// Preloaded into the built CLI by tests (node --import): on exit, writes every module file the
// process loaded, CommonJS and ESM alike, and Node's own modules (as node:NAME), to $RECORD_MODULES_TO.
import {writeFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'
import {MessageChannel} from 'node:worker_threads'

const require = createRequire(import.meta.url)
const esm = new Set()
const {port1, port2} = new MessageChannel()
port1.on('message', (url) => esm.add(url))
port1.unref()
register('./record-modules-hooks.mjs', import.meta.url, {data: {port: port2}, transferList: [port2]})

process.on('exit', () => {
  const builtins = process.moduleLoadList.flatMap((entry) =>
    entry.startsWith('NativeModule ') ? [`node:${entry.slice('NativeModule '.length)}`] : [],
  )
  const files = [...Object.keys(require.cache), ...esm, ...builtins]
  writeFileSync(process.env.RECORD_MODULES_TO, files.join('\n'))
})
