import { builtinAdapters } from '../../adapters/index.ts'
import pino from 'pino'
import { buildApp } from '../../src/app.ts'
import { loadConfigFile, resolveConfig } from '../../src/config/load.ts'
import { readEnvironment } from '../../src/environment.ts'
import { createLogger } from '../../src/logger.ts'
import { startTracing } from '../../src/ops/tracing.ts'

/**
 * The gateway in a process of its own, configured from BENCH_CONFIG (JSON) or, for configs too big
 * for an environment variable, from the file BENCH_CONFIG_FILE, which it then reloads on change
 * and on SIGHUP as `npm start` does. It logs at BENCH_LOG_LEVEL (default silent) to /dev/null:
 * stdout carries only its address, and how long loading the config and starting took. The OTEL_*
 * variables turn its traces on, as they do `npm start`'s.
 */
const started = performance.now()
const file = process.env.BENCH_CONFIG_FILE
const config = file ? await loadConfigFile(file, process.env, builtinAdapters) : await resolveConfig(JSON.parse(process.env.BENCH_CONFIG ?? '{}'), process.env, builtinAdapters)
const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent', pino.destination({ dest: '/dev/null', sync: false }))
const { traces } = readEnvironment(process.env)
const tracing = traces && (await startTracing(traces, logger))
const app = await buildApp({ config, logger, tracing, ...(file && { reload: { path: file, env: process.env, registry: builtinAdapters, onSignal: true } }) })
const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ url, startMs: performance.now() - started, processMs: performance.now() })}\n`)
process.once('SIGINT', () => process.exit(0))
