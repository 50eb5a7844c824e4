import { expect } from 'vitest'
import type { NativeActivityInput } from '../../src/kit/spec.ts'
import { decodeId, encodeId } from '../../src/contract/ids.ts'
import { CONNECTION, type Harness, foundWithin, needs, sleep } from './harness.ts'
import { exportRecords, recordPort, sampleRecord } from './records.ts'
import { acceptedReferences } from './references.ts'
import { ONE_DATE_FORM } from './tasks.ts'

/** Campaign messages logged as CRM activities. */
export function describeActivityChecks(h: Harness) {
  /** Where the CRM keeps activities only on records (`needsRecord`), one that names none is
   * logged on the reference contact: the checks below are of other rules. */
  const onRecord = async (body: Record<string, unknown>) => {
    if (!h.adapter.activities?.needsRecord || body.contactId !== undefined || body.companyId !== undefined) return body
    const { contactId } = await acceptedReferences(h)
    return { ...body, contactId: encodeId(CONNECTION, contactId) ?? contactId }
  }
  const log = async (body: Record<string, unknown>) => h.send('POST', '/activities', await onRecord(body))
  const constraints = () => h.target.constraints ?? {}
  /** Puts the contact on the company, where the CRM links an activity to a contact on the company it names only. */
  const onCompany = async (contactCRMId: string | undefined, companyCRMId: string | undefined) => {
    if (!constraints().contactOnCompany || !contactCRMId || !companyCRMId) return
    const res = await h.send('POST', '/associations', { associations: [{ contactCRMId, companyCRMId }] })
    expect(res.statusCode, `the contact is put on the company first: ${res.body}`).toBe(200)
  }
  const message = (metadata?: Record<string, unknown>) => ({
    type: 'EMAIL',
    direction: 'OUTBOUND',
    subject: '[1/3] [FROM Acme] Ana Ruiz',
    body: '<p>Hi Ana, &amp; welcome</p>',
    occurredAt: '2025-03-02T10:15:00+01:00',
    ...(metadata && { metadata }),
  })

  h.check('activities: 201 with an id; the same metadata.messageId again is 200 with the same id; without one, two creates are two', async (ctx) => {
    needs(ctx, h.adapter.activities, 'the adapter has no activities port')
    const messageId = h.unique('message')
    const first = await log(message({ messageId, sequenceIndex: 1, sequenceMessageCount: 3 }))
    expect(first.statusCode, `a new activity answers 201 (rule: activities, created): ${first.body}`).toBe(201)
    const activity = first.json()
    expect(activity.id, 'the activity has an id of at most 128 unreserved characters (rule: activities, id)').toMatch(/^[A-Za-z0-9._~-]{1,128}$/)
    expect(activity.occurredAt, 'occurredAt comes back in UTC, to the second (rule: activities, occurredAt)').toBe('2025-03-02T09:15:00Z')
    const now = await log({ type: 'EMAIL', direction: 'OUTBOUND', subject: 'occurredAt left out' })
    expect(now.json().occurredAt, 'occurredAt left out is now, in the one date form (rule: dates)').toMatch(ONE_DATE_FORM)

    const again = await log(message({ messageId, sequenceIndex: 1, sequenceMessageCount: 3 }))
    expect(again.statusCode, `the same metadata.messageId again answers 200: logged once (rule: activities, messageId): ${again.body}`).toBe(200)
    expect(again.json().id, "the same metadata.messageId again answers the first activity's id (rule: activities, messageId)").toBe(activity.id)

    const numeric = 700_000_000 + Math.floor(Math.random() * 100_000_000)
    const asNumber = await log(message({ messageId: numeric }))
    expect(asNumber.statusCode, `a new numeric messageId answers 201 (rule: activities, created): ${asNumber.body}`).toBe(201)
    const asNumberAgain = await log(message({ messageId: numeric }))
    expect(asNumberAgain.statusCode, 'the same numeric metadata.messageId again answers 200 (rule: activities, messageId)').toBe(200)
    expect(asNumberAgain.json().id, 'the same numeric metadata.messageId again answers the first id (rule: activities, messageId)').toBe(asNumber.json().id)

    const together = h.unique('message')
    const atOnce = await Promise.all([log(message({ messageId: together })), log(message({ messageId: together }))])
    expect(atOnce.map((res) => res.statusCode).sort(), 'one messageId sent twice at once is logged once: 200 and 201 (rule: activities, messageId)').toEqual([200, 201])
    expect(atOnce[0]!.json().id, 'one messageId sent twice at once answers one id (rule: activities, messageId)').toBe(atOnce[1]!.json().id)

    const plain = [await log(message()), await log(message())]
    expect(plain.map((res) => res.statusCode), 'without a messageId, each create answers 201 (rule: activities, no messageId)').toEqual([201, 201])
    expect(plain[0]!.json().id, 'without a messageId, two creates are two activities (rule: activities, no messageId)').not.toBe(plain[1]!.json().id)
  })

  h.check('activities: where the CRM keeps activities only on records, one naming neither a contact nor a company is a 422 naming contactId', async (ctx) => {
    const port = needs(ctx, h.adapter.activities, 'the adapter has no activities port')
    needs(ctx, port.needsRecord, 'the activity port keeps activities without a record')
    const seen = h.target.seen?.().length
    const res = await h.send('POST', '/activities', message({ messageId: h.unique('message') }))
    expect(res.statusCode, `an activity naming no record answers 422 (rule: activities, needs a record): ${res.body}`).toBe(422)
    expect(res.json().message, 'the 422 names contactId (rule: activities, needs a record)').toMatch(/contactId/)
    if (seen !== undefined) expect(h.target.seen!().slice(seen), 'an activity naming no record makes no CRM call (rule: activities, needs a record)').toEqual([])
    const logged = await log(message({ messageId: h.unique('message') }))
    expect(logged.statusCode, `the same kind of message naming a contact is logged: ${logged.body}`).toBe(201)
  })

  h.check("activities: a contact's and a company's crmId work as contactId and companyId and come back", async (ctx) => {
    needs(ctx, h.adapter.activities, 'the adapter has no activities port')
    const contacts = recordPort(h, ctx, 'contacts')
    const companies = recordPort(h, ctx, 'companies')
    const [contactId] = await exportRecords(h, 'contacts', [sampleRecord(contacts, 'contacts', h.unique('activity'))])
    const [companyId] = await exportRecords(h, 'companies', [sampleRecord(companies, 'companies', h.unique('activity'))])
    await onCompany(contactId, companyId)
    const res = await log({ ...message({ messageId: h.unique('message') }), contactId, companyId })
    expect(res.statusCode, `an activity with contactId and companyId answers 201: ${res.body}`).toBe(201)
    expect(res.json().contactId, "the activity gives the contact's crmId back (rule: activities, contactId)").toBe(contactId)
    expect(res.json().companyId, "the activity gives the company's crmId back (rule: activities, companyId)").toBe(companyId)
  })

  h.check('activities: the contact and company an activity names are the ones the CRM links it to, as read back from the CRM', async (ctx) => {
    const port = needs(ctx, h.adapter.activities, 'the adapter has no activities port')
    const readBack = needs(
      ctx,
      port.doFindByMessageId ?? port.createdLookup,
      'the activity port can read no activity back (neither doFindByMessageId nor createdLookup): what the CRM links it to cannot be seen',
    )
    const contacts = recordPort(h, ctx, 'contacts')
    const companies = recordPort(h, ctx, 'companies')
    const [contactId, otherContactId] = await exportRecords(h, 'contacts', [0, 1].map(() => sampleRecord(contacts, 'contacts', h.unique('linked-activity'))))
    const [companyId] = await exportRecords(h, 'companies', [sampleRecord(companies, 'companies', h.unique('linked-activity'))])
    await onCompany(contactId, companyId)
    const native = (crmId: string) => decodeId(crmId)!.nativeId
    const messageId = h.unique('message')
    const body = { ...message({ messageId }), subject: h.unique('[1/1] linked'), occurredAt: '2025-06-07T08:09:10Z', contactId, companyId }
    // A CRM that stamps creation to the second may stamp this one a second early.
    const createdAfter = Date.now() - 1000
    const res = await log(body)
    expect(res.statusCode, `an activity with contactId and companyId answers 201: ${res.body}`).toBe(201)
    const options = { signal: AbortSignal.timeout(40_000), deadline: Date.now() + 40_000, warn: () => {} }
    if (readBack === port.doFindByMessageId) {
      const held = await port.doFindByMessageId(messageId, options)
      expect(held?.contactId, 'the activity the CRM holds (found by its message id) is linked to the contact named (rule: activities, contactId resolves)').toBe(native(contactId!))
      expect(held?.companyId, 'the activity the CRM holds (found by its message id) is linked to the company named (rule: activities, companyId resolves)').toBe(native(companyId!))
      return
    }
    const lookup = port.createdLookup!
    const input: NativeActivityInput = {
      type: body.type,
      direction: 'OUTBOUND',
      subject: body.subject,
      body: body.body,
      occurredAt: Date.parse(body.occurredAt),
      contactId: native(contactId!),
      companyId: native(companyId!),
    }
    const found = await foundWithin(lookup.settleMs, () => lookup.doFind({ input, createdAfter }, options))
    expect(
      found.map((activity) => encodeId(CONNECTION, activity.id)),
      'the CRM links the activity to the contact and company named: the lookup by them finds it (rule: activities, references resolve)',
    ).toEqual([res.json().id])
    const elsewhere = await lookup.doFind({ input: { ...input, contactId: native(otherContactId!) }, createdAfter }, options)
    expect(elsewhere, 'the CRM does not link the activity to another contact (rule: activities, contactId resolves)').toEqual([])
  })

  h.check('activities: lost creates: the created-activity lookup finds the activity a create made, and no other', async (ctx) => {
    const port = needs(ctx, h.adapter.activities, 'the adapter has no activities port')
    const lookup = needs(ctx, port.createdLookup, 'the activity port declares no createdLookup (or finds messages by their id): a message whose create ended in doubt is answered 503')
    expect(lookup.settleMs, 'settleMs is a duration in milliseconds (rule: lost activities)').toBeGreaterThanOrEqual(0)
    const refs: { contactId?: string; companyId?: string } = {}
    for (const [field, kind] of [
      ['contactId', 'contacts'],
      ['companyId', 'companies'],
    ] as const) {
      const records = h.adapter[kind]
      if (records) [refs[field]] = await exportRecords(h, kind, [sampleRecord(records, kind, h.unique('lost-activity'))])
    }
    await onCompany(refs.contactId, refs.companyId)
    const subject = h.unique('[1/2] lost')
    const body = { ...message(), subject, occurredAt: '2025-05-06T07:08:09Z', ...refs }
    const logged = async (sent: Record<string, unknown>) => {
      const res = await log(sent)
      expect(res.statusCode, `a new activity answers 201: ${res.body}`).toBe(201)
      return res.json().id as string
    }
    const before = await logged(body)
    // Long enough for a CRM that stamps creation to the second.
    await sleep(1100)
    const createdAfter = Date.now()
    const made = await logged(body)
    const other = await logged({ ...body, body: '<p>Another message, the same minute</p>' })
    const input: NativeActivityInput = {
      type: body.type,
      direction: 'OUTBOUND',
      subject,
      body: body.body,
      occurredAt: Date.parse(body.occurredAt),
      ...(refs.contactId && { contactId: decodeId(refs.contactId)!.nativeId }),
      ...(refs.companyId && { companyId: decodeId(refs.companyId)!.nativeId }),
    }
    const options = { signal: AbortSignal.timeout(40_000), deadline: Date.now() + 40_000, warn: () => {} }
    const ids = (await foundWithin(lookup.settleMs, () => lookup.doFind({ input, createdAfter }, options))).map((activity) => encodeId(CONNECTION, activity.id))
    expect(ids, 'the lookup finds the activity of the create, once (rule: lost activities)').toEqual([made])
    expect(ids, 'an activity with the same fields logged before the attempt is not its activity (rule: lost activities, createdAfter)').not.toContain(before)
    expect(ids, 'an activity with another body is not its activity (rule: lost activities, body)').not.toContain(other)
    const none = await lookup.doFind({ input: { ...input, subject: h.unique('never logged') }, createdAfter }, options)
    expect(none, 'nothing is found for a message that was never logged (rule: lost activities)').toEqual([])
  })
}
