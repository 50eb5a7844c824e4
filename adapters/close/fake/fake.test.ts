import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { OBSERVED_LIMITS } from './limits.ts'
import { CLOSE_API_KEY, CloseFake, type CloseFakeOptions } from './server.ts'

/** The fake Close holds to what the adapter's tests will rely on: its credential, shapes, limits, lists, search. */
describe('the fake Close', () => {
  const opened: CloseFake[] = []
  afterEach(async () => {
    for (const fake of opened.splice(0)) await fake.close()
  })

  const basic = (key: string, password = '') => `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`
  // biome-ignore lint/suspicious/noExplicitAny: Close's answers, checked field by field below
  type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: any }

  const start = async (options?: CloseFakeOptions) => {
    const fake = await CloseFake.start(options)
    opened.push(fake)
    const call = async (method: string, path: string, body?: unknown, authorization: string | null = basic(CLOSE_API_KEY)): Promise<Answer> => {
      const res = await request(`${fake.url}${path}`, {
        method: method as 'GET',
        headers: { 'content-type': 'application/json', ...(authorization !== null && { authorization }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      })
      const text = await res.body.text()
      return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : undefined }
    }
    const lead = async (fields: Record<string, unknown> = {}) => (await call('POST', '/api/v1/lead/', { name: 'Acme', ...fields })).body
    const contact = async (fields: Record<string, unknown>) => (await call('POST', '/api/v1/contact/', fields)).body
    const task = async (fields: Record<string, unknown>) => (await call('POST', '/api/v1/task/', { text: 'Call back', ...fields })).body
    return { fake, call, lead, contact, task }
  }

  /** A contact search by e-mail, as the adapter will batch it: one `has_related` per address, or'ed. */
  const byEmail = (emails: string[], extra: Record<string, unknown> = {}) => ({
    query: {
      type: 'and',
      queries: [
        { type: 'object_type', object_type: 'contact' },
        {
          type: 'or',
          queries: emails.map((email) => ({
            type: 'has_related',
            this_object_type: 'contact',
            related_object_type: 'contact_email',
            related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact_email', field_name: 'email' }, condition: { type: 'text', mode: 'exact_value', value: email } },
          })),
        },
      ],
    },
    ...extra,
  })
  const leadsWhere = (field: string, mode: string, value: string, extra: Record<string, unknown> = {}) => ({
    query: {
      type: 'and',
      queries: [
        { type: 'object_type', object_type: 'lead' },
        { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: field }, condition: { type: 'text', mode, value } },
      ],
    },
    ...extra,
  })

  it('takes the API key as the Basic user name with an empty password, and answers 401 with {error} otherwise', async () => {
    const { fake, call } = await start()
    const me = await call('GET', '/api/v1/me/')
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: fake.account.users[0]!.id, organizations: [{ id: fake.account.organizationId }] })
    for (const authorization of [null, basic('api_not_a_key_of_this_org'), basic(CLOSE_API_KEY, 'secret'), `Bearer ${CLOSE_API_KEY}`]) {
      const refused = await call('GET', '/api/v1/me/', undefined, authorization)
      expect({ status: refused.status, error: typeof refused.body.error }, String(authorization)).toEqual({ status: 401, error: 'string' })
    }
  })

  it('redirects a path without its trailing slash (308, same method), for GET and POST, applying nothing', async () => {
    const { fake, call, lead } = await start()
    const acme = await lead()
    const get = await call('GET', '/api/v1/lead?_limit=5')
    expect({ status: get.status, location: get.headers.location }).toEqual({ status: 308, location: '/api/v1/lead/?_limit=5' })
    const post = await call('POST', '/api/v1/contact', { lead_id: acme.id, name: 'Ada' })
    expect({ status: post.status, location: post.headers.location }).toEqual({ status: 308, location: '/api/v1/contact/' })
    expect((await call('PUT', `/api/v1/lead/${acme.id}`, { name: 'Globex' })).status).toBe(308)
    expect({ contacts: fake.records.contacts.size, name: fake.records.leads.get(acme.id)!.name }, 'nothing applied').toEqual({ contacts: 0, name: 'Acme' })
    expect((await call('GET', '/api/v1/nothing')).status, 'no route with the slash either').toBe(404)
    expect(fake.redirects).toBe(3)
  })

  it("refuses bodies and queries outside its schemas with Close's 400, recording each as a violation", async () => {
    const { fake, call, lead, task } = await start()
    const acme = await lead()
    const open = await task({ lead_id: acme.id })
    const refused = [
      await call('POST', '/api/v1/lead/', { name: 'Acme', website: 'acme.com' }),
      await call('POST', '/api/v1/lead/', { status: 'Potential', status_id: 'stat_x' }),
      await call('POST', '/api/v1/task/', { text: 'No lead' }),
      await call('PUT', `/api/v1/task/${open.id}/`, { lead_id: acme.id }),
      await call('POST', '/api/v1/activity/note/', { lead_id: acme.id, note: 'Hi', attachments: [] }),
      await call('GET', '/api/v1/contact/?email=ada%40example.com'),
    ]
    expect(refused.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 400])
    expect(refused[2]!.body, "a missing lead: Close's own field error, keyed by the reference").toEqual({ errors: [], 'field-errors': { lead: 'This field is required.' } })
    expect(Object.keys(refused[0]!.body['field-errors'])).toEqual(['website'])
    expect(fake.violations).toHaveLength(6)
    fake.violations.length = 0
    const unknownLead = await task({ lead_id: `lead_${'x'.repeat(43)}` })
    expect(unknownLead, "a reference to a record that does not exist: the caller's data").toEqual({ errors: [], 'field-errors': { lead: 'Object does not exist.' } })
    const unknownField = await call('POST', '/api/v1/contact/', { lead_id: acme.id, [`custom.cf_${'y'.repeat(43)}`]: 'x' })
    expect(unknownField.status, "a custom field the organization lacks: the connection's configuration").toBe(400)
    expect(fake.violations, 'is not a violation').toEqual([])
  })

  it('makes a lead named after a contact created without one, and moves a contact to another lead', async () => {
    const { call, lead, contact } = await start()
    const ada = await contact({ name: 'Ada Lovelace', title: 'CTO', emails: [{ email: 'ada@example.com' }] })
    expect(ada.id).toMatch(/^cont_[A-Za-z0-9]{43}$/)
    expect(ada.lead_id).toMatch(/^lead_[A-Za-z0-9]{43}$/)
    expect(ada.emails, 'an address without a label is an office one').toEqual([{ email: 'ada@example.com', type: 'office', is_unsubscribed: false }])
    const own = (await call('GET', `/api/v1/lead/${ada.lead_id}/`)).body
    expect({ name: own.name, contacts: own.contacts.map((c: { id: string }) => c.id), html_url: own.html_url }).toEqual({
      name: 'Ada Lovelace',
      contacts: [ada.id],
      html_url: `https://app.close.com/lead/${ada.lead_id}/`,
    })
    const acme = await lead()
    const bob = await contact({ lead_id: acme.id, name: 'Bob' })
    const moved = await call('PUT', `/api/v1/contact/${ada.id}/`, { lead_id: acme.id })
    expect(moved.body.lead_id).toBe(acme.id)
    expect((await call('GET', `/api/v1/lead/${acme.id}/`)).body.contact_ids.sort()).toEqual([bob.id, ada.id].sort())
    expect((await call('GET', `/api/v1/lead/${ada.lead_id}/`)).body.contact_ids, 'its first lead stays, empty').toEqual([])
  })

  it('keeps a completion as a TaskCompleted activity the task points at, and shows only open tasks on the lead', async () => {
    const { fake, call, lead, task } = await start()
    const acme = await lead()
    const created = await task({ lead_id: acme.id })
    expect(created, 'a task without a date is dateless, dated today').toMatchObject({
      _type: 'lead',
      is_dateless: true,
      date: new Date().toISOString().slice(0, 10),
      due_date: null,
      is_complete: false,
      view: 'inbox',
      object_id: null,
      assigned_to: fake.account.users[0]!.id,
    })
    const done = (await call('PUT', `/api/v1/task/${created.id}/`, { is_complete: true })).body
    expect(done).toMatchObject({ is_complete: true, view: 'archive', object_type: 'taskcompleted', object_id: expect.stringMatching(/^acti_/) })
    await call('PUT', `/api/v1/task/${created.id}/`, { is_complete: true })
    const completions = (await call('GET', `/api/v1/activity/task_completed/?lead_id=${acme.id}`)).body.data
    expect(completions, 'completing a complete task makes no second activity').toEqual([
      expect.objectContaining({ _type: 'TaskCompleted', id: done.object_id, task_id: created.id, task_text: 'Call back', date_created: expect.any(String) }),
    ])
    const later = await task({ lead_id: acme.id, date: '2099-01-31' })
    expect({ dateless: later.is_dateless, view: later.view, due: later.due_date }).toEqual({ dateless: false, view: 'future', due: '2099-01-31' })
    expect((await call('GET', `/api/v1/lead/${acme.id}/`)).body.tasks.map((t: { id: string }) => t.id), 'the lead shows open tasks only').toEqual([later.id])
    const reopened = (await call('PUT', `/api/v1/task/${created.id}/`, { is_complete: false })).body
    expect({ complete: reopened.is_complete, object: reopened.object_id }).toEqual({ complete: false, object: null })
    expect(fake.violations).toEqual([])
  })

  it('completes tasks in bulk by id__in, leaves missing ids out of lists, and flags a bulk update that names no task', async () => {
    const { fake, call, lead, task } = await start()
    const acme = await lead()
    const [a, b, c] = [await task({ lead_id: acme.id }), await task({ lead_id: acme.id }), await task({ lead_id: acme.id })]
    const bulk = await call('PUT', `/api/v1/task/?id__in=${a.id},${b.id}`, { is_complete: true })
    expect({ status: bulk.status, body: bulk.body }).toEqual({ status: 200, body: {} })
    const listed = (await call('GET', `/api/v1/task/?id__in=${a.id},${b.id},${c.id},task_${'z'.repeat(43)}`)).body
    expect(listed.data.map((t: { id: string; is_complete: boolean }) => [t.id, t.is_complete])).toEqual([
      [a.id, true],
      [b.id, true],
      [c.id, false],
    ])
    expect(fake.violations).toEqual([])
    await call('PUT', `/api/v1/task/?lead_id=${acme.id}`, { is_complete: true })
    expect(fake.violations).toEqual([expect.stringContaining('without id or id__in')])
    expect(fake.tasks.tasks.get(c.id)!.is_complete, 'applied, as Close would').toBe(true)
  })

  it('pages lists by _skip and _limit with has_more, refusing a _limit above the maximum and a _skip past the cap', async () => {
    const { call, lead, contact } = await start({ maxSkip: 4 })
    const acme = await lead()
    for (let i = 0; i < 5; i++) await contact({ lead_id: acme.id, name: `C${i}` })
    const first = (await call('GET', `/api/v1/contact/?lead_id=${acme.id}&_limit=2&_fields=id,name`)).body
    expect(first.data.map((c: { name: string }) => c.name)).toEqual(['C0', 'C1'])
    expect({ keys: Object.keys(first.data[0]), more: first.has_more }).toEqual({ keys: ['id', 'name'], more: true })
    const last = (await call('GET', `/api/v1/contact/?lead_id=${acme.id}&_skip=4`)).body
    expect({ names: last.data.map((c: { name: string }) => c.name), more: last.has_more }).toEqual({ names: ['C4'], more: false })
    const pastCap = await call('GET', '/api/v1/contact/?_skip=5')
    expect({ status: pastCap.status, message: pastCap.body['field-errors']._skip }).toEqual({ status: 400, message: 'must be less than or equal to 4' })
    expect((await call('GET', '/api/v1/contact/?_limit=101')).status).toBe(400)
    expect((await call('GET', '/api/v1/task/?_limit=1000')).status).toBe(200)
    expect((await call('GET', '/api/v1/task/?_limit=1001')).status).toBe(400)
  })

  it("answers 414 for a request line past the front end's limit", async () => {
    const { call } = await start({ maxUrlLength: 2000 })
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `task_${String(i).padStart(43, '0')}`).join(',')
    expect((await call('GET', `/api/v1/task/?id__in=${ids(30)}`)).status).toBe(200)
    expect((await call('GET', `/api/v1/task/?id__in=${ids(60)}`)).status).toBe(414)
  })

  it('searches contacts by e-mail without regard to case, and leads by url or name, with _fields', async () => {
    const { fake, call, lead, contact } = await start()
    const acme = await lead({ url: 'https://www.acme.com/about' })
    await lead({ name: 'Acme Labs', url: 'https://acmelabs.io' })
    const ada = await contact({ lead_id: acme.id, name: 'Ada', emails: [{ email: 'Ada@Example.com' }] })
    const bob = await contact({ lead_id: acme.id, name: 'Bob', emails: [{ email: 'bob@example.com' }, { email: 'b@example.org' }] })
    await contact({ lead_id: acme.id, name: 'Cy', emails: [{ email: 'cy@example.com' }] })
    const found = (await call('POST', '/api/v1/data/search/', byEmail(['ada@example.com', 'b@example.org', 'nobody@example.com']))).body
    expect(found).toEqual({ data: [{ __object_type: 'contact', id: ada.id }, { __object_type: 'contact', id: bob.id }], cursor: null })
    const fields = (await call('POST', '/api/v1/data/search/', byEmail(['ada@example.com'], { _fields: { contact: ['id', 'lead_id', 'emails'] } }))).body
    expect(fields.data).toEqual([{ __object_type: 'contact', id: ada.id, lead_id: acme.id, emails: [expect.objectContaining({ email: 'Ada@Example.com' })] }])
    const search = async (body: unknown) => (await call('POST', '/api/v1/data/search/', body)).body.data.map((r: { id: string }) => r.id)
    expect(await search(leadsWhere('url', 'phrase', 'acme.com')), 'a domain inside a stored URL').toEqual([acme.id])
    expect(await search(leadsWhere('name', 'exact_value', 'acme labs'))).toHaveLength(1)
    expect(await search(leadsWhere('name', 'full_words', 'labs acme'))).toHaveLength(1)
    expect(await search(leadsWhere('name', 'exact_value', 'acme'))).toEqual([acme.id])
    expect(fake.violations).toEqual([])
  })

  it('pages search results by cursor, at most 200 a page, with results_limit and include_counts', async () => {
    const { fake, call, lead } = await start()
    for (let i = 0; i < 5; i++) await lead({ name: `Lead ${i}` })
    const query = { query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }] }, _limit: 2 }
    const pages: number[] = []
    let cursor: string | null = null
    do {
      const page: { data: unknown[]; cursor: string | null } = (await call('POST', '/api/v1/data/search/', { ...query, cursor })).body
      pages.push(page.data.length)
      cursor = page.cursor
    } while (cursor !== null)
    expect(pages).toEqual([2, 2, 1])
    const capped = (await call('POST', '/api/v1/data/search/', { ...query, results_limit: 3, include_counts: true })).body
    expect({ n: capped.data.length, count: capped.count }).toEqual({ n: 2, count: { total: 5 } })
    const second = (await call('POST', '/api/v1/data/search/', { ...query, results_limit: 3, cursor: capped.cursor })).body
    expect({ n: second.data.length, cursor: second.cursor }).toEqual({ n: 1, cursor: null })
    expect(fake.violations).toEqual([])
    expect((await call('POST', '/api/v1/data/search/', { ...query, _limit: 201 })).status).toBe(400)
    expect((await call('POST', '/api/v1/data/search/', { query: query.query, cursor: capped.cursor })).status, "another query's cursor").toBe(400)
    expect((await call('POST', '/api/v1/data/search/', { query: { type: 'object_type', object_type: 'opportunity' } })).status, 'a type the fake does not serve').toBe(400)
    expect(fake.violations).toHaveLength(3)
  })

  it('keeps a new record out of search results until searchLagMs has passed', async () => {
    const { call, lead, contact } = await start({ searchLagMs: 300 })
    const acme = await lead()
    await contact({ lead_id: acme.id, emails: [{ email: 'new@example.com' }] })
    expect((await call('POST', '/api/v1/data/search/', byEmail(['new@example.com']))).body.data).toHaveLength(0)
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await call('POST', '/api/v1/data/search/', byEmail(['new@example.com']))).body.data).toHaveLength(1)
  })

  it('finds records by a custom field, which answers show as custom.<id>', async () => {
    const { fake, call, lead, contact } = await start()
    const field = fake.account.addCustomField('contact', 'Enginy ID')
    const listed = (await call('GET', '/api/v1/custom_field/contact/')).body
    expect(listed.data.map((f: { id: string; name: string }) => [f.id, f.name])).toEqual([[field, 'Enginy ID']])
    const acme = await lead()
    const ada = await contact({ lead_id: acme.id, name: 'Ada', [`custom.${field}`]: 'enginy-1' })
    expect(ada[`custom.${field}`]).toBe('enginy-1')
    const query = {
      query: {
        type: 'and',
        queries: [
          { type: 'object_type', object_type: 'contact' },
          { type: 'field_condition', field: { type: 'custom_field', custom_field_id: field }, condition: { type: 'term', values: ['enginy-1', 'enginy-2'] } },
        ],
      },
    }
    expect((await call('POST', '/api/v1/data/search/', query)).body.data).toEqual([{ __object_type: 'contact', id: ada.id }])
  })

  it('limits each endpoint group per key and the organization at three times that, with RateLimit headers and a 429 holding rate_reset', async () => {
    const keys = ['api_k1.a', 'api_k2.b', 'api_k3.c', 'api_k4.d']
    const { fake, call } = await start({ apiKeys: keys, limits: { 'write data': { requests: 2, windowMs: 60_000 } } })
    const search = (key: string) => call('POST', '/api/v1/data/search/', byEmail(['x@example.com']), basic(key))
    const first = await search(keys[0]!)
    expect(first.headers.ratelimit).toBe('limit=2, remaining=1, reset=60')
    expect((await search(keys[0]!)).headers.ratelimit).toBe('limit=2, remaining=0, reset=60')
    const refused = await search(keys[0]!)
    expect(refused.status).toBe(429)
    expect(refused.headers.ratelimit).toMatch(/^limit=2, remaining=0, reset=(59|60)$/)
    expect(refused.body.error).toMatchObject({ rate_limit: 2, rate_window: 60, rate_limit_type: 'key' })
    expect(refused.body.error.rate_reset).toBeGreaterThan(0)
    expect(refused.body.error.rate_reset).toBeLessThanOrEqual(60)
    expect((await call('GET', '/api/v1/lead/', undefined, basic(keys[0]!))).status, 'another group has its own window').toBe(200)
    for (const key of [keys[1]!, keys[2]!]) for (let i = 0; i < 2; i++) expect((await search(key)).status).toBe(200)
    const org = await search(keys[3]!)
    expect({ status: org.status, type: org.body.error?.rate_limit_type, limit: org.body.error?.rate_limit }, "a fresh key past the organization's 6").toEqual({ status: 429, type: 'org', limit: 6 })
    expect(fake.limits.limited).toEqual({ key: 1, org: 1, forced: 0 })
  })

  it('holds the limits live accounts were seen to have, in the header form one was seen to send', async () => {
    const { call } = await start({ rateLimitSeparator: '; ', limits: OBSERVED_LIMITS })
    expect((await call('GET', '/api/v1/me/')).headers.ratelimit, 'as recorded').toBe('limit=160; remaining=159; reset=8')
    expect((await call('POST', '/api/v1/data/search/', byEmail(['x@example.com']))).headers.ratelimit).toBe('limit=16; remaining=15; reset=1')
    expect((await call('GET', '/api/v1/lead/')).headers.ratelimit).toBe('limit=320; remaining=319; reset=8')
    expect((await call('GET', '/api/v1/user/')).headers.ratelimit, 'a group seen with no number').toBe('limit=1000000; remaining=999999; reset=1')
  })

  it('answers 429 or a 5xx on demand without applying the call', async () => {
    const { fake, call, lead, contact } = await start()
    const acme = await lead()
    fake.rateLimitNext('write contact')
    const limited = await call('POST', '/api/v1/contact/', { lead_id: acme.id, name: 'Ada' })
    expect({ status: limited.status, type: limited.body.error.rate_limit_type }).toEqual({ status: 429, type: 'key' })
    fake.failNext('POST', /^\/api\/v1\/contact\/$/, 503)
    expect((await call('POST', '/api/v1/contact/', { lead_id: acme.id, name: 'Ada' })).status).toBe(503)
    expect(fake.records.contacts.size, 'neither was applied').toBe(0)
    await contact({ lead_id: acme.id, name: 'Ada' })
    expect(fake.records.contacts.size).toBe(1)
    expect(fake.limits.limited.forced).toBe(1)
  })

  it('applies a create whose answer it then loses', async () => {
    const { fake, call, lead } = await start()
    const acme = await lead()
    fake.loseNextCreate('contact', 'reset')
    await expect(call('POST', '/api/v1/contact/', { lead_id: acme.id, name: 'Ada', emails: [{ email: 'ada@example.com' }] })).rejects.toThrow()
    expect(fake.records.contacts.size, 'the contact was made').toBe(1)
    expect((await call('POST', '/api/v1/data/search/', byEmail(['ada@example.com']))).body.data, 'and is found').toHaveLength(1)
  })

  it('logs notes and e-mails in statuses that do not send, and flags the statuses that make Close send', async () => {
    const { fake, call, lead, contact } = await start()
    const acme = await lead()
    const ada = await contact({ lead_id: acme.id, name: 'Ada' })
    const note = (await call('POST', '/api/v1/activity/note/', { lead_id: acme.id, contact_id: ada.id, note: 'Met <Ada>' })).body
    expect(note).toMatchObject({ _type: 'Note', id: expect.stringMatching(/^acti_/), contact_id: ada.id, note_html: '<body><p>Met &lt;Ada&gt;</p></body>' })
    const email = (status: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/api/v1/activity/email/', { lead_id: acme.id, contact_id: ada.id, status, subject: 'Hello', body_text: 'Hi', to: ['ada@example.com'], ...extra })
    expect((await email('sent')).status).toBe(200)
    expect((await email('draft')).status).toBe(200)
    const inbox = await email('inbox', { sender: 'ada@example.com' })
    expect({ status: inbox.status, direction: inbox.body.direction }).toEqual({ status: 200, direction: 'incoming' })
    expect(fake.violations).toEqual([])
    expect((await email('inbox')).body['field-errors'], 'an inbox e-mail needs a sender').toEqual({ sender: 'This field is required.' })
    fake.violations.length = 0
    const outbox = await email('outbox', { sender: 'me@example.com' })
    const scheduled = await email('scheduled', { sender: 'me@example.com', date_scheduled: '2099-01-01T09:00:00+00:00' })
    expect([outbox.status, scheduled.status], 'Close takes them, and sends them').toEqual([200, 200])
    expect(fake.activities.sending).toEqual([outbox.body.id, scheduled.body.id])
    expect(fake.violations).toEqual([expect.stringContaining('status outbox makes Close send'), expect.stringContaining('status scheduled makes Close send')])
    const other = await lead({ name: 'Other' })
    const misplaced = await call('POST', '/api/v1/activity/note/', { lead_id: other.id, contact_id: ada.id, note: 'x' })
    expect(misplaced.body['field-errors'], "a contact not on the note's lead").toEqual({ contact: 'Object does not exist.' })
  })

  it('lists changes in the event log latest first, by cursor, in the published filter combinations only', async () => {
    const { fake, call, lead, contact } = await start()
    const acme = await lead()
    await call('PUT', `/api/v1/lead/${acme.id}/`, { name: 'Acme Inc' })
    const ada = await contact({ lead_id: acme.id, name: 'Ada' })
    const all = (await call('GET', '/api/v1/event/')).body
    expect(all.data.map((e: { object_id: string; action: string }) => [e.object_id, e.action])).toEqual([
      [ada.id, 'created'],
      [acme.id, 'updated'],
      [acme.id, 'created'],
    ])
    expect(all.data[1]).toMatchObject({ object_type: 'lead', lead_id: acme.id, changed_fields: expect.arrayContaining(['name']), previous_data: expect.objectContaining({ name: 'Acme' }) })
    const first = (await call('GET', '/api/v1/event/?_limit=2')).body
    const rest = (await call('GET', `/api/v1/event/?_limit=2&_cursor=${first.cursor_next}`)).body
    expect([first.data.length, rest.data.length, rest.cursor_next]).toEqual([2, 1, null])
    expect((await call('GET', '/api/v1/event/?object_type=lead&action=updated')).body.data).toHaveLength(1)
    for (let i = 0; i < 60; i++) await lead({ name: `L${i}` })
    expect((await call('GET', '/api/v1/event/?_limit=500')).body.data, '_limit is capped at 50').toHaveLength(50)
    expect(fake.violations).toEqual([])
    expect((await call('GET', '/api/v1/event/?object_type=lead')).status, 'object_type alone is not a published combination').toBe(400)
    expect((await call('GET', '/api/v1/event/?_skip=50')).status, 'the event log takes no _skip').toBe(400)
    expect(fake.violations).toHaveLength(2)
  })

  it('answers 404 for a record it does not hold whatever the id looks like, 405 for a method the path does not take', async () => {
    const { call } = await start()
    for (const id of [`lead_${'a'.repeat(43)}`, 'wibble']) {
      const missing = await call('GET', `/api/v1/lead/${id}/`)
      expect({ status: missing.status, error: typeof missing.body.error }, id).toEqual({ status: 404, error: 'string' })
    }
    expect((await call('PUT', `/api/v1/task/task_${'b'.repeat(43)}/`, { is_complete: true })).status).toBe(404)
    expect((await call('DELETE', '/api/v1/lead/')).status).toBe(405)
  })

  it('answers 415 for a write whose body is not declared JSON', async () => {
    const { fake } = await start()
    const res = await request(`${fake.url}/api/v1/lead/`, { method: 'POST', headers: { authorization: basic(CLOSE_API_KEY), 'content-type': 'text/plain' }, body: '{"name": "Acme"}' })
    expect({ status: res.statusCode, error: typeof ((await res.body.json()) as { error: unknown }).error }).toEqual({ status: 415, error: 'string' })
    expect(fake.records.leads.size).toBe(0)
  })

  it('seeds records without a call, which answers then show', async () => {
    const { fake, call } = await start()
    const acme = fake.seed('lead', { name: 'Acme' })
    const tasks = Array.from({ length: 3 }, (_, i) => fake.seed('task', { lead_id: acme.id, text: `Seeded ${i}` }).id)
    expect(fake.http.requests).toHaveLength(0)
    const listed = (await call('GET', `/api/v1/task/?id__in=${tasks.join(',')}`)).body.data
    expect(listed.map((t: { text: string }) => t.text)).toEqual(['Seeded 0', 'Seeded 1', 'Seeded 2'])
    expect(() => fake.seed('task', { text: 'No lead' })).toThrow(/refuses this task/)
  })

  it("lists the organization's users, and counts calls per route with ids folded", async () => {
    const { fake, call } = await start()
    const users = (await call('GET', '/api/v1/user/')).body
    expect({ n: users.data.length, more: users.has_more, first: users.data[0].id }).toEqual({ n: 3, more: false, first: fake.account.users[0]!.id })
    await call('GET', `/api/v1/user/${fake.account.users[1]!.id}/`)
    await call('GET', `/api/v1/user/${fake.account.users[2]!.id}/`)
    expect(fake.calls()).toEqual({ 'GET /api/v1/user/': 1, 'GET /api/v1/user/{id}/': 2 })
  })
})
