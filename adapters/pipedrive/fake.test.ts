import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'

/** The fake Pipedrive holds to what the tests rely on: its schemas, its limits, its costs. */
describe('the fake Pipedrive', () => {
  const opened: PipedriveFake[] = []
  afterEach(async () => {
    for (const fake of opened.splice(0)) await fake.close()
  })
  const start = async (options?: Parameters<typeof PipedriveFake.start>[0]) => {
    const fake = await PipedriveFake.start(options)
    opened.push(fake)
    const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => {
      const res = await request(`${fake.url}${path}`, {
        method,
        headers: { 'x-api-token': PIPEDRIVE_TOKEN, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
      return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as { data: unknown; error?: string; additional_data?: { next_cursor: string | null } } }
    }
    return { fake, call }
  }

  it("refuses bodies and queries outside Pipedrive's reference, and records each as a violation", async () => {
    const { fake, call } = await start()
    expect((await call('POST', '/api/v2/persons', { name: 'Ana', first_name: 'Ana' })).status, 'first_name is read-only in v2').toBe(400)
    expect((await call('POST', '/api/v2/persons', { emails: [{ value: 'x@y.example' }] })).status, 'a person needs a name').toBe(400)
    expect((await call('POST', '/api/v2/organizations', { name: 'Acme', industry: 999 })).status, 'an industry option the field lacks').toBe(400)
    expect((await call('GET', '/api/v2/persons/search?term=a&fields=email')).status, 'a 1-character term without exact_match').toBe(400)
    expect((await call('GET', `/api/v2/persons?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`)).status, '101 ids').toBe(400)
    expect((await call('GET', '/api/v2/persons/search?term=ab&fields=website')).status, 'a field search does not read').toBe(400)
    expect(fake.violations).toHaveLength(6)
    fake.violations.length = 0
    const unknownKey = await call('POST', '/api/v2/persons', { name: 'Ana', custom_fields: { ['0'.repeat(40)]: 'x' } })
    expect(unknownKey.status, "a custom field the account lacks: the caller's configuration").toBe(400)
    expect(fake.violations, 'is not a violation').toEqual([])
  })

  it('enforces the burst window for every call and a window of its own for search', async () => {
    const { fake, call } = await start({ burst: 6, windowMs: 2000, searchBurst: 2, searchWindowMs: 2000 })
    const search = () => call('GET', '/api/v2/persons/search?term=ann&fields=name')
    expect((await search()).status).toBe(200)
    expect((await search()).status).toBe(200)
    const third = await search()
    expect(third.status, 'the third search in the window').toBe(429)
    expect(third.headers['x-ratelimit-limit'], 'the answer names the search window').toBe('2')
    expect((await call('GET', '/api/v2/persons/31')).status, 'other calls go on').toBe(200)
    expect((await call('GET', '/api/v2/persons/32')).status).toBe(200)
    expect((await call('GET', '/api/v2/persons/33')).status).toBe(200)
    expect((await call('GET', '/api/v2/persons/31')).status, 'the seventh call in the window').toBe(429)
    expect({ search: fake.searchLimited, burst: fake.http.rateLimited }).toEqual({ search: 1, burst: 1 })
  })

  it("spends each call's documented tokens, and refuses calls once the daily budget is spent", async () => {
    const { fake, call } = await start({ dailyTokens: 40 })
    await call('GET', '/api/v2/persons/31')
    await call('GET', '/api/v2/persons?ids=31,32')
    await call('POST', '/api/v2/persons', { name: 'Dee' })
    await call('GET', '/api/v1/users/me')
    expect(Object.fromEntries(fake.tokensByRoute)).toEqual({
      'GET /api/v2/persons/{id}': 1,
      'GET /api/v2/persons': 10,
      'POST /api/v2/persons': 5,
      'GET /api/v1/users/me': 2,
    })
    const answered = await call('GET', '/api/v2/persons/search?term=dee&fields=name')
    expect(answered.status, '18 + 20 tokens: within 40').toBe(200)
    expect(answered.headers['x-daily-ratelimit-token-remaining']).toBe('2')
    const last = await call('GET', '/api/v2/persons?ids=31,32')
    expect(last.status, 'the call that spends the rest goes through').toBe(200)
    expect(last.headers['x-daily-ratelimit-token-remaining']).toBe('0')
    const refused = await call('GET', '/api/v2/persons/31')
    expect(refused.status).toBe(429)
    expect(refused.headers['x-daily-ratelimit-token-remaining']).toBe('0')
    expect({ tokens: fake.tokens, budgetLimited: fake.budgetLimited }).toEqual({ tokens: 48, budgetLimited: 1 })
  })

  it('searches exactly (not case sensitive) or by a part of a value, in the fields asked for and the searchable custom fields only', async () => {
    const { fake, call } = await start()
    fake.persons.insert({
      name: 'Eve Example',
      emails: [{ value: 'Eve@Example.org', primary: true }],
      custom_fields: { [PIPEDRIVE_FIELDS.personLinkedin]: 'https://www.linkedin.com/in/Eve-X/', [PIPEDRIVE_FIELDS.personBirthdayish]: '2020-01-01' },
    })
    const ids = async (query: string) => ((await call('GET', `/api/v2/persons/search?${query}`)).body.data as { items: { item: { id: number } }[] }).items.map((i) => i.item.id)
    expect(await ids('term=eve%40example.org&fields=email&exact_match=true')).toHaveLength(1)
    expect(await ids('term=eve%40example&fields=email&exact_match=true'), 'exact is whole values').toHaveLength(0)
    expect(await ids('term=linkedin.com%2Fin%2Feve-x&fields=custom_fields&exact_match=false')).toHaveLength(1)
    expect(await ids('term=2020-01-01&fields=custom_fields&exact_match=false'), 'a date field is not searchable').toHaveLength(0)
    expect(await ids('term=eve%40example.org&fields=name&exact_match=true'), 'only the fields asked for').toHaveLength(0)
  })

  it('lists records changed since a moment, in cursor pages', async () => {
    const { fake, call } = await start()
    const before = new Date(Date.now() - 120_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    for (let i = 0; i < 5; i++) fake.persons.insert({ name: `Old ${i}` }, '2020-01-01T00:00:00Z')
    const all = await call('GET', `/api/v2/persons?updated_since=${before}&limit=2`)
    expect((all.body.data as { id: number }[]).map((p) => p.id), 'the three made at start, oldest first').toEqual([31, 32])
    const next = await call('GET', `/api/v2/persons?updated_since=${before}&limit=2&cursor=${all.body.additional_data!.next_cursor}`)
    expect((next.body.data as { id: number }[]).map((p) => p.id)).toEqual([33])
    expect(next.body.additional_data!.next_cursor).toBeNull()
  })
})
