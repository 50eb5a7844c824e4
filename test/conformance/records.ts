import { type TestContext, expect } from 'vitest'
import type { CallOptions, CreatedLookup, Lookup, NativeRecord, RecordCapabilities } from '../../src/kit/spec.ts'
import { decodeId, encodeId } from '../../src/contract/ids.ts'
import { normalize } from '../../src/service/matching.ts'
import { LINK_TOKEN } from '../helpers/app.ts'
import { CONNECTION, type Harness, needs } from './harness.ts'
import type { RecordKind } from './target.ts'

type Body = Record<string, unknown>
type Value = Exclude<Lookup, 'externalId'>

/** What the suite needs of a record port, whichever kind it serves. */
export interface AnyRecordPort {
  readonly capabilities: RecordCapabilities<Record<string, unknown>>
  isNativeId(id: string): boolean
  linkTo?(id: string): string | undefined
  doFind(by: Lookup, keys: readonly string[], options: CallOptions): Promise<NativeRecord<object>[]>
  readonly createdLookup?: CreatedLookup<Record<string, unknown>, NativeRecord<object>>
}

export interface CreateAnswer {
  results: { externalId: string; crmId: string }[]
  errors: { externalId: string; error: string; code: string }[]
}
export interface SyncAnswer {
  results: { externalId: string; crmId: string; properties: Record<string, unknown> }[]
  errors: { externalId: string; error: string; code: string }[]
}
interface UpdateAnswer {
  results: { crmId: string; success: boolean }[]
  errors: { crmId: string; error: string; code: string }[]
}

/** A field Enginy sends beyond the standard ones: an engagement field. */
export const EXTRA_FIELD = 'campaignSequenceStatus'

/** What the suite knows of each kind: its matching rules (`src/service/matching.ts`), as data. */
interface Spec {
  readonly singular: string
  /** Sync's documented order of lookups. */
  readonly lookups: readonly Lookup[]
  /** The key besides externalId that an export never makes a second record for. */
  readonly key: 'email' | 'domain'
  /** Forms of one value of `by`, unique to `tag`, that all match it: the first in mixed case, the
   * second (for the key) in its normal form. */
  forms(by: Value, tag: string): string[]
  /** Standard fields of a record, besides its lookups. */
  readonly fields: Body
  /** Fields an update changes, with new values unique to `tag`: those the CRM holds are used. */
  changes(tag: string): Body
  readonly taskField: 'contactId' | 'companyId'
}

const SPECS: Record<RecordKind, Spec> = {
  contacts: {
    singular: 'contact',
    lookups: ['externalId', 'email', 'linkedinUrl'],
    key: 'email',
    forms: (by, tag) => {
      const TAG = tag.toUpperCase()
      if (by === 'email') return [`${TAG}@Conformance.Example`, `${tag}@conformance.example`, `  ${tag}@CONFORMANCE.example\t`, ` ${TAG}@conformance.EXAMPLE `]
      return [`https://www.linkedin.com/in/${tag}`, `HTTPS://LINKEDIN.COM/in/${TAG}/?utm_source=enginy`, `linkedin.com/in/${tag}/#about`]
    },
    fields: { firstName: 'Ana', lastName: 'Ruiz', title: 'Head of Sales', phone: '+34600000000' },
    changes: () => ({ title: 'Chief Revenue Officer', firstName: 'Anabel', lastName: 'Ruiz Vidal', phone: '+34600000001' }),
    taskField: 'contactId',
  },
  companies: {
    singular: 'company',
    lookups: ['externalId', 'domain', 'linkedinUrl', 'name'],
    key: 'domain',
    forms: (by, tag) => {
      const TAG = tag.toUpperCase()
      if (by === 'domain') return [`https://www.${TAG}.Example.com:443/about`, `${tag}.example.com`, `HTTP://${tag}.EXAMPLE.COM/`, `www.${tag}.example.com.`]
      if (by === 'linkedinUrl') return [`https://www.linkedin.com/company/${tag}`, `HTTPS://ES.LINKEDIN.COM/company/${TAG}?trk=x`, `linkedin.com/company/${tag}/`]
      return [`Acme ${tag} Inc`, `  ACME   ${TAG}   inc `, `acme ${tag} inc`]
    },
    fields: { industry: 'Software', numberOfEmployees: 120 },
    changes: (tag) => ({ industry: 'Hardware', numberOfEmployees: 130, name: `Acme ${tag} Renamed` }),
    taskField: 'companyId',
  },
}

