import { afterEach, describe, expect, it } from 'vitest'
import { capturedLogger, testApp } from '../../src/kit/testing.ts'
import { setUpOrganization } from './fake/organization.ts'
import { CLOSE_API_KEY, CloseFake } from './fake/server.ts'

/**
 * The connection's custom fields are checked against the organization's on the first readiness
 * check: a field Close lacks, or one of a type that cannot hold what Enginy sends, is named, where
 * it would otherwise fail every write that uses it.
 */
describe("close: the fieldMap's custom fields, checked", () => {
  let fake: CloseFake
  afterEach(() => fake.close())
  const count = (path: string) => fake.http.requests.filter((request) => request.path === path).length

  const checked = async (fieldMap: Record<string, Record<string, string>>) => {
    const { logger, lines } = capturedLogger('warn')
    const app = await testApp({ connections: { close: { adapter: 'close', apiKey: CLOSE_API_KEY, baseUrl: fake.url, fieldMap } }, logger, health: { intervalMs: 20 } })
    const until = Date.now() + 5000
    while (Date.now() < until && count('/api/v1/me/') < 3) await new Promise((resolve) => setTimeout(resolve, 20))
    await app.close()
    return lines.filter((line) => line.includes('connection check failed'))
  }

  it('names a field the organization lacks and one of the wrong type', async () => {
    fake = await CloseFake.start()
    const { fieldMap } = setUpOrganization(fake)
    const missing = `cf_${'9'.repeat(43)}`
    const failures = await checked({ contacts: fieldMap.contacts, companies: { ...fieldMap.companies, industry: missing, numberOfEmployees: fieldMap.companies.industry } })
    expect(failures.length).toBe(1)
    expect(failures[0]).toContain(`Close has no lead custom field ${missing} (for industry`)
    expect(failures[0]).toContain('fieldMap.companies.numberOfEmployees: the lead custom field \\"Industry\\" is of type text; make it a number field')
  })

  it('passes the fields a customer set up', async () => {
    fake = await CloseFake.start()
    const { fieldMap } = setUpOrganization(fake)
    expect(await checked(fieldMap)).toEqual([])
    expect(count('/api/v1/custom_field/contact/'), 'checked once, then only the key').toBe(1)
    expect(count('/api/v1/me/')).toBeGreaterThanOrEqual(3)
  })
})
