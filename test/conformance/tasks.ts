import { type TestContext, expect } from 'vitest'
import type { OptionalTaskField, TaskPort } from '../../src/kit/spec.ts'
import { encodeId } from '../../src/contract/ids.ts'
import { CRAFTED_NATIVE_IDS } from './crafted-ids.ts'
import { CONNECTION, type Harness, MAX_BATCH_IDS, foundWithin, idsLike, needs, sleep } from './harness.ts'
import { acceptedReferences } from './references.ts'

const NO_TASKS = 'the adapter has no tasks port'
/** The one form of every date the gateway answers: UTC to the second. */
export const ONE_DATE_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** A batch of at least 2.5 times the declared size (and at least 3): three chunks or more, so the
 * fan-out's cutting, and the adapter's own splitting of a large declared size, are both at work. */
export const batchOf = (declared: number) => Math.min(Math.max(3, Math.ceil(declared * 2.5)), MAX_BATCH_IDS - 10)

/** `real` spread evenly among `fill`, in their orders: the real ids land in every chunk. */
function spread(real: readonly string[], fill: readonly string[]): string[] {
  const size = real.length + fill.length
  const slots = new Map(real.map((id, i) => [Math.floor(((i + 0.5) * size) / real.length), id]))
  let next = 0
  return Array.from({ length: size }, (_, position) => slots.get(position) ?? fill[next++]!)
}