/** A field's value as the rules compare it: a lookup (e-mail, domain, LinkedIn URL, name) in its
 * normal form, since a CRM may keep `https://www.Acme.com/` as `acme.com`; any other as it is. */
export const comparable = (field: string, value: unknown) =>
  typeof value === 'string' && field !== 'externalId' && Object.hasOwn(normalize, field) ? normalize[field as Lookup](value) : value

/** The lookups sync can use with `port`, in the documented order: declared, of fields it holds. */
export const usableLookups = (port: AnyRecordPort, kind: RecordKind): Lookup[] =>
  SPECS[kind].lookups.filter((by) => port.capabilities.lookups.includes(by) && !(port.capabilities.unsupportedFields ?? []).includes(by))

/** The record port of `kind`, or the check skipped. */
export const recordPort = (h: Harness, ctx: TestContext, kind: RecordKind): AnyRecordPort =>
  needs(ctx, h.adapter[kind] as AnyRecordPort | undefined, `the adapter has no ${kind} port`)

/** Exports `bodies` and answers the crmId of each, in order: every one must be created. */
export async function exportRecords(h: Harness, kind: RecordKind, bodies: readonly Body[]): Promise<string[]> {
  const res = await h.send('POST', `/${kind}`, { [kind]: bodies })
  expect(res.statusCode, `export of ${kind} answers 200: ${res.body}`).toBe(200)
  const answer = res.json() as CreateAnswer
  expect(answer.errors, `export of ${kind} answers no errors (rule: export)`).toEqual([])
  return bodies.map((body) => {
    const result = answer.results.find((r) => r.externalId === body.externalId)
    expect(result, `export answers a crmId for externalId ${body.externalId} (rule: export)`).toBeDefined()
    return result!.crmId
  })
}

/** A record of `kind` unique to `tag`, with the standard fields `port` holds: its key (e-mail or
 * domain) and, for a company, its name (CRMs such as Pipedrive refuse an organization without). */
export function sampleRecord(port: AnyRecordPort, kind: RecordKind, tag: string): Body {
  const spec = SPECS[kind]
  const holds = (field: string) => !(port.capabilities.unsupportedFields ?? []).includes(field)
  const body: Body = { externalId: `X-${tag}` }
  if (holds(spec.key)) body[spec.key] = spec.forms(spec.key, tag)[1]
  if (kind === 'companies' && holds('name')) body.name = spec.forms('name', tag)[0]
  for (const [field, value] of Object.entries(spec.fields)) if (holds(field)) body[field] = value
  return body
}

