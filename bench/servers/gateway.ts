import { buildApp } from '../../src/app.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { createLogger } from '../../src/logger.ts'

/** The gateway in a process of its own, configured from BENCH_CONFIG (JSON), logging nothing. */
const config = await resolveConfig(JSON.parse(process.env.BENCH_CONFIG ?? '{}'), process.env)
const app = await buildApp({ config, logger: createLogger('silent') })
const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ url })}\n`)
process.once('SIGINT', () => process.exit(0))
