import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { createMemoryAdapter } from '../../adapters/memory/index.ts'
import type { AdapterV2, AssociationPair } from '../../src/kit/spec.ts'
import { headers, testApp } from '../helpers/app.ts'

/**
 * A request that names a pair more than once: the adapter is asked to link it once, and every
 * repeat is answered as the first would be again (`existed`), so a CRM that counts or refuses a
 * second link (a duplicate-key error) never sees one.
 */
describe('repeated association pairs', () => {
  let app: FastifyInstance
  const sent: AssociationPair[][] = []
  const registry: AdapterRegistry = {
    memory: async () => ({
      options: Type.Object({}),
      create: (): AdapterV2 => {
        const inner = createMemoryAdapter()
        const associations = inner.associations!
        return {
          ...inner,
          associations: {
            capabilities: associations.capabilities,
            doAssociate: (pairs, options) => {
              sent.push([...pairs])
              return associations.doAssociate(pairs, options)
            },
          },
        }
      },
    }),
  }

  const post = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, headers, payload: payload as object })
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  let contacts: string[]
  let company: string
  beforeAll(async () => {
    app = await testApp({ connections: { crm: { adapter: 'memory' } }, registry })
    contacts = (await post('/contacts', { contacts: [{ externalId: 'P-1', email: 'a@acme.example' }, { externalId: 'P-2', email: 'b@acme.example' }] })).results.map(
      (result: { crmId: string }) => result.crmId,
    )
    company = (await post('/companies', { companies: [{ externalId: 'C-1', name: 'Acme', domain: 'acme.example' }] })).results[0].crmId
  })
  afterAll(() => app.close())

  it('sends each pair once and answers its repeats as already linked', async () => {
    const [first, second] = contacts as [string, string]
    const answer = await post('/associations', {
      associations: [
        { contactCRMId: first, companyCRMId: company },
        { contactCRMId: second, companyCRMId: company },
        { contactCRMId: first, companyCRMId: company },
        { contactCRMId: first, companyCRMId: company },
      ],
    })
    expect(answer).toEqual({ success: true, created: 2, errors: [] })
    expect(sent).toHaveLength(1)
    expect(sent[0]!.map((pair) => `${pair.contactId}/${pair.companyId}`)).toEqual([
      `${first.split('.')[1]}/${company.split('.')[1]}`,
      `${second.split('.')[1]}/${company.split('.')[1]}`,
    ])
  })

  it('answers the repeats of a pair that failed with the same error, asking once', async () => {
    sent.length = 0
    const [first] = contacts as [string]
    const unknown = `${company.split('.')[0]}.${'A'.repeat(22)}`
    const answer = await post('/associations', {
      associations: [
        { contactCRMId: first, companyCRMId: unknown },
        { contactCRMId: first, companyCRMId: unknown },
      ],
    })
    expect(answer.created).toBe(0)
    expect(answer.errors).toHaveLength(2)
    expect(answer.errors[1]).toEqual(answer.errors[0])
    expect(sent.flat()).toHaveLength(1)
  })
})
