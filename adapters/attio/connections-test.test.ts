import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEnginyAttributes } from './fake/gateway.ts'
import { ATTIO_TOKEN, AttioFake } from './fake/server.ts'

/**
 * `connections test` as an operator runs it, a spawned command line against the fake Attio: the
 * token is checked at `GET /v2/self`, and each slug the `fieldMap` names against the objects'
 * attributes, every problem named.
 */
const run = promisify(execFile)
let fake: AttioFake
let dir: string

beforeAll(async () => {
  fake = await AttioFake.start()
  addEnginyAttributes(fake)
  dir = await mkdtemp(join(tmpdir(), 'attio-connections-'))
})

afterAll(() => fake.close())

async function connectionsTest(fieldMap: string, token = ATTIO_TOKEN) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.yaml`)
  await writeFile(
    path,
    `auth:\n  apiKeys: k\nconnections:\n  attio:\n    adapter: attio\n    accessToken: \${ATTIO_TOKEN}\n    baseUrl: ${fake.url}\n    retry: { maxRetries: 0 }\n    fieldMap:\n${fieldMap}\nactive: attio\n`,
  )
  try {
    const { stdout } = await run(process.execPath, ['bin/enginy-gateway.mjs', 'connections', 'test'], { env: { ...process.env, GATEWAY_CONFIG: path, ATTIO_TOKEN: token }, timeout: 60_000 })
    return { code: 0, stdout }
  } catch (error) {
    const failed = error as { code: number; stdout: string }
    return { code: failed.code, stdout: failed.stdout }
  }
}

describe('attio: connections test', () => {
  it('is ok where every mapped slug is a writable attribute, and names each one that is not', async () => {
    const ok = await connectionsTest('      contacts: { externalId: enginy_id }\n      companies: { externalId: enginy_id, industry: industry_text }')
    expect(ok).toEqual({ code: 0, stdout: 'attio (attio): ok\n' })
    const wrong = await connectionsTest('      contacts: { externalId: enginy_sequence_status, company: company_name }\n      companies: { numberOfEmployees: created_at }')
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toContain('fieldMap.contacts: externalId → "enginy_sequence_status": the attribute is not unique')
    expect(wrong.stdout).toContain('fieldMap.contacts: company → "company_name": Attio\'s people have no attribute with that slug')
    expect(wrong.stdout).toContain('fieldMap.companies: numberOfEmployees → "created_at": the attribute is not writable through the API')
  }, 60_000)

  it('says bad credentials for a token Attio no longer takes, without the token', async () => {
    const revoked = await connectionsTest('      contacts: {}', 'revoked-attio-token')
    expect(revoked.code).toBe(1)
    expect(revoked.stdout).toMatch(/^attio \(attio\): bad credentials: Attio says the access token is not active/)
    expect(revoked.stdout).not.toContain('revoked-attio-token')
  }, 60_000)
})
