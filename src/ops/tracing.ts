import type { Logger } from 'pino'
import type { Tracing } from './tracing-types.ts'
import type { TraceSettings } from './trace-settings.ts'

/**
 * Starts tracing. The OpenTelemetry SDK is imported here, and only here, when traces are on: a
 * gateway without OTEL_* variables never loads it, and its requests pay one branch.
 */
export async function startTracing(settings: TraceSettings, logger: Logger): Promise<Tracing> {
  const { openTracing } = await import('./otel.ts')
  return openTracing(settings, logger)
}
