import { type ConformanceTargets, fakeHooks } from '../../src/kit/testing.ts'
import { error, rateLimited } from './fake/answers.ts'
import { HUBSPOT_TASK_PATHS, HUBSPOT_TOKEN, HubSpotFake } from './fake/hubspot.ts'

/** What a customer's portal is told to have (README): a property for Enginy's ids, one for an
 * engagement field, a text property for the industry, and a unique one for message ids. */
const CONFIGURED = {
  fieldMap: {
    contacts: { externalId: 'enginy_external_id', campaignSequenceStatus: 'enginy_sequence_status' },
    companies: { externalId: 'enginy_external_id', campaignSequenceStatus: 'enginy_sequence_status', industry: 'enginy_industry' },
  },
  messageIdProperty: 'enginy_message_id',
}

/** How long the fake's search misses a record just written ("a few moments", HubSpot says): long
 * enough that a lost create's export, sent again at once, cannot find its record by search. */
const SEARCH_LAG_MS = 2000

/** A batch create of contacts or companies: what the CRM may apply while the answer is lost. */
const CREATE = { contacts: /^\/crm\/objects\/[^/]+\/contacts\/batch\/create$/, companies: /^\/crm\/objects\/[^/]+\/companies\/batch\/create$/ }

/**
 * HubSpot, on its fake portal (`fake/`), configured as the README tells a customer to: the whole
 * suite, with the fake's failures, lost answers and search lag.
 */
const targets: ConformanceTargets = {
  hubspot: async () => {
    const fake = await HubSpotFake.start({ searchLagMs: SEARCH_LAG_MS })
    return {
      connection: {
        adapter: 'hubspot',
        accessToken: HUBSPOT_TOKEN,
        baseUrl: fake.url,
        typeMap: { call: 'CALL', email: 'EMAIL', todo: 'TODO' },
        defaultType: 'TODO',
        ...CONFIGURED,
      },
      missingNativeId: '12345678901',
      missingContactId: '12345678902',
      missingCompanyId: '12345678903',
      roundTripTypes: ['call', 'email', 'todo'],
      refs: { ownerId: '111', contactId: '501', companyId: '701' },
      // Search pages hold 200 results.
      pageSize: 200,
      ...fakeHooks(fake.http, {
        auth: error(401, 'INVALID_AUTHENTICATION', 'expired'),
        rateLimited: rateLimited('DAILY', 'You have reached your daily limit.'),
        isCreate: (kind, request) => request.method === 'POST' && CREATE[kind].test(request.path),
      }),
      taskPaths: HUBSPOT_TASK_PATHS,
      close: async () => {
        if (fake.violations.length > 0) throw new Error(`requests HubSpot would refuse: ${fake.violations.join('; ')}`)
        await fake.close()
      },
    }
  },
}
export default targets
