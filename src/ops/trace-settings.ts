/** How traces leave the gateway: OTLP over HTTP, as protobuf or JSON, to one URL. */
export interface TraceSettings {
  readonly protocol: 'http/protobuf' | 'http/json'
  /** The URL spans are posted to (OTLP/HTTP's `/v1/traces` on the collector). */
  readonly endpoint: string
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']

/**
 * Whether the standard OTEL_* variables turn traces on, and how they are sent; `problems` gets a
 * line for each value the gateway cannot honour, so a start with a wrong one fails and says why
 * rather than running without the traces the operator asked for. Traces are off unless
 * `OTEL_TRACES_EXPORTER=otlp` or an OTLP endpoint is set, and `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` keep them off. The SDK reads the rest itself, from the same
 * environment: `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`(`_ARG`), `OTEL_BSP_*`. An empty value counts
 * as unset, as the specification says.
 */
export function readTraceSettings(env: NodeJS.ProcessEnv, problems: string[]): TraceSettings | undefined {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]?.trim())
  if (value('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined
  const exporters = value('OTEL_TRACES_EXPORTER')?.toLowerCase().split(',').map((name) => name.trim())
  if (exporters?.includes('none')) return undefined
  const unknown = exporters?.filter((name) => name !== 'otlp') ?? []
  if (unknown.length > 0) problems.push(`OTEL_TRACES_EXPORTER must be otlp or none, got ${JSON.stringify(unknown.join(','))}: the gateway exports traces over OTLP only`)
  const tracesEndpoint = value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
  const endpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT')
  if (!exporters && tracesEndpoint === undefined && endpoint === undefined) return undefined

  const protocolVariable = value('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') === undefined ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  const protocol = value(protocolVariable) ?? 'http/protobuf'
  if (protocol === 'grpc') {
    problems.push(`${protocolVariable}=grpc is not supported: the gateway exports OTLP over HTTP; set http/protobuf or http/json, and the collector's OTLP/HTTP endpoint (port 4318 by default)`)
  } else if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    problems.push(`${protocolVariable} must be http/protobuf or http/json, got ${JSON.stringify(protocol)}`)
  }

  // The signal's own endpoint is taken as it is; the general one is a base the path is added to.
  const url = tracesEndpoint ?? (endpoint === undefined ? 'http://localhost:4318/v1/traces' : `${endpoint.replace(/\/+$/, '')}/v1/traces`)
  if (!isHttpUrl(url)) {
    // The value is not repeated: a collector's URL may hold a credential.
    problems.push(`${tracesEndpoint === undefined ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'} must be an http:// or https:// URL`)
  }

  const sampler = value('OTEL_TRACES_SAMPLER')
  if (sampler !== undefined && !SAMPLERS.includes(sampler)) problems.push(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got ${JSON.stringify(sampler)}`)
  const ratio = value('OTEL_TRACES_SAMPLER_ARG')
  if (ratio !== undefined && sampler?.endsWith('traceidratio') && !(Number(ratio) >= 0 && Number(ratio) <= 1)) {
    problems.push(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got ${JSON.stringify(ratio)}`)
  }
  return { protocol: protocol === 'http/json' ? 'http/json' : 'http/protobuf', endpoint: url }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
