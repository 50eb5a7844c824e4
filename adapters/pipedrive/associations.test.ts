import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PipedriveFake } from './fake/pipedrive.ts'
import { type PipedriveGateway, pipedriveGateway } from './fake/gateway.ts'
import { adapterOf } from '../../src/kit/testing.ts'

describe("pipedrive associations: a person's organization", () => {
  let fake: PipedriveFake
  let gw: PipedriveGateway
  beforeAll(async () => {
    fake = await PipedriveFake.start({ searchWindowMs: 200 })
    gw = await pipedriveGateway(fake, {}, 200)
  })
  afterEach(() => {
    expect(fake.violations, 'requests Pipedrive would refuse').toEqual([])
  })
  afterAll(async () => {
    await gw.close()
    await fake.close()
  })

  const made = async (kind: 'contacts' | 'companies', records: object[]) => {
    const res = await gw.send('POST', `/${kind}`, { [kind]: records })
    expect(res.json().errors).toEqual([])
    return (res.json().results as { crmId: string }[]).map((r) => r.crmId)
  }
  const link = async (pairs: [string, string][]) => {
    const res = await gw.send('POST', '/associations', { associations: pairs.map(([contactCRMId, companyCRMId]) => ({ contactCRMId, companyCRMId })) })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { created: number; errors: { contactCRMId: string; companyCRMId: string; code: string }[] }
  }
  const orgOf = (crmId: string) => fake.persons.records.get(Number(crmId.split('.')[1]))!.org_id
  const native = (crmId: string) => Number(crmId.split('.')[1])

  it('declares one company per contact', () => {
    expect(adapterOf(gw.app, 'pipedrive').associations!.capabilities).toEqual({ maxBatch: 100, oneCompanyPerContact: true })
  })

  it("sets the person's org_id; linking again is harmless and writes nothing", async () => {
    const [ana] = await made('contacts', [{ externalId: 'A-1', email: 'ana@link.example', firstName: 'Ana' }])
    const [acme] = await made('companies', [{ externalId: 'K-1', name: 'Acme Links', domain: 'acme-links.example' }])
    expect(await link([[ana!, acme!]])).toMatchObject({ created: 1, errors: [] })
    expect(orgOf(ana!)).toBe(native(acme!))
    fake.resetCounts()
    expect(await link([[ana!, acme!]])).toMatchObject({ created: 0, errors: [] })
    expect(fake.http.count('PATCH', /^\/api\/v2\/persons\/\d+$/), 'a pair that exists is not written again').toBe(0)
  })

  it('replaces the organization of a second association, with a warning; within one request the last pair wins', async () => {
    const [bo] = await made('contacts', [{ externalId: 'A-2', email: 'bo@link.example', firstName: 'Bo' }])
    const [first, second, third] = await made('companies', [
      { externalId: 'K-2', name: 'First Co', domain: 'first.example' },
      { externalId: 'K-3', name: 'Second Co', domain: 'second.example' },
      { externalId: 'K-4', name: 'Third Co', domain: 'third.example' },
    ])
    expect(await link([[bo!, first!]])).toMatchObject({ created: 1 })
    gw.warnings()
    expect(await link([[bo!, second!]])).toMatchObject({ created: 1, errors: [] })
    expect(orgOf(bo!), 'the latest association wins').toBe(native(second!))
    expect(gw.warnings()).toEqual([
      expect.objectContaining({
        type: 'compatibility',
        field: 'companyCRMId',
        message: `a Pipedrive person belongs to one organization: person ${native(bo!)} moved from organization ${native(first!)} to ${native(second!)}`,
      }),
    ])
    expect(await link([[bo!, third!], [bo!, first!]])).toMatchObject({ created: 2, errors: [] })
    expect(orgOf(bo!)).toBe(native(first!))
    expect(gw.warnings()).toHaveLength(2)
  })

  it('reports a pair whose person or organization Pipedrive does not hold, and links the others', async () => {
    const [cy] = await made('contacts', [{ externalId: 'A-3', email: 'cy@link.example', firstName: 'Cy' }])
    const [globex] = await made('companies', [{ externalId: 'K-5', name: 'Globex Links', domain: 'globex-links.example' }])
    const answer = await link([
      [cy!, 'pipedrive.999999'],
      ['pipedrive.999998', globex!],
      [cy!, globex!],
    ])
    expect(answer.created).toBe(1)
    expect(answer.errors.map((e) => [e.contactCRMId, e.companyCRMId])).toEqual([
      [cy, 'pipedrive.999999'],
      ['pipedrive.999998', globex],
    ])
    expect(orgOf(cy!)).toBe(native(globex!))
  })
})
