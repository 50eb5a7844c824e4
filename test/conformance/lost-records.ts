import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { Lookup } from '../../src/kit/spec.ts'
import { decodeId } from '../../src/contract/ids.ts'
import { keyOf } from '../../src/service/matching.ts'
import { type Harness, foundWithin, needs, sleep } from './harness.ts'
import { type AnyRecordPort, type CreateAnswer, exportRecords, recordPort, sampleRecord, usableLookups } from './records.ts'
import type { RecordKind } from './target.ts'

const SINGULAR = { contacts: 'contact', companies: 'company' } as const
const KEY = { contacts: 'email', companies: 'domain' } as const
/** How long an export whose answer was lost is sent again, a moment apart, before the check gives
 * up: as Enginy would, faster. A CRM's search shows a new record within seconds. */
const RESEND_FOR_MS = 20_000
const RESEND_EVERY_MS = 250

/**
 * Contacts and companies whose create was applied by the CRM while its answer was lost (the
 * connection dropped): Enginy sends the export again, and the CRM must end up with one record,
 * whatever its lookups show and when. Where the port declares a `createdLookup`, that it finds
 * the record a create made and no other.
 */
export function describeLostRecordChecks(h: Harness, kind: RecordKind) {
  const singular = SINGULAR[kind]
  const call = () => ({ signal: AbortSignal.timeout(40_000), deadline: Date.now() + 40_000, warn: () => {} })
  /** The lookups that tell a check's records apart: externalId and the key, where declared. */
  const counting = (port: AnyRecordPort): Lookup[] => (['externalId', KEY[kind]] as const).filter((by) => usableLookups(port, kind).includes(by))
  const exportOf = (body: Record<string, unknown>) => h.send('POST', `/${kind}`, { [kind]: [body] })
  const native = (crmId: string) => decodeId(crmId)?.nativeId

  h.check(`${kind} lost creates: an export whose answer was lost, sent again until answered, makes one ${singular}`, async (ctx) => {
    const port = recordPort(h, ctx, kind)
    const lose = needs(ctx, h.target.loseNextCreate, "the target cannot make its CRM lose a create's answer")
    const lookups = needs(ctx, counting(port).length > 0 && counting(port), `the ${kind} port declares no lookup by externalId or ${KEY[kind]}: the check cannot count its ${kind}`)
    const body = sampleRecord(port, kind, h.unique('lost'))
    lose(kind)
    let last: LightMyRequestResponse = await exportOf(body)
    let crmId: string | undefined
    for (const until = Date.now() + RESEND_FOR_MS; ; await sleep(RESEND_EVERY_MS)) {
      expect(
        last.statusCode === 200 || last.statusCode >= 500,
        `an export whose earlier answer was lost answers 200, or a 5xx while the gateway cannot tell, never ${last.statusCode} (rule: lost creates): ${last.body}`,
      ).toBe(true)
      if (last.statusCode === 200) crmId = (last.json() as CreateAnswer).results.find((result) => result.externalId === body.externalId)?.crmId
      if (crmId !== undefined || Date.now() > until) break
      last = await exportOf(body)
    }
    expect(crmId, `the export, sent again, is answered with its ${singular} within ${RESEND_FOR_MS / 1000} s (rule: lost creates, answered): ${last.statusCode} ${last.body}`).toBeDefined()
    // Every record holding the export's externalId or key, once the lookups show the one answered
    // (a search may show a record late): one, the one answered.
    const holding = async () => {
      const found = await Promise.all(lookups.map(async (by) => (await port.doFind(by, [keyOf(body, by)!], call())).filter((record) => keyOf(record, by) === keyOf(body, by))))
      const ids = [...new Set(found.flat().map((record) => record.id))]
      return ids.includes(native(crmId!)!) ? ids : []
    }
    expect(
      await foundWithin(RESEND_FOR_MS, holding),
      `the CRM holds one ${singular} of the export whose answer was lost, the one answered (rule: lost creates, never a second ${singular})`,
    ).toEqual([native(crmId!)])
  })

  h.check(`${kind} lost creates: the created-record lookup finds the ${singular} a create made, and no other`, async (ctx) => {
    const port = recordPort(h, ctx, kind)
    const lookup = needs(ctx, port.createdLookup, `the ${kind} port declares no createdLookup: its lookups are trusted to show a ${singular} once it is made`)
    expect(lookup.settleMs, 'settleMs is a duration in milliseconds (rule: lost creates)').toBeGreaterThanOrEqual(0)
    const before = sampleRecord(port, kind, h.unique('lost-before'))
    await exportRecords(h, kind, [before])
    // Long enough for a CRM that stamps creation to the second.
    await sleep(1100)
    const createdAfter = Date.now()
    const body = sampleRecord(port, kind, h.unique('lost-made'))
    const [made] = await exportRecords(h, kind, [body])
    const find = async (input: Record<string, unknown>) => (await lookup.doFind({ input, createdAfter }, call())).map((record) => record.id)
    const found = await foundWithin(lookup.settleMs, () => find(body))
    expect(found, `the lookup finds the ${singular} of the create, once (rule: lost creates, lookup)`).toEqual([native(made!)])
    expect(await find(before), `a ${singular} made before the attempt is not its ${singular} (rule: lost creates, createdAfter)`).toEqual([])
    expect(await find(sampleRecord(port, kind, h.unique('never made'))), `nothing is found for a create that made nothing (rule: lost creates, lookup)`).toEqual([])
  })
}
