import { MockAgent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { capturedLogger, headers, testApp } from '../../src/kit/testing.ts'

/**
 * The access token is sent as `Authorization: Bearer` to https://api.attio.com unless `baseUrl`
 * says otherwise, and is never written anywhere else: not in a log line at any level, not in an
 * answer, even where Attio's own message repeats it.
 */
const TOKEN = 'attio-secret-token-4f1c9e2b7a'
let agent: MockAgent

afterEach(async () => {
  await agent.close()
})

describe('attio credentials', () => {
  it('sends the token as a bearer token to api.attio.com, and scrubs it from answers and logs', async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    const { logger, lines } = capturedLogger('debug')
    const app = await testApp({ connections: { attio: { adapter: 'attio', accessToken: TOKEN } }, dispatcher: agent, logger })
    const seen: unknown[] = []
    agent
      .get('https://api.attio.com')
      .intercept({ method: 'PUT', path: (p) => p.startsWith('/v2/objects/people/records') })
      .reply((request) => {
        seen.push((request.headers as Record<string, string>).authorization)
        // An error message that repeats the credential it was sent.
        return { statusCode: 400, data: JSON.stringify({ status_code: 400, type: 'invalid_request_error', code: 'validation_type', message: `Token ${TOKEN} may not write "phone_numbers".` }) }
      })
    agent
      .get('https://api.attio.com')
      .intercept({ method: 'POST', path: '/v2/objects/people/records/query' })
      .reply(200, JSON.stringify({ data: [] }))
      .times(2)
    const res = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'L-1', email: 'ana@acme.io', phone: '+34600000000' }] } })
    await app.close()
    expect(seen).toEqual([`Bearer ${TOKEN}`])
    expect(res.statusCode).toBe(200)
    expect(res.json().errors).toHaveLength(1)
    expect(res.body).not.toContain(TOKEN)
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.filter((line) => line.includes(TOKEN))).toEqual([])
  })

  it('refuses a connection without an access token', async () => {
    agent = new MockAgent()
    await expect(testApp({ connections: { attio: { adapter: 'attio' } }, dispatcher: agent })).rejects.toThrow(/accessToken/)
  })
})
