import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.ts'
import { startTracing } from '../../src/ops/tracing.ts'
import type { Tracing } from '../../src/ops/tracing-types.ts'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { rateLimited } from '../../adapters/hubspot/fake/answers.ts'
import { KEY, headers, testApp } from '../helpers/app.ts'
import { CLIENT, OtlpReceiver, type ReceivedSpan, SERVER } from '../helpers/otlp-receiver.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

/** Every value a span holds, its events' and its resource's included, as one text to search. */
const everyValue = (spans: readonly ReceivedSpan[]) =>
  JSON.stringify(spans.map((span) => [span.name, span.attributes, span.events, span.resource, span.status, span.traceState]))

describe('traces', () => {
  let fake: HubSpotFake
  let receiver: OtlpReceiver
  let tracing: Tracing
  let app: FastifyInstance | undefined
  beforeEach(async () => {
    fake = await HubSpotFake.start()
    receiver = await OtlpReceiver.start()
  })
  afterEach(async () => {
    await app?.close()
    app = undefined
    await fake.close()
    await receiver.close()
  })

  const gateway = async (protocol: 'http/json' | 'http/protobuf', extra: Record<string, unknown> = {}) => {
    tracing = await startTracing({ protocol, endpoint: `${receiver.url}/v1/traces` }, createLogger('silent'))
    app = await testApp({
      tracing,
      connections: { hubspot: { adapter: 'hubspot', accessToken: HUBSPOT_TOKEN, baseUrl: fake.url, ...extra } },
    })
    return app
  }
  /** Every span the gateway made, exported by its shutdown. */
  const exported = async () => {
    expect(await tracing.shutdown(10_000)).toBe(true)
    return receiver.spans
  }
  const byRequestId = (spans: readonly ReceivedSpan[], id: string) => {
    const found = spans.filter((span) => span.kind === SERVER && span.attributes['enginy.request_id'] === id)
    expect(found).toHaveLength(1)
    return found[0]!
  }
  const childrenOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId)

  it('sends one trace per request, its CRM calls as children, over http/json, holding no key, token or id', async () => {
    const gw = await gateway('http/json')
    const created = await gw.inject({ method: 'POST', url: '/tasks', headers: { ...headers, 'x-request-id': 'create' }, payload: { subject: 'traced' } })
    expect(created.statusCode).toBe(201)
    const id: string = created.json().id
    const read = await gw.inject({
      method: 'GET',
      url: `/tasks/${id}?secret=query-value-8c1d`,
      headers: { ...headers, 'x-request-id': 'read', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`, tracestate: 'enginy=t61rcWkgMzE' },
    })
    const batch = await gw.inject({ method: 'POST', url: '/tasks/batch', headers: { ...headers, 'x-request-id': 'batch' }, payload: { ids: [id, 'hubspot.90000000999'] } })
    const missing = await gw.inject({ method: 'GET', url: '/tasks/hubspot.90000000998', headers: { ...headers, 'x-request-id': 'missing' } })
    const wrongKey = 'wrong-key-71c3e9aa'
    const refused = await gw.inject({ method: 'GET', url: `/tasks/${id}`, headers: { 'x-api-key': wrongKey, 'x-request-id': 'refused' } })
    expect([read.statusCode, batch.statusCode, missing.statusCode, refused.statusCode]).toEqual([200, 200, 404, 401])
    const crmCalls = fake.http.requests.length

    const spans = await exported()
    expect(receiver.posts.every((post) => post.path === '/v1/traces' && post.contentType === 'application/json')).toBe(true)
    const servers = spans.filter((span) => span.kind === SERVER)
    const clients = spans.filter((span) => span.kind === CLIENT)
    expect(servers.map((span) => span.name).sort()).toEqual(['GET /tasks/:taskId', 'GET /tasks/:taskId', 'GET /tasks/:taskId', 'POST /tasks', 'POST /tasks/batch'])
    // One trace per request, and every CRM call the fake saw is a span of one of them.
    expect(new Set(servers.map((span) => span.traceId)).size).toBe(5)
    expect(clients).toHaveLength(crmCalls)
    expect(servers.flatMap((server) => childrenOf(spans, server))).toHaveLength(crmCalls)
    for (const server of servers) for (const child of childrenOf(spans, server)) expect(child.traceId).toBe(server.traceId)

    const reading = byRequestId(spans, 'read')
    expect(reading).toMatchObject({ traceId: TRACE_ID, parentSpanId: CALLER_SPAN, traceState: 'enginy=t61rcWkgMzE', status: { code: 0 } })
    expect(reading.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/tasks/:taskId',
      'http.response.status_code': 200,
      'enginy.request_id': 'read',
      'enginy.tenant': 'default',
      'enginy.connection': 'hubspot',
    })
    const [taskRead, ...more] = childrenOf(spans, reading).filter((span) => span.attributes['url.template'] === '/crm/objects/2026-09/tasks/{taskId}')
    expect(more).toEqual([])
    expect(taskRead).toMatchObject({ name: 'GET /crm/objects/2026-09/tasks/{taskId}', traceId: TRACE_ID, status: { code: 0 } })
    expect(taskRead!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(fake.url).port),
      'enginy.connection': 'hubspot',
      'http.response.status_code': 200,
      'enginy.rate_limit.wait_ms': 0,
      'enginy.crm.answered_429': false,
    })
    expect(taskRead!.events).toMatchObject([{ name: 'attempt', attributes: { 'enginy.attempt': 0, 'http.response.status_code': 200 } }])

    expect(byRequestId(spans, 'batch').attributes).toMatchObject({ 'http.route': '/tasks/batch', 'http.request.method': 'POST', 'http.response.status_code': 200 })
    // A 4xx is the caller's: its code is named, the span is not failed.
    expect(byRequestId(spans, 'missing')).toMatchObject({ status: { code: 0 }, attributes: { 'http.response.status_code': 404, 'error.type': 'TASK_NOT_FOUND' } })
    const unauthorized = byRequestId(spans, 'refused')
    expect(unauthorized.attributes).toMatchObject({ 'http.response.status_code': 401, 'error.type': 'UNAUTHORIZED' })
    expect(Object.keys(unauthorized.attributes)).not.toEqual(expect.arrayContaining(['enginy.tenant']))
    expect(childrenOf(spans, unauthorized)).toEqual([])
    expect(spans[0]!.resource).toMatchObject({ 'service.name': 'enginy-gateway', 'telemetry.sdk.language': 'nodejs' })

    const values = everyValue(spans)
    const nativeId = id.slice('hubspot.'.length)
    for (const secret of [KEY, wrongKey, HUBSPOT_TOKEN, id, nativeId, '90000000999', '90000000998', 'query-value-8c1d']) expect(values).not.toContain(secret)
    expect(values).not.toMatch(/\/tasks\/\d/)
  })

  it('sends the same spans over http/protobuf', async () => {
    const gw = await gateway('http/protobuf')
    const id: string = (await gw.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'traced' } })).json().id
    fake.http.reset()
    const read = await gw.inject({ method: 'GET', url: `/tasks/${id}`, headers: { ...headers, 'x-request-id': 'read', traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` } })
    expect(read.statusCode).toBe(200)

    const spans = await exported()
    expect(receiver.posts.map((post) => post.contentType)).toEqual(receiver.posts.map(() => 'application/x-protobuf'))
    const reading = byRequestId(spans, 'read')
    expect(reading).toMatchObject({ name: 'GET /tasks/:taskId', traceId: TRACE_ID, parentSpanId: CALLER_SPAN })
    const children = childrenOf(spans, reading)
    expect(children).toHaveLength(fake.http.requests.length)
    expect(children.map((span) => [span.kind, span.traceId, span.attributes['enginy.connection']])).toEqual(children.map(() => [CLIENT, TRACE_ID, 'hubspot']))
    expect(everyValue(spans)).not.toContain(HUBSPOT_TOKEN)
  })

  it("records a call's retries, its waits and the CRM's 429 on its one span; a failed call fails its span", async () => {
    const gw = await gateway('http/json', { retry: { maxRetries: 1, minDelayMs: 1, maxDelayMs: 1 } })
    const id: string = (await gw.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'traced' } })).json().id
    fake.http.queue.push(rateLimited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'))
    const read = await gw.inject({ method: 'GET', url: `/tasks/${id}`, headers: { ...headers, 'x-request-id': 'retried' } })
    expect(read.statusCode).toBe(200)
    fake.http.queue.push({ status: 503, body: { message: 'down' } }, { status: 503, body: { message: 'down' } })
    const failed = await gw.inject({ method: 'GET', url: `/tasks/${id}`, headers: { ...headers, 'x-request-id': 'failed' } })
    expect(failed.statusCode).toBe(502)

    const spans = await exported()
    const [retried] = childrenOf(spans, byRequestId(spans, 'retried'))
    expect(retried!.attributes).toMatchObject({ 'http.request.resend_count': 1, 'enginy.crm.answered_429': true, 'http.response.status_code': 200 })
    expect(retried!.events.map((event) => event.attributes['http.response.status_code'])).toEqual([429, 200])
    expect(retried!.status.code).toBe(0)

    const failing = byRequestId(spans, 'failed')
    expect(failing).toMatchObject({ status: { code: 2 }, attributes: { 'http.response.status_code': 502, 'error.type': 'UPSTREAM_UNAVAILABLE' } })
    const [gaveUp] = childrenOf(spans, failing)
    expect(gaveUp).toMatchObject({ status: { code: 2 }, attributes: { 'http.response.status_code': 503, 'error.type': '503', 'http.request.resend_count': 1 } })
  })

  it('makes the CRM calls of a coalesced read spans of the first request it serves, linked to the others', async () => {
    const gw = await gateway('http/json', { coalesce: { windowMs: 50 } })
    const ids: string[] = []
    for (const subject of ['a', 'b', 'c', 'd']) ids.push((await gw.inject({ method: 'POST', url: '/tasks', headers, payload: { subject } })).json().id)
    fake.http.reset()
    const answers = await Promise.all(ids.map((id, i) => gw.inject({ method: 'GET', url: `/tasks/${id}`, headers: { ...headers, 'x-request-id': `read-${i}` } })))
    expect(answers.map((answer) => answer.json().id)).toEqual(ids)
    // Four tasks are read in one batch, with their associations: three calls for four requests.
    expect(fake.http.count('POST', '/crm/objects/2026-09/tasks/batch/read')).toBe(1)
    expect(fake.http.requests).toHaveLength(3)

    const spans = await exported()
    const readers = ids.map((_, i) => byRequestId(spans, `read-${i}`))
    const calls = spans.filter((span) => readers.some((reader) => reader.traceId === span.traceId) && span.kind === CLIENT)
    expect(calls).toHaveLength(3)
    const owner = readers.find((reader) => reader.spanId === calls[0]!.parentSpanId)!
    const others = readers.filter((reader) => reader !== owner).map((reader) => ({ traceId: reader.traceId, spanId: reader.spanId }))
    expect(others).toHaveLength(3)
    for (const call of calls) {
      expect(call).toMatchObject({ traceId: owner.traceId, parentSpanId: owner.spanId })
      expect(call.links).toEqual(expect.arrayContaining(others))
      expect(call.links).toHaveLength(3)
    }
  })

})
