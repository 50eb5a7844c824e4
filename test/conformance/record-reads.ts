import { expect } from 'vitest'
import { chunks } from '../../src/tools/chunks.ts'
import type { Harness } from './harness.ts'
import { type SyncAnswer, comparable, exportRecords, recordPort, sampleRecord, usableLookups } from './records.ts'
import type { RecordKind } from './target.ts'

/** A page of a CRM's answers where the target names none. */
const DEFAULT_PAGE = 100
/** Records asked for from each end of those made: the oldest and the newest. */
const ASKED_FROM_EACH_END = 10
/** An export carries at most 100 records (Enginy's contacts page). */
const EXPORT_MAX = 100

/**
 * Syncs as Enginy sends them, against a CRM that holds more records than one of its pages: each
 * answer must be the record asked for, with its own fields, whatever order the CRM answers in. A
 * read that labels the CRM's answers by their position, or that lists the CRM's first page instead
 * of the records asked for (a filter the CRM does not know), answers other records, or none.
 */
export function describeRecordReadChecks(h: Harness, kind: RecordKind) {
  h.check(`${kind} sync: more ${kind} than one page of the CRM, asked in another order than made: each the record asked for, with its fields`, async (ctx) => {
    const port = recordPort(h, ctx, kind)
    if (usableLookups(port, kind).length === 0) ctx.skip(`the ${kind} port declares no lookups`)
    const page = h.target.pageSize ?? DEFAULT_PAGE
    const tag = h.unique('page')
    const bodies = Array.from({ length: page + 2 * ASKED_FROM_EACH_END }, (_, i) => sampleRecord(port, kind, `${tag}-${i}`))
    const crmIds: string[] = []
    for (const part of chunks(bodies, EXPORT_MAX)) crmIds.push(...(await exportRecords(h, kind, part)))
    // The newest first, each followed by one of the oldest: no order a CRM lists records in.
    const newest = bodies.map((_, i) => i).slice(-ASKED_FROM_EACH_END).reverse()
    const asked = newest.flatMap((i, n) => [i, n])
    const res = await h.send('POST', `/${kind}/sync`, { [kind]: asked.map((i) => bodies[i]) })
    expect(res.statusCode, `a sync of ${asked.length} of ${bodies.length} ${kind} answers 200: ${res.body}`).toBe(200)
    const answer = res.json() as SyncAnswer
    expect(answer.errors, `a sync of ${kind} the CRM holds answers no errors (rule: sync)`).toEqual([])
    expect(
      answer.results.map((result) => result.externalId),
      `a sync of ${kind} among ${bodies.length} answers each asked for, once, in request order (rule: sync, batch read)`,
    ).toEqual(asked.map((i) => bodies[i]!.externalId))
    for (const [n, i] of asked.entries()) {
      const result = answer.results[n]
      if (!result) continue
      expect(result.crmId, `sync answers ${bodies[i]!.externalId} with its own crmId, the one its export answered (rule: sync, batch read, crmId)`).toBe(crmIds[i])
      for (const [field, value] of Object.entries(bodies[i]!)) {
        if (field === 'externalId') continue
        expect(
          comparable(field, result.properties[field]),
          `sync answers ${bodies[i]!.externalId} with its own ${field} (rule: sync, batch read, fields)`,
        ).toEqual(comparable(field, value))
      }
    }
  })
}
