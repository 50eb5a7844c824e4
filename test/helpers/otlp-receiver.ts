import { type IncomingMessage, type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export type AttributeValue = string | number | boolean

/** A span as a collector receives it, the same whether it came as JSON or protobuf. */
export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  /** Empty for a root span. */
  readonly parentSpanId: string
  readonly traceState: string
  readonly name: string
  /** OTLP's numbers: 2 server, 3 client. */
  readonly kind: number
  readonly attributes: Record<string, AttributeValue>
  readonly events: { name: string; attributes: Record<string, AttributeValue> }[]
  readonly links: { traceId: string; spanId: string }[]
  /** OTLP's numbers: 0 unset, 1 ok, 2 error. */
  readonly status: { code: number; message: string }
  readonly resource: Record<string, AttributeValue>
}

export const SERVER = 2
export const CLIENT = 3

/**
 * An OTLP/HTTP collector on 127.0.0.1 for tests: it takes what is posted to `/v1/traces`, answers
 * 200, and decodes it, from `application/json` or `application/x-protobuf` (by the
 * opentelemetry-proto field numbers), into `spans`. `posts` keeps each request's content type.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = []
  readonly posts: { path: string; contentType: string; headers: Record<string, string | string[] | undefined> }[] = []

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer()
    const receiver = new OtlpReceiver(server)
    server.on('request', async (req, res) => {
      const body = await read(req)
      const contentType = req.headers['content-type'] ?? ''
      receiver.posts.push({ path: req.url ?? '', contentType, headers: req.headers })
      receiver.spans.push(...(contentType.includes('json') ? fromJson(JSON.parse(body.toString('utf8'))) : fromProtobuf(body)))
      res.writeHead(200, { 'content-type': contentType }).end(contentType.includes('json') ? '{}' : '')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return receiver
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const part of req) parts.push(part as Buffer)
  return Buffer.concat(parts)
}

interface JsonKeyValue {
  key: string
  value: { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number }
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {}
  for (const { key, value } of list ?? []) {
    attributes[key] = value.stringValue ?? value.boolValue ?? (value.intValue === undefined ? value.doubleValue! : Number(value.intValue))
  }
  return attributes
}

interface JsonSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  traceState?: string
  name: string
  kind: number
  attributes?: JsonKeyValue[]
  events?: { name: string; attributes?: JsonKeyValue[] }[]
  links?: { traceId: string; spanId: string }[]
  status?: { code?: number; message?: string }
}

/** OTLP's JSON: ids in hex, attributes as typed values. */
interface JsonRequest {
  resourceSpans: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans: { spans: JsonSpan[] }[] }[]
}

function fromJson(request: JsonRequest): ReceivedSpan[] {
  return request.resourceSpans.flatMap((resourceSpans) => {
    const resource = jsonAttributes(resourceSpans.resource?.attributes)
    return resourceSpans.scopeSpans.flatMap((scope) =>
      scope.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        traceState: span.traceState ?? '',
        name: span.name,
        kind: span.kind,
        attributes: jsonAttributes(span.attributes),
        events: (span.events ?? []).map((event) => ({ name: event.name, attributes: jsonAttributes(event.attributes) })),
        links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId })),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
        resource,
      })),
    )
  })
}

/** One field of a protobuf message: its number and its value (a varint, or the bytes of a length-delimited field). */
type Field = { readonly number: number; readonly varint?: bigint; readonly bytes?: Buffer; readonly fixed?: Buffer }

function fields(buffer: Buffer): Field[] {
  const found: Field[] = []
  let at = 0
  const varint = (): bigint => {
    let value = 0n
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++]!
      value |= BigInt(byte & 0x7f) << shift
      if (byte < 0x80) return value
    }
  }
  while (at < buffer.length) {
    const key = Number(varint())
    const number = key >> 3
    const wire = key & 7
    if (wire === 0) found.push({ number, varint: varint() })
    else if (wire === 2) {
      const length = Number(varint())
      found.push({ number, bytes: buffer.subarray(at, at + length) })
      at += length
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4
      found.push({ number, fixed: buffer.subarray(at, at + size) })
      at += size
    } else throw new Error(`protobuf wire type ${wire} is not one OTLP uses`)
  }
  return found
}

const all = (message: Field[], number: number) => message.filter((field) => field.number === number)
const one = (message: Field[], number: number) => message.find((field) => field.number === number)
const text = (field: Field | undefined) => field?.bytes?.toString('utf8') ?? ''
const hex = (field: Field | undefined) => field?.bytes?.toString('hex') ?? ''

function protobufAttributes(message: Field[], number: number): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {}
  for (const keyValue of all(message, number).map((field) => fields(field.bytes!))) {
    const value = fields(one(keyValue, 2)?.bytes ?? Buffer.alloc(0))
    const [field] = value
    attributes[text(one(keyValue, 1))] =
      field?.number === 1 ? text(field) : field?.number === 2 ? field.varint === 1n : field?.number === 3 ? Number(BigInt.asIntN(64, field.varint!)) : field!.fixed!.readDoubleLE()
  }
  return attributes
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return all(fields(body), 1).flatMap((resourceSpansField) => {
    const resourceSpans = fields(resourceSpansField.bytes!)
    const resource = protobufAttributes(fields(one(resourceSpans, 1)?.bytes ?? Buffer.alloc(0)), 1)
    return all(resourceSpans, 2).flatMap((scopeField) =>
      all(fields(scopeField.bytes!), 2).map((spanField) => {
        const span = fields(spanField.bytes!)
        const status = fields(one(span, 15)?.bytes ?? Buffer.alloc(0))
        return {
          traceId: hex(one(span, 1)),
          spanId: hex(one(span, 2)),
          parentSpanId: hex(one(span, 4)),
          traceState: text(one(span, 3)),
          name: text(one(span, 5)),
          kind: Number(one(span, 6)?.varint ?? 0n),
          attributes: protobufAttributes(span, 9),
          events: all(span, 11).map((eventField) => {
            const event = fields(eventField.bytes!)
            return { name: text(one(event, 2)), attributes: protobufAttributes(event, 3) }
          }),
          links: all(span, 13).map((linkField) => {
            const link = fields(linkField.bytes!)
            return { traceId: hex(one(link, 1)), spanId: hex(one(link, 2)) }
          }),
          status: { code: Number(one(status, 3)?.varint ?? 0n), message: text(one(status, 2)) },
          resource,
        }
      }),
    )
  })
}
