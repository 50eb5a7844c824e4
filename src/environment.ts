import { EnvError } from './errors.ts'
import { type TraceSettings, readTraceSettings } from './ops/trace-settings.ts'

/** pino's levels: any other name makes pino throw from deep inside its constructor. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** What the server reads from its environment, besides the config file's `${NAME}` variables. */
export interface ServerEnvironment {
  readonly port: number
  readonly host: string
  readonly logLevel: string
  readonly shutdownTimeoutMs: number
  /** Where traces go, when the OTEL_* variables turn them on. */
  readonly traces: TraceSettings | undefined
}

/**
 * Reads and checks every variable at once, before a logger exists or a key is generated: a bad
 * value would otherwise surface later as a Node or pino stack trace. An empty value counts as
 * unset, as a compose file's `PORT=` means "no opinion".
 */
export function readEnvironment(env: NodeJS.ProcessEnv): ServerEnvironment {
  const problems: string[] = []
  const read = <T>(name: string, fallback: T, parse: (value: string) => T | undefined, expected: string): T => {
    const value = env[name]
    if (value === undefined || value === '') return fallback
    const parsed = parse(value)
    if (parsed === undefined) problems.push(`${name} must be ${expected}, got ${JSON.stringify(value)}`)
    return parsed ?? fallback
  }
  const environment: ServerEnvironment = {
    port: read('PORT', 3000, (value) => integer(value, 65_535), 'a port number 0-65535'),
    host: read('HOST', '0.0.0.0', (value) => value, 'an address'),
    logLevel: read('LOG_LEVEL', 'info', (value) => LOG_LEVELS.find((level) => level === value), `one of ${LOG_LEVELS.join(', ')}`),
    shutdownTimeoutMs: read('SHUTDOWN_TIMEOUT_MS', 30_000, (value) => integer(value, 2 ** 31 - 1), 'a number of milliseconds 0-2147483647'),
    traces: readTraceSettings(env, problems),
  }
  if (problems.length > 0) throw new EnvError(problems)
  return environment
}

function integer(value: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(value)) return undefined
  const number = Number(value)
  return number <= max ? number : undefined
}
