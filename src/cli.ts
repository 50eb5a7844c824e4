import { builtinAdapters } from '../adapters/index.ts'
import pkg from '../package.json' with { type: 'json' }
import type { CallOptions } from './kit/spec.ts'
import { DEFAULT_CONFIG_PATH, loadConfigFile } from './config/load.ts'
import type { GatewayConfig } from './config/types.ts'
import { reloadProblems } from './config/reload-refusals.ts'
import { Coordination } from './coordination/redis.ts'
import { ConfigError, GatewayError } from './errors.ts'
import { createLogger } from './logger.ts'
import { buildRuntime } from './runtime/runtime.ts'
import { maskUrlCredentials } from './secrets.ts'

/**
 * The operator's command line, by the conventions of git and npm: help asked for goes to stdout
 * with exit 0; no command at all prints the same help to stdout and exits 1, as git and npm do (a
 * script that forgot its command must not pass, yet nothing typed was wrong); an unknown command
 * is a usage error, on stderr with exit 2. Otherwise exits 1 when something is wrong.
 */

const SECRET = /token|secret|password|key/i
/** Names of where a secret is, not of a secret: `tokenUrl`, `tokenFile`. */
const WHERE = /(Url|File)$/
const isSecret = (key: string) => SECRET.test(key) && !WHERE.test(key)
const USAGE = `usage: enginy-gateway <command>

  start                                    run the gateway (what npm start runs)
  config check [file] [--against [file]]   validate a config file (default: GATEWAY_CONFIG) and print
                                           what it makes live, secrets masked; --against compares it
                                           with another file (default: GATEWAY_CONFIG) and warns of
                                           connections it removes
  connections test [name]                  one cheap authenticated read against each CRM
  help, --help, -h                         this help
  --version, -v                            the version`

/** The exit code, or `undefined` for the server, which sets its own and runs on. */
async function main(argv: readonly string[]): Promise<number | undefined> {
  const [group, command, ...rest] = argv
  const configPath = process.env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH
  if (group === undefined) {
    console.log(USAGE)
    return 1
  }
  if (argv.length === 1 && ['help', '--help', '-h'].includes(group)) {
    console.log(USAGE)
    return 0
  }
  if (argv.length === 1 && ['--version', '-v'].includes(group)) {
    console.log(pkg.version)
    return 0
  }
  if (argv.length === 1 && group === 'start') {
    // The server in this very process, as `npm start` runs it, so that signals reach it.
    await import('./server.ts')
    return undefined
  }
  if (group === 'config' && command === 'check') {
    const at = rest.indexOf('--against')
    const value = rest[at + 1]
    const against = at < 0 ? undefined : value === undefined || value.startsWith('--') ? configPath : value
    const file = rest.find((arg, i) => !arg.startsWith('--') && (at < 0 || i !== at + 1)) ?? configPath
    return configCheck(file, against)
  }
  if (group === 'connections' && command === 'test') return connectionsTest(configPath, rest[0])
  console.error(USAGE)
  return 2
}

/** The config in `file`, or `undefined` after printing why it is invalid. */
async function load(file: string): Promise<GatewayConfig | undefined> {
  try {
    return await loadConfigFile(file, process.env, builtinAdapters)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // One line per problem: a file with several is fixed in one pass.
    console.error(`${file}: invalid`)
    for (const { key, problem } of error.problems) console.error(`  ${key ? `${key}: ` : ''}${problem}`)
    return undefined
  }
}

async function configCheck(file: string, against: string | undefined): Promise<number> {
  const config = await load(file)
  if (!config) return 1
  console.log(`${file}: valid`)
  for (const tenant of config.tenants) {
    const keys = tenant.apiKeys.length === 0 ? 'no API key (one is generated outside production)' : `${tenant.apiKeys.length} API key(s)`
    const links =
      tenant.linkTokens.length > 0
        ? `${tenant.linkTokens.length} link token(s)`
        : `no link token (${config.tenants.length === 1 ? 'one is generated outside production; production turns links off' : 'links off'})`
    console.log(`tenant ${tenant.name}: ${keys}; ${links}; new tasks go to "${tenant.active}"`)
    for (const name of tenant.connections) {
      const connection = config.connections.get(name)!
      const options = Object.entries(connection.options as Record<string, unknown>)
        .map(([key, value]) => `${key}=${printable(key, value)}`)
        .join(' ')
      const marker = name === tenant.active ? '*' : ' '
      console.log(`  ${marker} ${name}: adapter=${connection.core.adapter} concurrency=${connection.core.concurrency} ${options}`.trimEnd())
    }
  }
  return against ? compare(file, config, against) : 0
}

