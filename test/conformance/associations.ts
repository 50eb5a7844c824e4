import { expect } from 'vitest'
import { encodeId } from '../../src/contract/ids.ts'
import { CONNECTION, type Harness, needs } from './harness.ts'
import { exportRecords, recordPort, sampleRecord } from './records.ts'

interface AssociateAnswer {
  success: boolean
  created: number
  errors: { contactCRMId: string; companyCRMId: string; error: string; code: string }[]
}

/** Contacts linked to companies, by the crmIds exports answered. */
export function describeAssociationChecks(h: Harness) {
  h.check('associations: created counted once, a repeated pair harmless, unknown ids in errors while the others are linked', async (ctx) => {
    needs(ctx, h.adapter.associations, 'the adapter has no associations port')
    const contacts = recordPort(h, ctx, 'contacts')
    const companies = recordPort(h, ctx, 'companies')
    const [c1, c2, c3] = await exportRecords(h, 'contacts', [0, 1, 2].map(() => sampleRecord(contacts, 'contacts', h.unique('linked'))))
    const [k1, k2] = await exportRecords(h, 'companies', [0, 1].map(() => sampleRecord(companies, 'companies', h.unique('linked'))))
    const link = async (pairs: [string, string][]) => {
      const res = await h.send('POST', '/associations', { associations: pairs.map(([contactCRMId, companyCRMId]) => ({ contactCRMId, companyCRMId })) })
      expect(res.statusCode, `associations answer 200: ${res.body}`).toBe(200)
      return res.json() as AssociateAnswer
    }

    // Several contacts may name one company; one pair is sent twice.
    const first = await link([
      [c1!, k1!],
      [c2!, k1!],
      [c1!, k1!],
    ])
    expect(first.errors, 'new pairs link without errors (rule: associations)').toEqual([])
    expect(first.created, 'two new pairs are created: 2, the pair repeated in the request counted once (rule: associations, created)').toBe(2)
    expect(first.success, 'success: the request was handled (rule: associations)').toBe(true)

    const again = await link([
      [c1!, k1!],
      [c2!, k1!],
    ])
    expect(again.errors, 'linking pairs again is no error (rule: associations, a repeated pair)').toEqual([])
    expect(again.created, 'linking pairs again creates none: created 0 (rule: associations, a repeated pair)').toBe(0)

    const missingCompany = encodeId(CONNECTION, h.missingId('companies'))!
    const missingContact = encodeId(CONNECTION, h.missingId('contacts'))!
    const mixed = await link([
      [c3!, missingCompany],
      [missingContact, k2!],
      ['not-an-id', k2!],
      [c3!, k2!],
    ])
    expect(mixed.success, 'success: unknown ids are reported per pair (rule: associations, unknown ids)').toBe(true)
    expect(mixed.created, 'the pairs of known records are linked beside the unknown ones: created 1 (rule: associations, unknown ids)').toBe(1)
    for (const [field, pair] of [
      ['companyCRMId', [c3, missingCompany]],
      ['contactCRMId', [missingContact, k2]],
      ['contactCRMId', ['not-an-id', k2]],
    ] as const) {
      const error = mixed.errors.find((e) => e.contactCRMId === pair[0] && e.companyCRMId === pair[1])
      expect(error, `a pair with an unknown ${field} ${field === 'contactCRMId' ? pair[0] : pair[1]} is reported in errors (rule: associations, unknown ${field})`).toBeDefined()
      expect(error!.error.length > 0 && typeof error!.code === 'string', `the error of a pair with an unknown ${field} says why (rule: associations, errors)`).toBe(true)
    }
    expect(mixed.errors, 'only the pairs with unknown ids are in errors (rule: associations, unknown ids)').toHaveLength(3)
  })
}
