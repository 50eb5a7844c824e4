import { describe, expect, it } from 'vitest'
import { readTraceSettings } from '../../src/ops/trace-settings.ts'

const read = (env: Record<string, string>) => {
  const problems: string[] = []
  return { settings: readTraceSettings(env, problems), problems }
}

describe('the OTEL_* variables', () => {
  it('leave traces off unless an exporter or an endpoint is set, and with none or the SDK disabled', () => {
    expect(read({})).toEqual({ settings: undefined, problems: [] })
    expect(read({ OTEL_SERVICE_NAME: 'gw', OTEL_RESOURCE_ATTRIBUTES: 'a=b', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual({
      settings: undefined,
      problems: [],
    })
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).settings).toBeUndefined()
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }).settings).toBeUndefined()
  })

  it('post protobuf to /v1/traces under the endpoint, or to the traces endpoint as it is', () => {
    expect(read({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ settings: { protocol: 'http/protobuf', endpoint: 'http://localhost:4318/v1/traces' }, problems: [] })
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/base/' }).settings).toEqual({
      protocol: 'http/protobuf',
      endpoint: 'https://collector.example:4318/base/v1/traces',
    })
    expect(
      read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })
        .settings,
    ).toEqual({ protocol: 'http/json', endpoint: 'http://collector:4318/custom' })
    expect(read({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).settings?.protocol).toBe('http/json')
  })

  it('refuse what the gateway cannot honour, each with a line saying why, and never repeat an endpoint', () => {
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).problems).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: the gateway exports OTLP over HTTP; set http/protobuf or http/json, and the collector\'s OTLP/HTTP endpoint (port 4318 by default)',
    ])
    const { problems } = read({
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://user:secret-9f2@collector/v1/traces',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
    })
    expect(problems).toEqual([
      'OTEL_TRACES_EXPORTER must be otlp or none, got "zipkin": the gateway exports traces over OTLP only',
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http/protobuf or http/json, got "http/xml"',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http:// or https:// URL',
      'OTEL_TRACES_SAMPLER must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, got "jaeger_remote"',
    ])
    expect(read({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }).problems).toEqual([
      'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "1.5"',
    ])
    expect(read({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).problems).toEqual([])
  })
})
