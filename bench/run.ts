import { cpus } from 'node:os'
import { coalescing } from './scenarios/coalescing.ts'
import { contract } from './scenarios/contract.ts'
import { fanout } from './scenarios/fanout.ts'
import { memory } from './scenarios/memory.ts'
import { mirror } from './scenarios/mirror.ts'
import { peer } from './scenarios/peer.ts'
import { proxy } from './scenarios/proxy.ts'
import { tenants } from './scenarios/tenants.ts'

/**
 * `npm run bench [scenario…]`: each scenario measures the gateway and its baseline in the same
 * run, on this machine, and prints a Markdown table of both and their ratio.
 */
const scenarios = { contract, proxy, fanout, coalescing, peer, memory, tenants, mirror }
const chosen = process.argv.slice(2)
const names = chosen.length > 0 ? chosen : Object.keys(scenarios)
console.log(`# Benchmarks\n\n${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model}\n`)
for (const name of names) {
  const scenario = scenarios[name as keyof typeof scenarios]
  if (!scenario) throw new Error(`no scenario "${name}" (known: ${Object.keys(scenarios).join(', ')})`)
  console.log(`${await scenario()}\n`)
}
