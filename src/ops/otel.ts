import type { IncomingHttpHeaders } from 'node:http'
import { type Context, type Link, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, defaultTextMapGetter, trace } from '@opentelemetry/api'
import { type ExportResult, ExportResultCode, W3CTraceContextPropagator, parseKeyPairsIntoRecord } from '@opentelemetry/core'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions'
import type { Logger } from 'pino'
import pkg from '../../package.json' with { type: 'json' }
import { Scrubber } from '../secrets.ts'
import type { AttemptReport, CallDescription, CallSpan, CallTrace } from '../kit/spec/call-options.ts'
import type { TraceSettings } from './trace-settings.ts'
import type { RequestOutcome, RequestTrace, Tracing } from './tracing-types.ts'

/** Still experimental in the conventions, so written out rather than imported from their incubating entry. */
const ATTR_URL_TEMPLATE = 'url.template'
const SERVICE = 'enginy-gateway'

/**
 * The OpenTelemetry SDK behind `Tracing`, loaded only when traces are on (`tracing.ts`). Spans are
 * made here, by hand: an auto-instrumentation of http or undici would record filled paths, which
 * hold ids, and could record headers, which hold keys and tokens. What a span holds is only what
 * this file puts in it: methods, route and path templates, statuses, error codes, tenant and
 * connection names, the request id, counts and waits.
 */
export function openTracing(settings: TraceSettings, logger: Logger): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE, [ATTR_SERVICE_VERSION]: pkg.version }))
    .merge(detectResources({ detectors: [envDetector] }))
  const exporter = settings.protocol === 'http/json' ? new JsonExporter({ url: settings.endpoint }) : new ProtobufExporter({ url: settings.endpoint })
  const endpoint = withoutCredentials(settings.endpoint)
  // The sampler comes from OTEL_TRACES_SAMPLER, parent-based by default: a caller's unsampled
  // `traceparent` is honoured.
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(reporting(exporter, endpoint, logger))] })
  const tracer = provider.getTracer(SERVICE, pkg.version)
  const propagator = new W3CTraceContextPropagator()
  logger.info({ endpoint, protocol: settings.protocol }, 'traces are exported over OTLP')

  return {
    request(headers: IncomingHttpHeaders, method: string, route: string | undefined, requestId: string): RequestTrace {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)
      const span = tracer.startSpan(
        route === undefined ? method : `${method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, ...(route !== undefined && { [ATTR_HTTP_ROUTE]: route }), 'enginy.request_id': requestId },
        },
        parent,
      )
      return new RequestSpan(tracer, span)
    },
    async shutdown(timeoutMs: number): Promise<boolean> {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      })
      try {
        return await Promise.race([provider.shutdown().then(() => true, () => false), late])
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** The parent of CRM call spans: a request's span, with links to other requests it serves. */
class CallParent implements CallTrace {
  constructor(
    private readonly tracer: Tracer,
    protected readonly span: Span,
    private readonly context: Context = trace.setSpan(ROOT_CONTEXT, span),
    private readonly links: readonly Link[] = [],
  ) {}

  call(call: CallDescription): CallSpan {
    const span = this.tracer.startSpan(
      `${call.method} ${call.route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: call.method,
          [ATTR_URL_TEMPLATE]: call.route,
          [ATTR_SERVER_ADDRESS]: call.address,
          [ATTR_SERVER_PORT]: call.port,
          'enginy.connection': call.connection,
        },
        // A copy: the SDK adds to a span's list of links.
        ...(this.links.length > 0 && { links: [...this.links] }),
      },
      this.context,
    )
    return new CrmCall(span)
  }

  sharedWith(others: readonly CallTrace[]): CallTrace {
    const links = others.flatMap((other) => (other instanceof CallParent && other.span !== this.span ? [{ context: other.span.spanContext() }] : []))
    return links.length === 0 ? this : new CallParent(this.tracer, this.span, this.context, [...this.links, ...links])
  }
}

class RequestSpan extends CallParent implements RequestTrace {
  private ended = false
  private code: string | undefined

  failed(code: string): void {
    this.code = code
  }

  end(outcome: RequestOutcome): void {
    if (this.ended) return
    this.ended = true
    const { span } = this
    if (outcome.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status)
    if (outcome.tenant !== undefined) span.setAttribute('enginy.tenant', outcome.tenant)
    if (outcome.connection !== undefined) span.setAttribute('enginy.connection', outcome.connection)
    if (outcome.status === undefined) span.setAttribute(ATTR_ERROR_TYPE, 'aborted')
    else if (outcome.status >= 400) span.setAttribute(ATTR_ERROR_TYPE, this.code ?? String(outcome.status))
    // A 4xx is the caller's mistake, not the server's: only a 5xx marks the span failed.
    if (outcome.status !== undefined && outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: this.code })
    span.end()
  }
}

/** One CRM call: its attempts as events, and at its end what they add up to. */
class CrmCall implements CallSpan {
  private attempts = 0
  private waitedMs = 0
  private answered429 = false

  constructor(private readonly span: Span) {}

  attempt(report: AttemptReport): void {
    this.attempts++
    this.waitedMs += report.waitedMs
    if (report.outcome === 429) this.answered429 = true
    this.span.addEvent('attempt', {
      'enginy.attempt': report.attempt,
      [typeof report.outcome === 'number' ? ATTR_HTTP_RESPONSE_STATUS_CODE : ATTR_ERROR_TYPE]: report.outcome,
      'enginy.rate_limit.wait_ms': report.waitedMs,
      'enginy.attempt.duration_ms': report.ms,
    })
  }

  end(outcome: number | string): void {
    const { span } = this
    if (this.attempts > 1) span.setAttribute(ATTR_HTTP_REQUEST_RESEND_COUNT, this.attempts - 1)
    span.setAttribute('enginy.rate_limit.wait_ms', this.waitedMs)
    span.setAttribute('enginy.crm.answered_429', this.answered429)
    if (typeof outcome === 'number') span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome)
    // For a client, a 4xx is a failed call too.
    const failed = typeof outcome === 'string' ? outcome : outcome >= 400 ? String(outcome) : undefined
    if (failed !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, failed)
      span.setStatus({ code: SpanStatusCode.ERROR, message: failed })
    }
    span.end()
  }
}

/**
 * The exporter, telling the log when exports start failing and when they work again (once each,
 * not every batch), in words scrubbed of the collector's headers, which may hold its key. The
 * SDK itself reports export failures to nobody.
 */
function reporting(exporter: SpanExporter, endpoint: string, logger: Logger): SpanExporter {
  const headers = new Scrubber(
    Object.values({
      ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_HEADERS),
      ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    }),
  )
  let failing = false
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        const ok = result.code === ExportResultCode.SUCCESS
        if (!ok && !failing) {
          logger.warn({ endpoint, reason: headers.scrub(result.error?.message ?? 'unknown') }, 'traces could not be exported; the next batches are tried still')
        } else if (ok && failing) {
          logger.info({ endpoint }, 'traces are exported again')
        }
        failing = !ok
        done(result)
      })
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  }
}

/** The collector's URL as a log line may show it: no user, password or query. */
function withoutCredentials(endpoint: string): string {
  const url = new URL(endpoint)
  return `${url.origin}${url.pathname}`
}