/** Contacts or companies: export, sync, update, extra fields, and their crmIds as references. */
export function describeRecordChecks(h: Harness, kind: RecordKind) {
  const spec = SPECS[kind]
  const { singular, key } = spec
  const send = h.send.bind(h)
  const port = (ctx: TestContext) => recordPort(h, ctx, kind)
  const holds = (p: AnyRecordPort, field: string) => !(p.capabilities.unsupportedFields ?? []).includes(field)
  const usable = (p: AnyRecordPort) => usableLookups(p, kind)
  const exported = (bodies: readonly Body[]) => exportRecords(h, kind, bodies)
  const sync = async (bodies: readonly Body[]) => {
    const res = await send('POST', `/${kind}/sync`, { [kind]: bodies })
    expect(res.statusCode, `sync of ${kind} answers 200; records the CRM does not hold are left out, never an error: ${res.body}`).toBe(200)
    return res.json() as SyncAnswer
  }
  /** The properties sync answers for `body`, found by its own lookups. */
  const readBack = async (body: Body) => {
    const { results } = await sync([body])
    expect(results.map((r) => r.externalId), `sync finds the ${singular} ${body.externalId} again`).toEqual([body.externalId])
    return results[0]!.properties
  }
  const update = async (bodies: readonly Body[]) => {
    const res = await send('PUT', `/${kind}`, { [kind]: bodies })
    expect(res.statusCode, `update of ${kind} answers 200: ${res.body}`).toBe(200)
    return res.json() as UpdateAnswer
  }
  const J = JSON.stringify

  h.check(`${kind} export: one crmId per externalId, naming the connection`, async (ctx) => {
    const p = port(ctx)
    const bodies = [0, 1, 2].map(() => sampleRecord(p, kind, h.unique('one-each')))
    const res = await send('POST', `/${kind}`, { [kind]: bodies })
    expect(res.statusCode, `export of ${kind} answers 200: ${res.body}`).toBe(200)
    const answer = res.json() as CreateAnswer
    expect(answer.errors, `export answers no errors (rule: export)`).toEqual([])
    expect(
      answer.results.map((r) => r.externalId),
      `export answers one result per ${singular}, by externalId, in request order (rule: export, externalId)`,
    ).toEqual(bodies.map((body) => body.externalId))
    const crmIds = answer.results.map((r) => r.crmId)
    expect(new Set(crmIds).size, `export makes one ${singular} per record: distinct crmIds (rule: export, crmId)`).toBe(bodies.length)
    for (const crmId of crmIds) {
      const decoded = decodeId(crmId)
      expect(decoded?.connection, `crmId ${crmId} names the connection (rule: ids, crmId)`).toBe(CONNECTION)
      expect(p.isNativeId(decoded?.nativeId ?? ''), `crmId ${crmId} names a native id of the CRM's ${kind} (rule: ids, crmId)`).toBe(true)
    }
  })

  h.check(`${kind} batches: export, sync and update across more ${kind} than one call of the CRM takes`, async (ctx) => {
    const p = port(ctx)
    const { maxBatchCreate, maxBatchFind, maxBatchUpdate } = p.capabilities
    // 2.5 times the largest declared size, within the 100 records one Enginy request may carry.
    const count = Math.min(100, Math.ceil(2.5 * Math.max(maxBatchCreate, maxBatchFind, maxBatchUpdate)))
    const tag = h.unique('batch')
    const bodies = Array.from({ length: count }, (_, i) => sampleRecord(p, kind, `${tag}-${i}`))
    const crmIds = await exported(bodies)
    expect(new Set(crmIds).size, `an export of ${count} ${kind} (declared maxBatchCreate ${maxBatchCreate}) makes ${count} records (rule: export)`).toBe(count)
    const [by] = usable(p)
    if (by) {
      const { results } = await sync(bodies.map((body) => ({ externalId: body.externalId, [by]: body[by] })))
      expect(
        results.map((r) => r.crmId).sort(),
        `a sync of ${count} ${kind} by ${by} (declared maxBatchFind ${maxBatchFind}) finds each (rule: sync)`,
      ).toEqual([...crmIds].sort())
    }
    const changes = Object.fromEntries(Object.entries(spec.changes(tag)).filter(([field]) => holds(p, field)))
    const changed = await update(crmIds.map((crmId) => ({ crmId, ...changes })))
    expect(
      changed.results.filter((r) => r.success).map((r) => r.crmId),
      `an update of ${count} ${kind} (declared maxBatchUpdate ${maxBatchUpdate}) changes each, in request order (rule: update)`,
    ).toEqual(crmIds)
  })

  h.check(`${kind} export: the same ${key} in any form is one ${singular}, in one request, across requests and at once`, async (ctx) => {
    const p = port(ctx)
    needs(ctx, p.capabilities.lookups.includes(key) && holds(p, key), `the ${kind} port declares no ${key} lookup`)
    const tag = h.unique(`same-${key}`)
    const forms = spec.forms(key, tag)
    const record = (i: number, form: string) => ({ ...sampleRecord(p, kind, `${tag}-${i}`), [key]: form })
    const [first, second] = await exported([record(0, forms[0]!), record(1, forms[1]!)])
    expect(
      second,
      `an export of ${key} ${J(forms[1])} beside ${J(forms[0])} in one request answers one crmId (rule: never a second ${singular}, ${key})`,
    ).toBe(first)
    for (const [i, form] of forms.entries()) {
      const [again] = await exported([record(10 + i, form)])
      expect(again, `a later export of ${key} ${J(form)} answers the crmId the first export of ${J(forms[0])} gave (rule: never a second ${singular}, ${key})`).toBe(first)
    }
    const atOnce = await Promise.all(forms.map((form, i) => exported([record(20 + i, form)])))
    expect(atOnce.flat(), `exports of ${key} ${J(forms[0])} at once answer its crmId (rule: never a second ${singular}, ${key})`).toEqual(
      forms.map(() => first),
    )
    const fresh = h.unique(`fresh-${key}`)
    const freshForms = spec.forms(key, fresh)
    const made = await Promise.all([0, 1, 2, 3, 4].map((i) => exported([{ ...record(30 + i, freshForms[i % freshForms.length]!) }])))
    expect(new Set(made.flat()).size, `exports of one new ${key} at once make one ${singular} (rule: never a second ${singular}, ${key})`).toBe(1)
  })

  h.check(`${kind} export: the same externalId is one ${singular}, whatever its ${key} became`, async (ctx) => {
    const p = port(ctx)
    needs(ctx, p.capabilities.lookups.includes('externalId'), `the ${kind} port declares no externalId lookup`)
    const tag = h.unique('same-externalId')
    const base = sampleRecord(p, kind, tag)
    const other = (suffix: string) => (holds(p, key) ? { [key]: spec.forms(key, `${tag}-${suffix}`)[1] } : {})
    const [first, second] = await exported([
      { ...base, ...other('a') },
      { ...base, ...other('b') },
    ])
    expect(second, `an externalId sent twice in one request answers one crmId (rule: never a second ${singular}, externalId)`).toBe(first)
    const [later] = await exported([{ ...base, ...other('c') }])
    expect(later, `a later export of externalId ${base.externalId} with another ${key} answers its crmId (rule: never a second ${singular}, externalId)`).toBe(first)
    const res = await send('POST', `/${kind}`, { [kind]: [{ ...base, externalId: `  ${base.externalId} ` }] })
    expect(
      (res.json() as CreateAnswer).results.map((r) => r.crmId),
      `externalId ${J(`  ${base.externalId} `)} is ${base.externalId}, trimmed (rule: never a second ${singular}, externalId)`,
    ).toEqual([first])
  })

  h.check(`${kind} sync: found by each declared lookup in the documented order; what the CRM does not hold is left out`, async (ctx) => {
    const p = port(ctx)
    const lookups = needs(ctx, usable(p).length > 0 && usable(p), `the ${kind} port declares no lookups`)
    // One record per lookup, holding that lookup's value only.
    const made = lookups.map((by) => {
      const tag = h.unique(`by-${by}`)
      const body = sampleRecord(p, kind, tag)
      if (holds(p, key)) delete body[key]
      const forms = by === 'externalId' ? [] : spec.forms(by, tag)
      if (by !== 'externalId') body[by] = forms[0]
      return { by, body, forms }
    })
    const crmIds = await exported(made.map(({ body }) => body))
    const found = new Map(made.map(({ by }, i) => [by, crmIds[i]!]))
    const asked: { body: Body; expected: string | undefined; what: string }[] = []
    for (const { by, body, forms } of made) {
      const query: Body = by === 'externalId' ? { externalId: body.externalId } : { externalId: `X-${h.unique('sync')}`, [by]: forms[1] }
      asked.push({ body: query, expected: found.get(by), what: `sync finds the ${singular} by ${by}, given as ${J(query[by])} (rule: match order, ${by})` })
    }
    for (const [i, before] of lookups.entries()) {
      const after = lookups[i + 1]
      if (!after) continue
      const first = made[i]!
      const second = made[i + 1]!
      const query: Body = {
        externalId: before === 'externalId' ? first.body.externalId : `X-${h.unique('sync')}`,
        ...(before !== 'externalId' && { [before]: first.body[before] }),
        [after]: second.body[after],
      }
      asked.push({ body: query, expected: found.get(before), what: `sync looks a ${singular} up by ${before} before ${after} (rule: match order, ${before} before ${after})` })
    }
    const nowhere = h.unique('nowhere')
    const absent = { externalId: `X-${nowhere}`, ...Object.fromEntries(lookups.filter((by) => by !== 'externalId').map((by) => [by, spec.forms(by as Value, nowhere)[0]])) }
    asked.push({ body: absent, expected: undefined, what: `sync leaves out a ${singular} the CRM does not hold, never an error (rule: sync, not found)` })

    const answer = await sync(asked.map(({ body }) => body))
    expect(answer.errors, `sync answers no errors for ${kind} it can look up (rule: sync)`).toEqual([])
    for (const { body, expected, what } of asked) {
      expect(answer.results.find((r) => r.externalId === body.externalId)?.crmId, what).toBe(expected)
    }
    const properties = answer.results.find((r) => r.externalId === asked[0]!.body.externalId)?.properties ?? {}
    for (const [field, value] of Object.entries(made[0]!.body)) {
      if (field !== 'externalId') expect(comparable(field, properties[field]), `sync properties hold the ${singular}'s ${field} (rule: sync properties, ${field})`).toEqual(comparable(field, value))
    }
  })

  h.check(`${kind} update: each by crmId; an unknown crmId is success: false with an error while the others succeed`, async (ctx) => {
    const p = port(ctx)
    const candidates = spec.changes(h.unique('changed'))
    const [field, value] = needs(ctx, Object.entries(candidates).find(([name]) => holds(p, name)), `the ${kind} port holds none of ${Object.keys(candidates).join(', ')}`)
    const [a, b] = await exported([sampleRecord(p, kind, h.unique('update')), sampleRecord(p, kind, h.unique('update'))])
    const unknown = encodeId(CONNECTION, h.missingId(kind))!
    const answer = await update([
      { crmId: a, [field]: value },
      { crmId: unknown, [field]: value },
      { crmId: 'not-an-id', [field]: value },
      { crmId: b, [field]: value },
    ])
    expect(answer.results, `update answers one result per ${singular}, in request order; unknown crmIds are success: false (rule: update, crmId)`).toEqual([
      { crmId: a, success: true },
      { crmId: unknown, success: false },
      { crmId: 'not-an-id', success: false },
      { crmId: b, success: true },
    ])
    expect(answer.errors.map((e) => e.crmId), `update reports each unknown crmId in errors (rule: update, errors)`).toEqual([unknown, 'not-an-id'])
    for (const error of answer.errors) {
      expect(typeof error.error === 'string' && error.error.length > 0, `the error of ${error.crmId} says why (rule: update, errors)`).toBe(true)
      expect(typeof error.code, `the error of ${error.crmId} has a code (rule: update, errors)`).toBe('string')
    }
  })

  h.check(`${kind} update: fields change, a field left out stays`, async (ctx) => {
    const p = port(ctx)
    needs(ctx, usable(p).length > 0, `the ${kind} port declares no lookups: sync cannot read ${kind} back`)
    const tag = h.unique('merge')
    const candidates = spec.changes(tag)
    const changes = Object.entries(candidates).filter(([name]) => holds(p, name))
    needs(ctx, changes.length > 1 || undefined, `the ${kind} port holds fewer than two of ${Object.keys(candidates).join(', ')}`)
    const body = sampleRecord(p, kind, tag)
    const [crmId] = await exported([body])
    const [changed, newValue] = changes[0]!
    const { results } = await update([{ crmId, [changed]: newValue }])
    expect(results, `update of ${crmId} succeeds (rule: update)`).toEqual([{ crmId, success: true }])
    // Read back by the record's values as they now are (a change may be of a lookup, e.g. a name).
    const now = { ...body, [changed]: newValue }
    const properties = await readBack(now)
    expect(comparable(changed, properties[changed]), `update changes ${changed} (rule: update, ${changed})`).toEqual(comparable(changed, newValue))
    for (const [field, value] of Object.entries(body)) {
      if (field === 'externalId' || field === changed) continue
      expect(comparable(field, properties[field]), `a field left out of an update stays (rule: update merges, ${field})`).toEqual(comparable(field, value))
    }
    // A second update of another field keeps the first one's change.
    const [second, secondValue] = changes[1]!
    await update([{ crmId, [second]: secondValue }])
    const after = await readBack({ ...now, [second]: secondValue })
    expect(comparable(second, after[second]), `update changes ${second} (rule: update, ${second})`).toEqual(comparable(second, secondValue))
    expect(comparable(changed, after[changed]), `a field changed before and left out stays (rule: update merges, ${changed})`).toEqual(
      comparable(changed, newValue),
    )
  })

  h.check(`${kind} extra fields: kept and read back when the port keeps them, else dropped with an adapter warning; never an error`, async (ctx) => {
    const p = port(ctx)
    const kept = p.capabilities.keepsExtraFields || Object.hasOwn(h.connection.core.fieldMap[kind], EXTRA_FIELD)
    const body = { ...sampleRecord(p, kind, h.unique('extra')), [EXTRA_FIELD]: 'IN_PROGRESS' }
    const created = await h.warnings(() => exported([body]))
    const [crmId] = created.value
    const named = (warnings: typeof created.warnings) => warnings.filter((w) => w.type === 'unsupported').map((w) => w.field)
    if (kept) {
      expect(named(created.warnings), `an extra field the CRM keeps is not warned about (rule: extra fields kept, ${EXTRA_FIELD})`).not.toContain(EXTRA_FIELD)
      needs(ctx, usable(p).length > 0, `the ${kind} port declares no lookups: sync cannot read the extra field back`)
      expect((await readBack(body))[EXTRA_FIELD], `an extra field comes back in sync properties (rule: extra fields kept, ${EXTRA_FIELD})`).toBe('IN_PROGRESS')
      const changed = await update([{ crmId, [EXTRA_FIELD]: 'FINISHED' }])
      expect(changed.results, `update of an extra field succeeds (rule: extra fields kept, ${EXTRA_FIELD})`).toEqual([{ crmId, success: true }])
      expect((await readBack(body))[EXTRA_FIELD], `update changes an extra field (rule: extra fields kept, ${EXTRA_FIELD})`).toBe('FINISHED')
    } else {
      expect(named(created.warnings), `an export drops an extra field with an adapter warning naming it (rule: extra fields dropped, ${EXTRA_FIELD})`).toContain(
        EXTRA_FIELD,
      )
      const changed = await h.warnings(() => update([{ crmId, [EXTRA_FIELD]: 'FINISHED' }]))
      expect(changed.value.results, `update with an extra field succeeds (rule: extra fields dropped, ${EXTRA_FIELD})`).toEqual([{ crmId, success: true }])
      expect(named(changed.warnings), `an update drops an extra field with an adapter warning naming it (rule: extra fields dropped, ${EXTRA_FIELD})`).toContain(
        EXTRA_FIELD,
      )
      if (usable(p).length > 0) {
        expect(await readBack(body), `a dropped extra field is not in sync properties (rule: extra fields dropped, ${EXTRA_FIELD})`).not.toHaveProperty(EXTRA_FIELD)
      }
    }
  })

  h.check(`${kind} unsupported fields: dropped with an adapter warning naming each, never an error`, async (ctx) => {
    const p = port(ctx)
    const fields = needs(ctx, p.capabilities.unsupportedFields?.length ? p.capabilities.unsupportedFields : undefined, `the ${kind} port declares no unsupported fields`)
    const tag = h.unique('unsupported')
    const body = { ...sampleRecord(p, kind, tag) }
    for (const field of fields) {
      const lookup = spec.lookups.includes(field as Lookup) && field !== 'externalId'
      body[field] = field === 'numberOfEmployees' ? 42 : lookup ? spec.forms(field as Value, tag)[1] : `unsupported ${field}`
    }
    const { value, warnings } = await h.warnings(() => exported([body]))
    const [crmId] = value
    const named = warnings.filter((w) => w.type === 'unsupported').map((w) => w.field)
    for (const field of fields) expect(named, `an export drops ${field} with an adapter warning naming it (rule: unsupported fields, ${field})`).toContain(field)
    const changed = await h.warnings(() => update([{ crmId, ...Object.fromEntries(fields.map((field) => [field, body[field]])) }]))
    for (const field of fields) {
      expect(changed.warnings.map((w) => w.field), `an update drops ${field} with an adapter warning naming it (rule: unsupported fields, ${field})`).toContain(field)
    }
    if (usable(p).length > 0) {
      const properties = await readBack(body)
      for (const field of fields) expect(properties, `sync properties hold no ${field} (rule: unsupported fields, ${field})`).not.toHaveProperty(field)
    }
  })

  h.check(`${kind} links: a crmId's link redirects to the record's page, once learned, with no call to the CRM, whether the record exists or not`, async (ctx) => {
    const p = port(ctx)
    needs(ctx, p.linkTo, `the ${kind} port has no linkTo`)
    // Any id of the CRM's form: a link never asks whether its record exists.
    const native = h.missingId(kind)
    const url = `/links/${LINK_TOKEN}/${kind}/${encodeId(CONNECTION, native)}`
    // What links need is learned outside any request, when the gateway starts: wait for it.
    const until = Date.now() + 10_000
    let status = (await send('GET', url)).statusCode
    while (status !== 302 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = (await send('GET', url)).statusCode
    }
    expect(status, `a link redirects once the adapter has learned what it needs (rule: links): GET ${url}`).toBe(302)
    const before = h.target.seen?.().length
    const res = await send('GET', url)
    const location = String(res.headers.location)
    expect(location, 'a link is an http(s) URL (rule: links)').toMatch(/^https?:\/\/[^\s]+$/)
    expect(location, "a link names its record: the native id is in the URL (rule: links, the record's id)").toContain(encodeURIComponent(native))
    if (before !== undefined) expect(h.target.seen!().slice(before), 'a link makes no CRM call (rule: links)').toEqual([])
  })

  h.check(`${kind}: a crmId works as a task's ${spec.taskField} and comes back on the task`, async (ctx) => {
    const p = port(ctx)
    const tasks = needs(ctx, h.adapter.tasks, 'the adapter has no tasks port')
    const field = spec.taskField
    needs(ctx, !(tasks.capabilities.unsupportedFields ?? []).includes(field), `the task port declares ${field} unsupported`)
    const [first, second] = await exported([sampleRecord(p, kind, h.unique('task-ref')), sampleRecord(p, kind, h.unique('task-ref'))])
    const res = await send('POST', '/tasks', { subject: `with a ${singular}`, [field]: first })
    expect(res.statusCode, `a task with ${field} ${first} answers 201 (rule: references, ${field}): ${res.body}`).toBe(201)
    const task = res.json()
    expect(task[field], `a task made with ${field} ${first} gives it back (rule: references, ${field})`).toBe(first)
    expect((await send('GET', `/tasks/${task.id}`)).json()[field], `get gives the task's ${field} back (rule: references, ${field})`).toBe(first)
    const moved = await send('PATCH', `/tasks/${task.id}`, { [field]: second })
    if (tasks.capabilities.fixedFields?.includes(field)) {
      expect(moved.statusCode, `an edit of ${field} is refused where the CRM keeps a task where it was made: ${moved.body}`).toBe(422)
      expect(moved.json().message, `the refusal names ${field} (rule: references, ${field})`).toContain(field)
      expect((await send('GET', `/tasks/${task.id}`)).json()[field], `the refused edit leaves the task's ${field} as it was`).toBe(first)
      return
    }
    expect(moved.statusCode, `an edit of ${field} answers 200: ${moved.body}`).toBe(200)
    expect(moved.json()[field], `an edit moves the task to ${field} ${second} (rule: references, ${field})`).toBe(second)
  })
}
