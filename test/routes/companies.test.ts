import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'

/** Companies as Enginy exports, syncs and updates them, on the memory adapter. */
describe('companies', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await testApp()
  })
  afterAll(() => app.close())

  const call = (method: 'POST' | 'PUT', url: string, payload: unknown) => app.inject({ method, url, headers, payload: payload as object })
  const exported = async (companies: object[]) => {
    const res = await call('POST', '/companies', { companies })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { results: { externalId: string; crmId: string }[]; errors: unknown[] }
  }

  it('never makes a second company for a domain it holds, however the domain is written', async () => {
    const { results } = await exported([
      { externalId: 'A-1', name: 'Acme', domain: 'https://www.Acme.com/about' },
      { externalId: 'A-2', domain: 'acme.com:443' },
    ])
    expect(results[1]!.crmId).toBe(results[0]!.crmId)
    const again = await exported([{ externalId: 'A-3', domain: 'HTTP://ACME.COM/' }])
    expect(again.results[0]!.crmId).toBe(results[0]!.crmId)
  })

  it('syncs by domain, then LinkedIn URL, then name, and leaves out the companies it does not hold', async () => {
    const { results } = await exported([
      { externalId: 'S-1', domain: 'globex.com' },
      { externalId: 'S-2', linkedinUrl: 'https://www.linkedin.com/company/initech/' },
      { externalId: 'S-3', name: 'Umbrella  Corp' },
    ])
    const res = await call('POST', '/companies/sync', {
      companies: [
        { externalId: 'E-1', domain: 'www.globex.com', name: 'Not the name' },
        { externalId: 'E-2', linkedinUrl: 'linkedin.com/company/Initech' },
        { externalId: 'E-3', name: ' umbrella corp ' },
        { externalId: 'E-4', domain: 'nowhere.example', name: 'Nobody Ltd' },
      ],
    })
    expect(res.json().results.map((r: { externalId: string; crmId: string }) => [r.externalId, r.crmId])).toEqual([
      ['E-1', results[0]!.crmId],
      ['E-2', results[1]!.crmId],
      ['E-3', results[2]!.crmId],
    ])
  })

  it('reads a headcount given as employeeCount or as a numeric string, and updates by crmId', async () => {
    const [company] = (await exported([{ externalId: 'H-1', domain: 'head.count', employeeCount: '120' }])).results
    const update = await call('PUT', '/companies', { companies: [{ crmId: company!.crmId, industry: 'Software', accountTier: 'Gold' }] })
    expect(update.json().results).toEqual([{ crmId: company!.crmId, success: true }])
    const [found] = (await call('POST', '/companies/sync', { companies: [{ externalId: 'H-1', domain: 'head.count' }] })).json().results
    expect(found.properties).toEqual({ domain: 'head.count', numberOfEmployees: 120, industry: 'Software', accountTier: 'Gold' })
  })

  it('refuses a headcount that is not a number with a 400 naming the field', async () => {
    const res = await call('POST', '/companies', { companies: [{ externalId: 'N-1', numberOfEmployees: 'many' }] })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('body/companies/0/numberOfEmployees')
  })

  it('refuses more companies than limits.maxBatchRecords with a 400 naming the limit', async () => {
    const small = await testApp({ limits: { maxBatchRecords: 2 } })
    try {
      const res = await small.inject({ method: 'POST', url: '/companies', headers, payload: { companies: [{ externalId: '1' }, { externalId: '2' }, { externalId: '3' }] } })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'BATCH_TOO_LARGE', message: 'body/companies must NOT have more than 2 items' })
    } finally {
      await small.close()
    }
  })
})