/**
 * `next` as a reload from the file in force (`currentPath`) would take it: the problems that would
 * refuse it (exit 1), then warnings of what it removes.
 */
async function compare(file: string, next: GatewayConfig, currentPath: string): Promise<number> {
  let current: GatewayConfig
  try {
    current = await loadConfigFile(currentPath, process.env, builtinAdapters)
  } catch {
    return 0
  }
  const problems = reloadProblems(current, next)
  if (problems.length > 0) {
    console.error(`${file}: refused as a reload of ${currentPath}`)
    for (const { key, problem } of problems) console.error(`  ${key}: ${problem}`)
  }
  warnRemovals(current, next, currentPath)
  return problems.length > 0 ? 1 : 0
}

/**
 * An option as `config check` prints it: a secret-named key masked at any depth, and the
 * credentials inside every URL (`postgres://app:****@db/crm`), whatever its key is called.
 */
function printable(key: string, value: unknown): string {
  if (isSecret(key)) return '****'
  return JSON.stringify(value, (inner, nested: unknown) =>
    inner && isSecret(inner) ? '****' : typeof nested === 'string' ? maskUrlCredentials(nested) : nested,
  )
}

/** Ids record their connection: one that disappears takes its tasks out of Enginy's reach. */
function warnRemovals(current: GatewayConfig, next: GatewayConfig, currentPath: string): void {
  for (const name of current.connections.keys()) {
    if (!next.connections.has(name)) {
      console.warn(`warning: connection "${name}" (in ${currentPath}) is removed: the task ids it issued will answer "not found"`)
    }
  }
  for (const tenant of current.tenants) {
    const after = next.tenants.find((t) => t.name === tenant.name)
    for (const name of tenant.connections) {
      if (after && next.connections.has(name) && !after.connections.includes(name)) {
        console.warn(`warning: tenant "${tenant.name}" loses connection "${name}": its task ids will answer "not found" to that tenant`)
      }
    }
  }
}

async function connectionsTest(file: string, only: string | undefined): Promise<number> {
  const config = await load(file)
  if (!config) return 1
  if (only && !config.connections.has(only)) {
    console.error(`no connection "${only}" in ${file} (configured: ${[...config.connections.keys()].join(', ')})`)
    return 1
  }
  const logger = createLogger('silent')
  // A check may refresh an OAuth token, whose rotated refresh token the replicas share in Redis.
  const redis = config.coordination?.redis
  const coordination = redis && new Coordination(redis.url, redis.prefix, redis.replicas, logger)
  const runtime = await buildRuntime(config, { logger, coordination }).catch(async (error: unknown) => {
    await coordination?.close()
    throw error
  })
  let failed = 0
  try {
    for (const [name, connection] of runtime.connections) {
      if (only && name !== only) continue
      const verdict = await check(connection.adapter.doCheck?.bind(connection.adapter))
      if (verdict !== 'ok') failed++
      console.log(`${name} (${connection.adapter.adapter}): ${verdict}`)
    }
  } finally {
    await runtime.close()
    await coordination?.close()
  }
  return failed === 0 ? 0 : 1
}

async function check(doCheck: ((options: CallOptions) => Promise<void>) | undefined): Promise<string> {
  if (!doCheck) return 'ok (nothing to check)'
  try {
    await doCheck({ signal: AbortSignal.timeout(10_000), deadline: Date.now() + 10_000, warn: () => {} })
    return 'ok'
  } catch (error) {
    if (!(error instanceof GatewayError)) return `failed: ${maskUrlCredentials((error as Error).message)}`
    const verdicts: Partial<Record<GatewayError['code'], string>> = {
      UPSTREAM_AUTH: 'bad credentials',
      UPSTREAM_RATE_LIMITED: 'rate-limited',
      UPSTREAM_CIRCUIT_OPEN: 'unreachable',
      UPSTREAM_UNAVAILABLE: 'unreachable',
      UPSTREAM_TIMEOUT: 'unreachable (timed out)',
      UPSTREAM_UNEXPECTED_STATUS: 'not the CRM expected (check baseUrl)',
    }
    // What the calls ran into, not what it did to the gateway ("calls are paused" says nothing).
    return `${verdicts[error.code] ?? 'failed'}: ${error.failure ?? error.message}`
  }
}

const code = await main(process.argv.slice(2))
if (code !== undefined) process.exitCode = code
