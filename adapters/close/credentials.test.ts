import { MockAgent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { capturedLogger, headers, testApp } from '../../src/kit/testing.ts'

/**
 * The API key never leaves the gateway but as Close's credential: not in a log line, not in an
 * answer to Enginy, even where Close's text echoes it raw, in its base64 or as the whole header.
 */
const API_KEY = 'api_5ecretCloseKeyThatMustNeverBeLogged0123'
const ENCODED = Buffer.from(`${API_KEY}:`).toString('base64')
const LEAD = `lead_${'1'.repeat(43)}`

describe('close: the API key is kept out of logs and answers', () => {
  let agent: MockAgent
  afterEach(() => agent.close())

  it("scrubs the key from Close's refusal and from every line logged, readiness checks included", async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    const close = agent.get('https://api.close.com')
    // A refusal that echoes the credential in every form it was sent in.
    close
      .intercept({ method: 'POST', path: '/api/v1/task/', headers: { authorization: `Basic ${ENCODED}` } })
      .reply(400, { errors: [`key ${API_KEY} (Basic ${ENCODED}) may not write here`], 'field-errors': { lead: `${encodeURIComponent(API_KEY)} is read-only` } }, { headers: { 'content-type': 'application/json' } })
    close.intercept({ method: 'GET', path: '/api/v1/me/?_fields=id' }).reply(401, { error: `bad key ${API_KEY}` }, { headers: { 'content-type': 'application/json' } }).persist()
    const { logger, lines } = capturedLogger('debug')
    const app = await testApp({ connections: { close: { adapter: 'close', apiKey: API_KEY } }, dispatcher: agent, logger, health: { intervalMs: 20 } })
    const res = await app.inject({ method: 'POST', url: '/tasks', headers, payload: { subject: 'Call', companyId: `close.${LEAD}` } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await app.close()
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('may not write here')
    expect(lines.some((line) => line.includes('/api/v1/me/')), 'readiness checks ran, and were logged').toBe(true)
    // A connection's options, were they ever logged, show no key.
    logger.info({ apiKey: API_KEY, connection: { apiKey: API_KEY }, connections: { close: { apiKey: API_KEY } } }, 'options')
    expect(lines.at(-1)).toContain('[redacted]')
    for (const text of [res.body, ...lines]) {
      expect(text).not.toContain(API_KEY)
      expect(text).not.toContain(ENCODED)
    }
  })
})
