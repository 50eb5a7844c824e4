import { MockAgent } from 'undici'
import type { AdapterV2, CallOptions } from '../../../src/kit/spec.ts'
import { testApp } from '../../../src/kit/testing.ts'

/**
 * Attio's answers for the request-shape tests, trimmed from the shapes of its OpenAPI file, and an
 * adapter whose every request goes to undici's MockAgent with the network shut: a request the
 * test did not expect fails it.
 */
export const ORIGIN = 'https://api.attio.com'
const TOKEN = 'attio-request-shape-token'
const AUTH = { authorization: `Bearer ${TOKEN}` }
export const WS = '99999999-9999-4999-8999-999999999999'
export const PERSON = '11111111-1111-4111-8111-111111111111'
export const COMPANY = '22222222-2222-4222-8222-222222222222'
export const TASK = '33333333-3333-4333-8333-333333333333'
export const NOTE = '44444444-4444-4444-8444-444444444444'
export const MEMBER = '55555555-5555-4555-8555-555555555555'
const PEOPLE_OBJECT = '66666666-6666-4666-8666-666666666666'
const COMPANIES_OBJECT = '77777777-7777-4777-8777-777777777777'
export const AT = '2026-12-06T10:00:00.123456789Z'
export const options = (): CallOptions => ({ signal: AbortSignal.timeout(5000), deadline: Date.now() + 5000, warn: () => {} })

export const value = (fields: Record<string, unknown>) => ({ active_from: AT, active_until: null, created_by_actor: { type: 'api-token', id: WS }, ...fields })
export const record = (id: string, values: Record<string, Record<string, unknown>[]>) => ({
  id: { workspace_id: WS, object_id: PEOPLE_OBJECT, record_id: id },
  created_at: AT,
  web_url: `https://app.attio.com/acme/person/${id}`,
  values: Object.fromEntries(Object.entries(values).map(([slug, list]) => [slug, list.map(value)])),
})
export const ana = record(PERSON, {
  email_addresses: [{ email_address: 'ana@acme.io', original_email_address: 'ana@acme.io', attribute_type: 'email-address' }],
  name: [{ first_name: 'Ana', last_name: 'Ruiz', full_name: 'Ana Ruiz', attribute_type: 'personal-name' }],
  job_title: [{ value: 'Head of Sales', attribute_type: 'text' }],
  enginy_id: [{ value: 'L-1', attribute_type: 'text' }],
  company: [{ target_object: 'companies', target_record_id: COMPANY, attribute_type: 'record-reference' }],
  // A type the adapter does not know is skipped.
  primary_location: [{ locality: 'Madrid', attribute_type: 'location' }],
})
export const acme = record(COMPANY, { domains: [{ domain: 'acme.io', root_domain: 'acme.io' }], name: [{ value: 'Acme' }] })
export const task = (fields: Record<string, unknown> = {}) => ({
  id: { workspace_id: WS, task_id: TASK },
  content_plaintext: 'Call Ana\n\nAbout pricing',
  deadline_at: '2026-12-24T10:00:00.000000000Z',
  is_completed: false,
  completed_at: null,
  linked_records: [
    { target_object_id: PEOPLE_OBJECT, target_record_id: PERSON },
    { target_object_id: COMPANIES_OBJECT, target_record_id: COMPANY },
  ],
  assignees: [{ referenced_actor_type: 'workspace-member', referenced_actor_id: MEMBER }],
  created_by_actor: { type: 'api-token', id: WS },
  created_at: AT,
  ...fields,
})
export const objects = {
  data: [
    { id: { workspace_id: WS, object_id: PEOPLE_OBJECT }, api_slug: 'people' },
    { id: { workspace_id: WS, object_id: COMPANIES_OBJECT }, api_slug: 'companies' },
  ],
}

/** A path with its query parameters decoded and in order, so that two spellings of one compare equal. */
function canonical(path: string): string {
  const url = new URL(path, ORIGIN)
  return `${url.pathname}?${[...url.searchParams].map(([k, v]) => `${k}=${v}`).sort().join('&')}`
}

/** An Attio connection on the MockAgent, and the bodies of the requests it sent, in order. */
export class MockAttio {
  readonly sent: { method: string; path: string; body: unknown }[] = []

  private constructor(
    readonly agent: MockAgent,
    readonly adapter: AdapterV2,
  ) {}

  static async start(): Promise<MockAttio> {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const app = await testApp({
      connections: {
        attio: {
          adapter: 'attio',
          accessToken: TOKEN,
          fieldMap: { contacts: { externalId: 'enginy_id' }, companies: { externalId: 'enginy_id', industry: 'industry_text' } },
        },
      },
      dispatcher: agent,
    })
    return new MockAttio(agent, app.gateway.current.runtime.connections.get('attio')!.adapter)
  }

  /** Expects one request `method path` (query included) with the token, and answers it. */
  expect(method: string, path: string, status: number, answer: unknown): void {
    this.agent
      .get(ORIGIN)
      .intercept({ method, path: (p) => canonical(p) === canonical(path), headers: AUTH })
      .reply((request) => {
        this.sent.push({ method, path, body: typeof request.body === 'string' ? JSON.parse(request.body) : undefined })
        return { statusCode: status, data: JSON.stringify(answer), responseOptions: { headers: { 'content-type': 'application/json' } } }
      })
  }

  bodies(): unknown[] {
    return this.sent.map((request) => request.body)
  }

  async close(): Promise<void> {
    this.agent.assertNoPendingInterceptors()
    await this.agent.close()
  }
}
