import { expect } from 'vitest'
import type { ReferencePort } from '../../src/kit/spec.ts'
import { decodeId, encodeId } from '../../src/contract/ids.ts'
import { CONNECTION, type Harness, needs } from './harness.ts'
import { exportRecords, recordPort, sampleRecord } from './records.ts'

/** Values of a task's or an activity's references, as native ids of the connection. */
export interface References {
  readonly ownerId: string
  readonly contactId: string
  readonly companyId: string
}

const made = new WeakMap<Harness, Promise<References>>()

/**
 * References the CRM accepts: the target's own (`refs`); else, where the adapter checks them
 * (a `references` port), a contact and a company exported for the purpose and the first user it
 * lists; else any value. Made once per run of the suite.
 */
export function acceptedReferences(h: Harness): Promise<References> {
  let references = made.get(h)
  if (!references) {
    references = makeReferences(h)
    made.set(h, references)
  }
  return references
}

async function makeReferences(h: Harness): Promise<References> {
  const given = { ownerId: h.target.refs?.ownerId ?? 'owner-1', contactId: h.target.refs?.contactId ?? 'contact-1', companyId: h.target.refs?.companyId ?? 'company-1' }
  if (h.target.refs || !h.adapter.references) return given
  const native = (crmId: string) => decodeId(crmId)?.nativeId ?? crmId
  const exported = async (kind: 'contacts' | 'companies') => {
    const port = h.adapter[kind]
    return port ? native((await exportRecords(h, kind, [sampleRecord(port, kind, h.unique('reference'))]))[0]!) : undefined
  }
  const users = h.adapter.users ? ((await h.send('GET', '/users')).json() as { id: string }[]) : []
  return {
    ownerId: users[0] ? native(users[0].id) : given.ownerId,
    contactId: (await exported('contacts')) ?? given.contactId,
    companyId: (await exported('companies')) ?? given.companyId,
  }
}

/**
 * Where the adapter declares a `references` port: it tells the records that do not exist from those
 * that do, and the gateway refuses a write naming a missing one with a 422 naming the field, writing
 * nothing.
 */
export function describeReferenceChecks(h: Harness) {
  const port = (ctx: Parameters<typeof needs>[0]): ReferencePort => needs(ctx, h.adapter.references, 'the adapter declares no references port')
  const call = () => ({ signal: AbortSignal.timeout(15_000), deadline: Date.now() + 15_000, warn: () => {} })

  h.check('references: the port names the records that do not exist, and only those', async (ctx) => {
    const references = port(ctx)
    const contacts = recordPort(h, ctx, 'contacts')
    const companies = recordPort(h, ctx, 'companies')
    const [contact] = await exportRecords(h, 'contacts', [sampleRecord(contacts, 'contacts', h.unique('exists'))])
    const [company] = await exportRecords(h, 'companies', [sampleRecord(companies, 'companies', h.unique('exists'))])
    const existing = { contacts: [decodeId(contact!)!.nativeId], companies: [decodeId(company!)!.nativeId] }
    const absent = await references.doFindMissing(
      { contacts: [...existing.contacts, h.missingId('contacts')], companies: [...existing.companies, h.missingId('companies')] },
      call(),
    )
    expect(absent.contacts ?? [], 'a contact that does not exist is named, one that exists is not (rule: references, contacts)').toEqual([h.missingId('contacts')])
    expect(absent.companies ?? [], 'a company that does not exist is named, one that exists is not (rule: references, companies)').toEqual([h.missingId('companies')])
    const users = h.adapter.users ? ((await h.send('GET', '/users')).json() as { id: string }[]) : []
    if (users[0]) {
      const owner = decodeId(users[0].id)?.nativeId ?? users[0].id
      const nobody = h.unique('nobody')
      // Owners are checked where the adapter can do it cheaply: a listed user is never named.
      const owners = await references.doFindMissing({ owners: [owner, nobody] }, call())
      expect(owners.owners ?? [], 'a listed user is never named missing (rule: references, owners)').not.toContain(owner)
    }
  })

  h.check('references: a task or an activity naming a missing contact or company is a 422 naming the field, and writes nothing', async (ctx) => {
    port(ctx)
    for (const field of ['contactId', 'companyId'] as const) {
      const missing = encodeId(CONNECTION, h.missingId(field === 'contactId' ? 'contacts' : 'companies'))!
      if (h.adapter.tasks && !(h.adapter.tasks.capabilities.unsupportedFields ?? []).includes(field)) {
        const subject = h.unique('refused')
        const res = await h.send('POST', '/tasks', { subject, [field]: missing })
        expect(res.statusCode, `a task naming a missing record as ${field} answers 422 (rule: references, ${field}): ${res.body}`).toBe(422)
        expect(res.json(), `the 422 names the field (rule: references, ${field})`).toMatchObject({
          code: 'REFERENCE_NOT_FOUND',
          message: expect.stringContaining(`body/${field} `),
        })
        const lookup = h.adapter.tasks.createdLookup
        if (lookup) {
          const found = await lookup.doFind({ input: { subject }, createdAfter: Date.now() - 60_000 }, call())
          expect(found, `the refused task was not created (rule: references, ${field})`).toEqual([])
        }
      }
      if (h.adapter.activities) {
        const messageId = h.unique('refused')
        const res = await h.send('POST', '/activities', { type: 'EMAIL', [field]: missing, metadata: { messageId } })
        expect(res.statusCode, `an activity naming a missing record as ${field} answers 422 (rule: references, ${field}): ${res.body}`).toBe(422)
        const after = await h.send('POST', '/activities', { type: 'EMAIL', metadata: { messageId } })
        expect(after.statusCode, `the refused activity was not logged: its message id is new (rule: references, ${field})`).toBe(201)
      }
    }
  })
}
