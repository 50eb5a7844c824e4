import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallOptions } from '../../src/kit/spec.ts'
import { PIPEDRIVE_COMPANY_DOMAIN, PIPEDRIVE_FIELDS, PIPEDRIVE_TOKEN, PipedriveFake } from './fake/pipedrive.ts'
import { PIPEDRIVE_FIELD_MAP, type PipedriveGateway, pipedriveGateway } from './fake/gateway.ts'
import { adapterOf, LINK_TOKEN, testApp, waitFor } from '../../src/kit/testing.ts'

const ME = '/api/v1/users/me'

const options = (probe = false): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {}, probe })

describe('pipedrive account: users, links, the fieldMap check', () => {
  let fake: PipedriveFake
  let gw: PipedriveGateway
  beforeAll(async () => {
    fake = await PipedriveFake.start()
    gw = await pipedriveGateway(fake)
  })
  afterAll(async () => {
    expect(fake.violations).toEqual([])
    await gw.close()
    await fake.close()
  })
  const adapter = (gateway = gw) => adapterOf(gateway.app, 'pipedrive')

  it('lists the active users only, from v1 /users', async () => {
    const res = await gw.send('GET', '/users')
    expect(res.json()).toEqual([
      { id: 'pipedrive.1001', name: 'Ana Admin', email: 'ana@enginy-sandbox.example' },
      { id: 'pipedrive.1002', name: 'Bo Seller', email: 'bo@enginy-sandbox.example' },
    ])
  })

  it("links to a person's and an organization's page under the company domain, learned from /users/me outside any request, with back-off while it fails", async () => {
    fake.resetCounts()
    const healthy = fake.http.handler
    let failing = true
    fake.http.handler = (request) => (failing && request.path === ME ? { status: 500, body: { success: false, error: 'Internal server error' } } : healthy(request))
    const linked = await testApp({
      connections: { pipedrive: { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, retry: { maxRetries: 1, minDelayMs: 5, maxDelayMs: 20 } } },
      auth: { linkTokens: LINK_TOKEN },
    })
    try {
      await waitFor(() => fake.http.requests.some((r) => r.path === ME && r.status === 500))
      const refused = await Promise.all(['contacts/pipedrive.31', 'companies/pipedrive.41'].map((path) => linked.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/${path}` })))
      expect(refused.map((res) => res.statusCode), 'no link until the domain is known').toEqual([404, 404])
      failing = false
      await waitFor(async () => (await linked.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/contacts/pipedrive.31` })).statusCode === 302)
      const links = await Promise.all(
        ['contacts/pipedrive.31', 'companies/pipedrive.41', 'contacts/pipedrive.999999'].map((path) => linked.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/${path}` })),
      )
      expect(links.map((res) => [res.statusCode, res.headers.location])).toEqual([
        [302, `https://${PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com/person/31`],
        [302, `https://${PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com/organization/41`],
        [302, `https://${PIPEDRIVE_COMPANY_DOMAIN}.pipedrive.com/person/999999`],
      ])
      expect((await linked.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/contacts/pipedrive.abc` })).statusCode, 'not a person id').toBe(404)
      const calls = fake.http.requests.map((r) => `${r.method} ${r.path} ${r.status}`)
      expect(new Set(calls), 'only the reads of /users/me, whatever the number of links, and none about the records').toEqual(new Set([`GET ${ME} 500`, `GET ${ME} 200`]))
      expect(calls.filter((call) => call.endsWith('200')), 'read until it answered, then no more').toHaveLength(1)
      expect(calls.length, 'one read per try of the back-off').toBeLessThanOrEqual(4)

      // A readiness check reads /users/me too; one that fails keeps the domain links use.
      failing = true
      const adapter = adapterOf(linked, 'pipedrive')
      await expect(adapter.doCheck!(options(true))).rejects.toThrow()
      expect((await linked.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/companies/pipedrive.41` })).statusCode).toBe(302)
    } finally {
      fake.http.handler = healthy
      await linked.close()
    }
  })

  it('takes the company domain from the connection when given, without a call', async () => {
    const configured = await testApp({
      connections: { pipedrive: { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url, companyDomain: 'acme-eu' } },
      auth: { linkTokens: LINK_TOKEN },
    })
    try {
      fake.resetCounts()
      expect(adapterOf(configured, 'pipedrive').doLearnLinks, 'nothing to learn').toBeUndefined()
      const res = await configured.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/companies/pipedrive.41` })
      expect(res.headers.location).toBe('https://acme-eu.pipedrive.com/organization/41')
      expect(fake.http.requests).toHaveLength(0)
    } finally {
      await configured.close()
    }
  })

  it('checks every fieldMap key against the account fields, and readiness probes read them only once', async () => {
    fake.resetCounts()
    await adapter().doCheck!(options(true))
    await adapter().doCheck!(options(true))
    expect(fake.http.requests.map((r) => r.path)).toEqual(['/api/v1/users/me', '/api/v1/personFields', '/api/v1/organizationFields', '/api/v1/users/me'])
    expect(fake.tokens, 'users/me twice (2 each), each field list once (20 each)').toBe(44)
  })

  it('names each fieldMap key the account does not have, and a lookup field search cannot read', async () => {
    const wrong = await pipedriveGateway(fake, {
      fieldMap: {
        contacts: { ...PIPEDRIVE_FIELD_MAP.contacts, linkedinUrl: PIPEDRIVE_FIELDS.personBirthdayish, score: 'f'.repeat(40) },
        companies: { domain: 'e'.repeat(40) },
      },
    })
    try {
      await expect(adapter(wrong).doCheck!(options())).rejects.toThrow(
        [
          'config: connections.pipedrive: fieldMap.contacts.linkedinUrl: the person field "First contact" (a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4) is of type date, which Pipedrive\'s search cannot read; make it a text field',
          `fieldMap.contacts.score: Pipedrive has no person field with the key "${'f'.repeat(40)}" (the keys are in Settings → Data fields, or GET /api/v1/personFields)`,
          `fieldMap.companies.domain: Pipedrive has no organization field with the key "${'e'.repeat(40)}" (the keys are in Settings → Data fields, or GET /api/v1/organizationFields)`,
        ].join('; '),
      )
    } finally {
      await wrong.close()
    }
  })
})
