import { afterEach, describe, expect, it } from 'vitest'
import { type CloseGateway, closeGateway } from './fake/gateway.ts'
import { CloseFake } from './fake/server.ts'
import { closeRateLimits, rateLimitHeader } from './signals.ts'

const contacts = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ externalId: `R-${from + i}`, email: `rate${from + i}@acme.example`, firstName: 'Rate', lastName: `Limited${from + i}` }))
const answer = (status: number, headers: Record<string, string>, text = '') => ({ status, headers, text })

describe("close: rate-limit signals read Close's own form", () => {
  it('reads the RateLimit header with either separator, and a 429 body with rate_reset nested, at the top level or as a string', () => {
    expect(rateLimitHeader(answer(200, { ratelimit: 'limit=100, remaining=50, reset=5' }))).toEqual({ limit: 100, remaining: 50, resetS: 5 })
    expect(rateLimitHeader(answer(200, { ratelimit: 'limit=160; remaining=159; reset=8' }))).toEqual({ limit: 160, remaining: 159, resetS: 8 })
    expect(closeRateLimits.budget!(answer(200, { ratelimit: 'limit=16, remaining=0, reset=1' }))).toEqual({ remaining: 0, resetMs: 1000 })
    expect(closeRateLimits.retryAfter!(answer(429, {}, JSON.stringify({ error: { rate_reset: 2.5, rate_limit: 16 } })))).toEqual({ ms: 2500 })
    expect(closeRateLimits.retryAfter!(answer(429, {}, JSON.stringify({ rate_reset: '0.595956', rate_limit: 320 })))).toEqual({ ms: 596 })
    expect(closeRateLimits.retryAfter!(answer(429, { ratelimit: 'limit=16, remaining=0, reset=7' }, 'not json'))).toEqual({ ms: 7000 })
    expect(closeRateLimits.retryAfter!(answer(500, { ratelimit: 'limit=16, remaining=0, reset=7' }))).toBeUndefined()
  })
})

describe('close: a 429 in the middle of an export', () => {
  let fake: CloseFake
  let gateway: CloseGateway
  afterEach(async () => {
    await gateway.close()
    await fake.close()
  })

  it("waits Close's rate_reset and finishes the export: every contact made once, no 429 reaches Enginy", async () => {
    fake = await CloseFake.start()
    gateway = await closeGateway(fake)
    const first = await gateway.send('POST', '/contacts', { contacts: contacts(0, 40) })
    expect(first.body.errors).toEqual([])
    fake.rateLimitNext('write contact', 3)
    const res = await gateway.send('POST', '/contacts', { contacts: contacts(40, 60) })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.errors).toEqual([])
    expect(res.body.results.length).toBe(60)
    expect(fake.limits.limited.forced, "Close's three 429s were met").toBe(3)
    expect(fake.records.contacts.size, 'one contact each (and the reference contact)').toBe(101)
    expect(fake.violations).toEqual([])
  })

  it("answers what it made before its deadline, then 503 with the Retry-After Close's window asks while it is spent, then makes the rest once", async () => {
    // 30 creates per 3 s: the 100 of one export cannot all go within a request of 1.5 s.
    fake = await CloseFake.start({ limits: { 'write contact': { requests: 30, windowMs: 3000 } } })
    gateway = await closeGateway(fake, {}, { requestTimeoutMs: 1500 })
    const started = Date.now()
    const res = await gateway.send('POST', '/contacts', { contacts: contacts(0, 100) })
    expect(res.status, 'what was done is answered, the rest left out to be sent again (docs/contract.md)').toBe(200)
    expect(res.body.results.length, 'what fit in the window was made and answered').toBe(30)
    expect(res.body.errors).toEqual([])
    expect(fake.records.contacts.size - 1).toBe(30)

    const spent = await gateway.send('POST', '/contacts', { contacts: contacts(30, 70) })
    const retryAfter = Number(spent.headers.get('retry-after'))
    const windowLeft = (started + 3000 - Date.now()) / 1000
    expect(spent.status, `nothing could be written while the window is spent: ${JSON.stringify(spent.body)}`).toBe(503)
    expect(spent.body.code).toBe('UPSTREAM_RATE_LIMITED')
    expect(retryAfter, "Retry-After is the rest of Close's window, in whole seconds").toBeGreaterThanOrEqual(Math.floor(windowLeft))
    expect(retryAfter).toBeLessThanOrEqual(3)
    expect(fake.records.contacts.size - 1, 'a 503 wrote nothing').toBe(30)

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100))
    const rest = await gateway.send('POST', '/contacts', { contacts: contacts(0, 60) })
    expect(rest.status).toBe(200)
    expect(rest.body.results.length, 'the 30 made are found, 30 more made').toBe(60)
    const emails = [...fake.records.contacts.values()].map((c) => c.emails[0]?.email)
    expect(new Set(emails).size, 'no duplicate').toBe(emails.length)
    expect(fake.records.contacts.size - 1).toBe(60)
    expect(fake.violations).toEqual([])
    console.log(`429s Close answered: ${JSON.stringify(fake.limits.limited)}; Retry-After ${retryAfter} s with ${windowLeft.toFixed(2)} s of the window left`)
  }, 30_000)
})
