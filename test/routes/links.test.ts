import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinAdapters } from '../../adapters/index.ts'
import { resolveConfig } from '../../src/config/load.ts'
import { capturedLogger, testApp } from '../helpers/app.ts'

const ACME_KEY = 'acme-key-0123456789'
const GLOBEX_KEY = 'globex-key-0123456789'
const ACME_LINK = 'acme-link-token-0123456789abcdefghijklmnop'
const ACME_NEXT = 'acme-next-token-0123456789abcdefghijklmnop'
const GLOBEX_LINK = 'globex-link-token-0123456789abcdefghijklmn'

const memory = (name: string) => ({
  adapter: 'memory',
  links: { contacts: `https://${name}.crm.example/people/{id}`, companies: `https://${name}.crm.example/orgs/{id}` },
})
const config = (acmeTokens: string[]) => ({
  connections: { acme: memory('acme'), globex: memory('globex') },
  health: { intervalMs: 0 },
  tenants: {
    acme: { apiKeys: [ACME_KEY], linkTokens: acmeTokens, active: 'acme' },
    globex: { apiKeys: [GLOBEX_KEY], linkTokens: GLOBEX_LINK, active: 'globex' },
  },
})

/** What a client can tell of an answer: its status, body and headers, less those that change per request. */
function seen(res: LightMyRequestResponse): string {
  const { date: _date, 'x-request-id': _id, ...headers } = res.headers
  return JSON.stringify({ status: res.statusCode, body: res.body, headers })
}

/** Record links of two tenants, each under its own link tokens. */
describe('record links under link tokens', () => {
  let app: FastifyInstance
  let log: ReturnType<typeof capturedLogger>
  let acme: string
  let globex: string
  beforeAll(async () => {
    log = capturedLogger('debug')
    app = await testApp({ connections: config([]).connections, tenants: config([ACME_LINK, ACME_NEXT]).tenants, logger: log.logger })
    const exported = async (key: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/contacts',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          payload: { contacts: [{ externalId: 'E-1', email: 'ana@example.com' }] },
        })
      ).json().results[0].crmId as string
    acme = await exported(ACME_KEY)
    globex = await exported(GLOBEX_KEY)
  })
  afterAll(() => app.close())

  const get = (url: string) => app.inject({ method: 'GET', url })

  it("redirects a tenant's records under each of its tokens, several valid at once", async () => {
    for (const token of [ACME_LINK, ACME_NEXT]) {
      const res = await get(`/links/${token}/contacts/${acme}`)
      expect(res.statusCode).toBe(302)
      expect(res.headers.location).toBe(`https://acme.crm.example/people/${acme.slice('acme.'.length)}`)
    }
    expect((await get(`/links/${GLOBEX_LINK}/companies/${globex}`)).headers.location).toBe(`https://globex.crm.example/orgs/${globex.slice('globex.'.length)}`)
  })

  it("answers a link under another tenant's token with the one 404 an unknown token, connection or id gets: same status, body and headers", async () => {
    const answers = await Promise.all(
      [
        `/links/${GLOBEX_LINK}/contacts/${acme}`, // another tenant's record
        `/links/${ACME_LINK}/contacts/${globex}`,
        `/links/${ACME_LINK.toUpperCase()}/contacts/${acme}`, // unknown token
        `/links/${ACME_LINK}x/contacts/${acme}`,
        `/links/${ACME_LINK}/contacts/nowhere.${acme.slice('acme.'.length)}`, // unknown connection
        `/links/${ACME_LINK}/contacts/acme.not-an-id`, // not of the CRM's form
        `/links/${ACME_LINK}/contacts/${acme}${'A'.repeat(600)}`, // too long for the router
        `/links/${ACME_LINK}/contacts`, // no id
        `/links/contacts/${acme}`, // the keyless form of old
      ].map(get),
    )
    const distinct = new Set(answers.map(seen))
    expect(distinct.size, [...distinct].join('\n')).toBe(1)
    expect(answers[0]!.statusCode).toBe(404)
    expect(answers[0]!.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'no link', code: 'LINK_NOT_FOUND' })
  })

  it('never writes a link token to the log, though the request line names the URL', async () => {
    await get(`/links/${ACME_LINK}/contacts/${acme}`)
    await get(`/links/${GLOBEX_LINK}/contacts/${acme}`)
    await get(`/links/${ACME_NEXT}/contacts`)
    const text = log.lines.join('\n')
    for (const token of [ACME_LINK, ACME_NEXT, GLOBEX_LINK]) expect(text).not.toContain(token)
    expect(text).toContain(`"url":"/links/[redacted]/contacts/${acme}"`)
  })

  it('follows a reload: a token taken out stops at once, a new one works', async () => {
    await app.gateway.apply(await resolveConfig(config([ACME_NEXT]), {}, builtinAdapters))
    expect((await get(`/links/${ACME_LINK}/contacts/${acme}`)).statusCode).toBe(404)
    expect((await get(`/links/${ACME_NEXT}/contacts/${acme}`)).statusCode).toBe(302)
  })
})
