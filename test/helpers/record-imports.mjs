// Loaded with `node --import` before the gateway: records the URL of every module imported, and
// writes the list to the file RECORD_IMPORTS names when the process exits, so a test can tell
// whether a module was loaded at all. Node runs import hooks on a thread of their own; they tell
// this one over a message port.
import { writeFileSync } from 'node:fs'
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'

const { port1, port2 } = new MessageChannel()
const imported = new Set()
port1.on('message', (url) => imported.add(url))
port1.unref()
register('./record-imports-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] })
process.on('exit', () => writeFileSync(process.env.RECORD_IMPORTS, JSON.stringify([...imported])))
