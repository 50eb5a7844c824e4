import pino from 'pino'
import { buildApp } from '../../src/app.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { createLogger } from '../../src/logger.ts'

/**
 * The gateway in a process of its own, configured from BENCH_CONFIG (JSON). It logs at
 * BENCH_LOG_LEVEL (default silent) to /dev/null: stdout carries only its address.
 */
const config = await resolveConfig(JSON.parse(process.env.BENCH_CONFIG ?? '{}'), process.env)
const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent', pino.destination({ dest: '/dev/null', sync: false }))
const app = await buildApp({ config, logger })
const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.once('SIGINT', () => process.exit(0))
