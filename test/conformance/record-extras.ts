import { expect } from 'vitest'
import { type Harness, needs } from './harness.ts'
import { type SyncAnswer, exportRecords, recordPort, sampleRecord, usableLookups } from './records.ts'
import type { RecordKind } from './target.ts'

/** Enginy's standard fields of each kind (`docs/contract.md`): a fieldMap entry of one of these
 * says where the adapter keeps it, not an extra field. */
const STANDARD: Record<RecordKind, readonly string[]> = {
  contacts: ['externalId', 'email', 'firstName', 'lastName', 'phone', 'company', 'title', 'linkedinUrl', 'ownerId'],
  companies: ['externalId', 'name', 'domain', 'industry', 'numberOfEmployees', 'employeeCount', 'linkedinUrl', 'ownerId'],
}

/**
 * Extra fields the connection's `fieldMap` names (engagement fields, in a field of the CRM the
 * customer made for them): each written on export, read back by sync under Enginy's name, changed
 * by update; never dropped, and never warned about, whether the port keeps other extra fields or not.
 */
export function describeRecordExtraChecks(h: Harness, kind: RecordKind) {
  h.check(`${kind} fieldMap'd extra fields: each written to the field fieldMap names, read back by sync, changed by update`, async (ctx) => {
    const port = recordPort(h, ctx, kind)
    const mapped = Object.keys(h.connection.core.fieldMap[kind]).filter((field) => !STANDARD[kind].includes(field))
    needs(ctx, mapped.length > 0, `the connection's fieldMap names no extra ${kind} field`)
    needs(ctx, usableLookups(port, kind).length > 0, `the ${kind} port declares no lookups: sync cannot read the fields back`)
    const tag = h.unique('mapped')
    const values = (round: string) => Object.fromEntries(mapped.map((field) => [field, `${round} ${field} ${tag}`]))
    const body = { ...sampleRecord(port, kind, tag), ...values('written') }
    const readBack = async () => {
      const res = await h.send('POST', `/${kind}/sync`, { [kind]: [body] })
      expect(res.statusCode, `sync of ${kind} answers 200: ${res.body}`).toBe(200)
      const [found] = (res.json() as SyncAnswer).results
      expect(found?.externalId, `sync finds the record ${body.externalId} again`).toBe(body.externalId)
      return found!.properties
    }
    const created = await h.warnings(() => exportRecords(h, kind, [body]))
    const [crmId] = created.value
    const warned = created.warnings.flatMap((warning) => (warning.field && mapped.includes(warning.field) ? [warning.field] : []))
    expect(warned, `an extra field fieldMap names is stored, not dropped with a warning (rule: extra fields, fieldMap)`).toEqual([])
    const written = await readBack()
    for (const field of mapped) {
      expect(written[field], `an extra field fieldMap names comes back in sync properties as written (rule: extra fields, fieldMap, ${field})`).toBe(values('written')[field])
    }
    const res = await h.send('PUT', `/${kind}`, { [kind]: [{ crmId, ...values('changed') }] })
    expect(res.statusCode, `update of ${kind} answers 200: ${res.body}`).toBe(200)
    expect(res.json().results, `an update of extra fields fieldMap names succeeds (rule: extra fields, fieldMap)`).toEqual([{ crmId, success: true }])
    const changed = await readBack()
    for (const field of mapped) {
      expect(changed[field], `an update changes an extra field fieldMap names (rule: extra fields, fieldMap, ${field})`).toBe(values('changed')[field])
    }
  })
}