/** Tasks: the contract Enginy's task sync relies on. */
export function describeTaskChecks(h: Harness) {
  const port = (ctx: TestContext): TaskPort => needs(ctx, h.adapter.tasks, NO_TASKS)
  const supports = (field: OptionalTaskField) => !(h.adapter.tasks?.capabilities.unsupportedFields ?? []).includes(field)
  /** Whether the CRM keeps a field as it was created (`fixedFields`): an edit then leaves it out. */
  const fixed = (field: 'subject' | 'description') => (h.adapter.tasks?.capabilities.fixedFields ?? []).includes(field)
  const send = h.send.bind(h)
  const create = async (body: Record<string, unknown>) => {
    const res = await send('POST', '/tasks', body)
    expect(res.statusCode, `create answers 201: ${res.body}`).toBe(201)
    return res.json()
  }
  /** A value of each optional field the CRM accepts. */
  const values = async (): Promise<Record<OptionalTaskField, string>> => ({
    description: 'Discuss pricing',
    type: h.target.roundTripTypes?.[0] ?? 'call',
    ...(await acceptedReferences(h)),
    dueDate: '2024-01-15T12:00:00+02:00',
  })
  /** Gateway ids of missing tasks, distinct, of the CRM's form. */
  const missingIds = (tasks: TaskPort, count: number): string[] => {
    const natives = [...new Set(h.target.missingNativeIds?.(count) ?? idsLike(h.missingId('tasks'), count, (id) => tasks.isNativeId(id)))]
    expect(
      natives.filter((id) => !tasks.isNativeId(id)),
      "missing ids the target gives are of the CRM's form (its task port's isNativeId)",
    ).toEqual([])
    const ids = natives.flatMap((id) => encodeId(CONNECTION, id) ?? [])
    expect(ids.length, `the target gives ${count} distinct missing task ids of the CRM's form (set missingNativeIds)`).toBeGreaterThanOrEqual(count)
    return ids.slice(0, count)
  }

  h.check('create: every field comes back, due date in UTC, not completed', async (ctx) => {
    port(ctx)
    const given = await values()
    const refs = Object.fromEntries(
      (['ownerId', 'contactId', 'companyId'] as const).filter((field) => supports(field)).map((field) => [field, given[field]]),
    )
    // References come back as the gateway's ids of those records, however they were sent: the
    // contact as its gateway id (what an export answers), the others bare (as before exports).
    const gateway = Object.fromEntries(Object.entries(refs).map(([field, value]) => [field, encodeId(CONNECTION, value) ?? value]))
    const optional = {
      ...(supports('description') && { description: given.description }),
      ...(supports('type') && { type: given.type }),
    }
    const task = await create({
      subject: 'Follow up with John',
      ...optional,
      ...(supports('dueDate') && { dueDate: given.dueDate }),
      ...refs,
      ...(gateway.contactId && { contactId: gateway.contactId }),
      unknownField: 'ignored',
    })
    expect(task.id, 'id: at most 128 unreserved characters').toMatch(/^[A-Za-z0-9._~-]{1,128}$/)
    const expected = {
      subject: 'Follow up with John',
      ...optional,
      ...(supports('dueDate') && { dueDate: '2024-01-15T10:00:00Z' }),
      ...gateway,
      completed: false,
      completedAt: null,
    }
    for (const [field, value] of Object.entries(expected)) {
      expect(task[field], `create returns ${field} as sent (rule: the task's fields)`).toEqual(value)
    }
    expect(task, 'unknown fields are ignored, not echoed').not.toHaveProperty('unknownField')
    const read = await send('GET', `/tasks/${task.id}`)
    expect(read.statusCode, `get by the id create returned answers 200: ${read.body}`).toBe(200)
    expect(read.json(), 'get returns what create returned').toEqual(task)
  })

  h.check('round trip: due dates with offsets, dates alone, markup in descriptions, types', async (ctx) => {
    port(ctx)
    if (supports('dueDate')) {
      const cases = [
        ['2024-03-10T23:30:00-05:00', '2024-03-11T04:30:00Z'],
        ['2024-06-01', '2024-06-01T00:00:00Z'],
        ['2024-06-01T08:15:00', '2024-06-01T08:15:00Z'],
        // Fractions of a second are dropped, by the gateway, whether the CRM keeps them or not.
        ['2024-06-01T08:15:30.750+02:00', '2024-06-01T06:15:30Z'],
      ]
      for (const [given, expected] of cases) {
        const task = await create({ subject: `due ${given}`, dueDate: given })
        expect(task.dueDate, `dueDate ${given} reads back in UTC`).toBe(expected)
        expect((await send('GET', `/tasks/${task.id}`)).json().dueDate, `dueDate ${given} on get`).toBe(expected)
      }
    }
    if (supports('description')) {
      const description = 'Line one\n<b>bold?</b> & "quotes" < >\nLine three'
      const task = await create({ subject: 'markup', description })
      expect((await send('GET', `/tasks/${task.id}`)).json().description, 'description survives as text').toBe(description)
    }
    if (supports('type')) {
      for (const type of h.target.roundTripTypes ?? ['call', 'email', 'todo']) {
        const typed = await create({ subject: `type ${type}`, type })
        expect((await send('GET', `/tasks/${typed.id}`)).json().type, `type ${type} reads back`).toBe(type)
      }
    }
  })

  h.check('not found: unknown and malformed ids are 404 on get and update', async (ctx) => {
    port(ctx)
    for (const id of [`${CONNECTION}.${h.missingId('tasks')}`, 'nope', 'other.123', `${CONNECTION}.`]) {
      const get = await send('GET', `/tasks/${encodeURIComponent(id)}`)
      expect(get.statusCode, `get ${id} is 404 (rule: task not found): ${get.body}`).toBe(404)
      expect(get.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
      const patch = await send('PATCH', `/tasks/${encodeURIComponent(id)}`, { completed: true })
      expect(patch.statusCode, `update ${id} is 404`).toBe(404)
    }
  })

  const crafted = () =>
    CRAFTED_NATIVE_IDS.flatMap((native) => {
      const id = encodeId(CONNECTION, native)
      return id ? [{ native, id }] : []
    })
  /** Checks that what the CRM saw since `from` are task operations only. */
  const onlyTaskOperations = (from: number, what: string) => {
    const { seen, taskPaths } = h.target
    if (!seen || !taskPaths) return
    const outside = seen()
      .slice(from)
      .filter((request) => !taskPaths.test(request))
    expect(outside, `calls ${what} made outside the task operations`).toEqual([])
  }

  h.check('crafted ids: 404 on every single-task route, and never a call outside the task operations', async (ctx) => {
    const tasks = port(ctx)
    const { seen, refs } = h.target
    const before = seen?.().length ?? 0
    for (const { native, id } of crafted()) {
      const seenBefore = seen?.().length ?? 0
      const url = `/tasks/${encodeURIComponent(id)}`
      for (const [method, payload] of [
        ['GET', undefined],
        ['PATCH', { completed: true }],
        ['PUT', { subject: 'moved' }],
        ['PATCH', { subject: 'moved', ...(refs?.contactId ? { contactId: refs.contactId } : {}) }],
      ] as const) {
        const res = await send(method, url, payload)
        expect(res.statusCode, `${method} of crafted id ${JSON.stringify(native)} is 404 (rule: task not found): ${res.body}`).toBe(404)
      }
      if (!tasks.isNativeId(native)) {
        expect(seen?.().slice(seenBefore) ?? [], `crafted id ${JSON.stringify(native)} never reaches the CRM`).toEqual([])
      }
    }
    onlyTaskOperations(before, 'for crafted ids')
  })

  h.check('crafted ids: left out of batch get and batch complete, and never a call outside the task operations', async (ctx) => {
    port(ctx)
    const existing = await create({ subject: 'real' })
    const before = h.target.seen?.().length ?? 0
    const ids = crafted().map(({ id }) => id)
    const batch = await send('POST', '/tasks/batch', { ids: [...ids, existing.id] })
    expect(batch.statusCode, `batch get with crafted ids answers 200: ${batch.body}`).toBe(200)
    expect(
      batch.json().map((task: { id: string }) => task.id),
      'crafted ids are left out of a batch get',
    ).toEqual([existing.id])
    const done = await send('PATCH', '/tasks/batch', { ids: [existing.id, ...ids], completed: true })
    expect(done.statusCode, `batch complete with crafted ids answers 200: ${done.body}`).toBe(200)
    expect(
      done.json().map((task: { id: string }) => task.id),
      'crafted ids are left out of a batch complete',
    ).toEqual([existing.id])
    onlyTaskOperations(before, 'for batches with crafted ids')
  })

  h.check('update: writable fields change, completion is idempotent, an edit keeps completedAt, reopening clears it', async (ctx) => {
    port(ctx)
    const task = await create({ subject: 'to update', ...(supports('dueDate') && { dueDate: '2024-01-15' }) })
    const change = { ...(!fixed('subject') && { subject: 'updated' }), ...(supports('dueDate') && { dueDate: '2024-02-01T09:00:00Z' }) }
    const changed = await send('PATCH', `/tasks/${task.id}`, change)
    expect(changed.statusCode).toBe(200)
    expect(changed.json()).toMatchObject({ id: task.id, ...change })

    const done = (await send('PATCH', `/tasks/${task.id}`, { completed: true })).json()
    expect(done.completed, 'completed: true').toBe(true)
    expect(done.completedAt, 'completedAt is in the one date form, UTC to the second (rule: dates)').toMatch(ONE_DATE_FORM)
    // Long enough for a CRM that stamps each write to show another second.
    await sleep(1100)
    const again = (await send('PUT', `/tasks/${task.id}`, { completed: true })).json()
    expect(again.completedAt, 'completing again keeps the first completedAt').toBe(done.completedAt)

    const edit = {
      ...(!fixed('subject') && { subject: 'edited after completion' }),
      ...(supports('description') && !fixed('description') && { description: 'notes after the call' }),
      ...(supports('dueDate') && { dueDate: '2024-03-01T09:00:00Z' }),
    }
    const edited = await send('PATCH', `/tasks/${task.id}`, edit)
    expect(edited.statusCode, `an edit of a completed task answers 200: ${edited.body}`).toBe(200)
    expect(edited.json(), 'an edit after completion changes the fields').toMatchObject(edit)
    expect(edited.json().completed, 'an edit after completion keeps the task completed (rule: completion, completed)').toBe(true)
    expect(edited.json().completedAt, 'an edit after completion keeps completedAt (rule: completion, completedAt)').toBe(done.completedAt)
    const read = (await send('GET', `/tasks/${task.id}`)).json()
    expect(read.completedAt, 'get after an edit of a completed task keeps completedAt (rule: completion, completedAt)').toBe(done.completedAt)
    const editedDone = (await send('PATCH', `/tasks/${task.id}`, { subject: fixed('subject') ? 'to update' : 'edited and completed again', completed: true })).json()
    expect(editedDone.completedAt, 'an edit with completed: true keeps the first completedAt (rule: completion, completedAt)').toBe(
      done.completedAt,
    )

    const reopened = (await send('PATCH', `/tasks/${task.id}`, { completed: false })).json()
    expect(reopened).toMatchObject({ completed: false, completedAt: null })
  })

  h.check('fixed fields: a change of a field the CRM keeps as created is a 422 naming it and changes nothing; the same value is served', async (ctx) => {
    const tasks = port(ctx)
    // Fixed references are checked with the references (records.ts), where the records exist.
    const texts = (tasks.capabilities.fixedFields ?? []).filter((field) => field === 'subject' || field === 'description')
    const fields = needs(ctx, texts.length ? texts : undefined, 'the task port declares no fixed subject or description')
    const original = { subject: 'as created', ...(supports('description') && { description: 'first notes' }) }
    const task = await create(original)
    for (const field of fields.filter((f) => f === 'subject' || supports(f))) {
      const refused = await send('PATCH', `/tasks/${task.id}`, { [field]: `changed ${field}`, completed: true })
      expect(refused.statusCode, `a change of the fixed ${field} answers 422 (rule: fixed task fields, ${field}): ${refused.body}`).toBe(422)
      expect(refused.json().message, `the 422 names ${field} (rule: fixed task fields, ${field})`).toContain(field)
      const read = (await send('GET', `/tasks/${task.id}`)).json()
      expect(read, `a refused edit changes nothing, its other fields included (rule: fixed task fields, ${field})`).toMatchObject({ ...original, completed: false })
    }
    const same = await send('PATCH', `/tasks/${task.id}`, { ...original, completed: true })
    expect(same.statusCode, `an edit sending the fixed fields unchanged answers 200: ${same.body}`).toBe(200)
    expect(same.json(), 'an edit sending the fixed fields unchanged applies the rest').toMatchObject({ ...original, completed: true })
  })

  h.check('batch get: 2.5 times the declared batch size, order of first appearance, missing left out', async (ctx) => {
    const tasks = port(ctx)
    const declared = tasks.capabilities.maxBatchRead
    const size = batchOf(declared)
    const created: string[] = []
    const subjects = new Map<string, string>()
    for (let i = 0; i < Math.min(size, 25); i++) {
      const subject = h.unique(`batch ${i}`)
      const { id } = await create({ subject })
      created.push(id)
      subjects.set(id, subject)
    }
    // Not in the order they were made: the answer keeps the order of the request.
    const real = created.reverse()
    const ids = spread(real, missingIds(tasks, size - real.length))
    const missing = encodeId(CONNECTION, h.missingId('tasks'))!
    const asked = [missing, ...ids, real[0], 'malformed id', `gone.${h.missingId('tasks')}`]
    const res = await send('POST', '/tasks/batch', { ids: asked })
    expect(res.statusCode, `batch get answers 200; missing ids are left out, never an error: ${res.body}`).toBe(200)
    expect(
      res.json().map((task: { id: string }) => task.id),
      `batch get of ${new Set(asked).size} ids (declared maxBatchRead ${declared}): existing ids once each, in request order (rule: batch get)`,
    ).toEqual(real)
    for (const task of res.json() as { id: string; subject: string }[]) {
      expect(task.subject, `batch get answers task ${task.id} with its own fields, whatever order the CRM answers in (rule: batch get, fields)`).toBe(subjects.get(task.id))
    }
    expect((await send('POST', '/tasks/batch', { ids: [] })).json(), 'ids: [] gives []').toEqual([])
  })

  h.check('batch complete: 2.5 times the declared batch size, idempotent, missing left out', async (ctx) => {
    const tasks = port(ctx)
    const declared = tasks.capabilities.maxBatchUpdate
    const size = batchOf(declared)
    const real: string[] = []
    for (let i = 0; i < Math.min(size, 12); i++) real.push((await create({ subject: `complete ${i}` })).id)
    const ids = spread(real, missingIds(tasks, size - real.length))
    const first = await send('PATCH', '/tasks/batch', { ids: [...ids, encodeId(CONNECTION, h.missingId('tasks'))], completed: true })
    expect(first.statusCode, `batch complete answers 200; missing ids are left out, never an error: ${first.body}`).toBe(200)
    const done = first.json()
    expect(
      done.map((task: { id: string }) => task.id),
      `batch complete of ${ids.length + 1} ids (declared maxBatchUpdate ${declared}): the existing ids, in request order (rule: batch complete)`,
    ).toEqual(real)
    for (const task of done) {
      expect(task, 'each is completed').toMatchObject({ completed: true })
      expect(task.completedAt, 'completedAt is in the one date form, UTC to the second (rule: dates)').toMatch(ONE_DATE_FORM)
    }
    const second = (await send('PATCH', '/tasks/batch', { ids, completed: true })).json()
    expect(
      second.map((task: { completedAt: string }) => task.completedAt),
      'completing again keeps each first completedAt',
    ).toEqual(done.map((task: { completedAt: string }) => task.completedAt))
    const read = (await send('POST', '/tasks/batch', { ids: real })).json()
    for (const task of read) expect(task.completed, 'batch get sees the completion').toBe(true)
    const reopened = (await send('PATCH', '/tasks/batch', { ids: real.slice(0, 2), completed: false })).json()
    for (const task of reopened) expect(task, 'reopened').toMatchObject({ completed: false, completedAt: null })
  })

  h.check('unsupported task fields: a create or an edit with them answers as usual, without them, and a warning names each', async (ctx) => {
    const tasks = port(ctx)
    const fields = needs(ctx, tasks.capabilities.unsupportedFields?.length ? tasks.capabilities.unsupportedFields : undefined, 'the task port declares no unsupported fields')
    const given = await values()
    const sent = Object.fromEntries(fields.map((field) => [field, given[field]]))
    const created = await h.warnings(() => send('POST', '/tasks', { subject: 'without some fields', ...sent }))
    expect(created.value.statusCode, `create with fields the CRM cannot hold answers 201 (rule: unsupported task fields): ${created.value.body}`).toBe(201)
    const task = created.value.json()
    const read = (await send('GET', `/tasks/${task.id}`)).json()
    const subject = fixed('subject') ? 'without some fields' : 'edited without some fields'
    const edited = await h.warnings(() => send('PATCH', `/tasks/${task.id}`, { subject, ...sent }))
    expect(edited.value.statusCode, `an edit with fields the CRM cannot hold answers 200 (rule: unsupported task fields): ${edited.value.body}`).toBe(200)
    expect(edited.value.json().subject, 'the edit changes the other fields').toBe(subject)
    for (const field of fields) {
      expect(task, `create leaves ${field} out of the task (rule: unsupported task fields, ${field})`).not.toHaveProperty(field)
      expect(read, `get leaves ${field} out of the task (rule: unsupported task fields, ${field})`).not.toHaveProperty(field)
      expect(edited.value.json(), `an edit leaves ${field} out of the task (rule: unsupported task fields, ${field})`).not.toHaveProperty(field)
      for (const [what, { warnings }] of [['create', created], ['edit', edited]] as const) {
        expect(
          warnings.filter((warning) => warning.type === 'unsupported' && warning.field === field),
          `one adapter warning on ${what} names ${field} (rule: unsupported task fields, ${field})`,
        ).toHaveLength(1)
      }
    }
  })

  h.check('lost creates: the created-task lookup finds the task a create made, and no other', async (ctx) => {
    const tasks = port(ctx)
    const lookup = needs(ctx, tasks.createdLookup, 'the task port declares no createdLookup: a keyed create that ends in doubt is answered 409')
    expect(lookup.settleMs, 'settleMs is a duration in milliseconds (rule: lost creates)').toBeGreaterThanOrEqual(0)
    const given = await values()
    const subject = h.unique('lost')
    const refs = (['ownerId', 'contactId', 'companyId'] as const).filter((field) => supports(field))
    const body = {
      subject,
      ...(supports('description') && { description: given.description }),
      ...(supports('dueDate') && { dueDate: given.dueDate }),
      ...Object.fromEntries(refs.map((field) => [field, given[field]])),
    }
    const input = {
      subject,
      ...(supports('description') && { description: given.description }),
      ...(supports('dueDate') && { dueDate: Date.parse(given.dueDate) }),
      ...Object.fromEntries(refs.map((field) => [field, given[field]])),
    }
    const before = await create(body)
    // Long enough for a CRM that stamps creation to the second.
    await sleep(1100)
    const createdAfter = Date.now()
    const made = await create(body)
    const unlike = supports('description') ? { description: 'another text' } : supports('dueDate') ? { dueDate: '2025-02-02T02:02:00Z' } : undefined
    const other = unlike && (await create({ ...body, ...unlike }))
    const options = { signal: AbortSignal.timeout(40_000), deadline: Date.now() + 40_000, warn: () => {} }
    const found = await foundWithin(lookup.settleMs, () => lookup.doFind({ input, createdAfter }, options))
    const ids = found.map((task) => encodeId(CONNECTION, task.id))
    expect(ids, 'the lookup finds the task of the create, once (rule: lost creates)').toEqual([made.id])
    expect(ids, 'a task with the same fields made before the attempt is not its task (rule: lost creates, createdAfter)').not.toContain(before.id)
    if (other) expect(ids, 'a task with another field is not its task (rule: lost creates, fields)').not.toContain(other.id)
    const none = await lookup.doFind({ input: { ...input, subject: h.unique('never made') }, createdAfter }, options)
    expect(none, 'nothing is found for a create that made nothing (rule: lost creates)').toEqual([])
  })

  // A target without the hook cannot be checked: reported as skipped, not as a pass.
  h.check('concurrency: the connection limit holds at the CRM', async (ctx) => {
    port(ctx)
    const peakInFlight = needs(ctx, h.target.peakInFlight, 'the target does not count requests in flight')
    const ids = []
    for (let i = 0; i < 8; i++) ids.push((await create({ subject: `parallel ${i}` })).id)
    await send('PATCH', '/tasks/batch', { ids, completed: true })
    expect(peakInFlight(), 'requests in flight never exceed concurrency 3').toBeLessThanOrEqual(3)
  })
}
