import type { CreatedActivityLookup, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, isDigitsId } from '../../src/kit/utils.ts'
import type { CrmObject } from './answers.ts'
import { engagementProperties } from './engagements.ts'
import { SEARCH } from './limits.ts'
import { parseTime } from './mapping.ts'
import type { OwnerResolver } from './owners.ts'
import type { Routes } from './routes.ts'
import { searchPages } from './search.ts'

/**
 * How long after a lost create a search surely shows its engagement: HubSpot's search shows a new
 * record after "a few moments" (`recent.ts`), and a create HubSpot received may still be applied
 * after the gateway stopped waiting for its answer; as for tasks (`created-tasks.ts`).
 */
const SETTLE_MS = 120_000

/**
 * The engagements a lost create may have made, where no `messageIdProperty` keeps the message id:
 * HubSpot's search of the create's kind (emails; communications for the LinkedIn kinds) for those
 * created since the attempt (`hs_createdate`), at the message's exact time (`hs_timestamp`, to the
 * millisecond), of its direction or channel, with its subject where it has one, associated with its
 * contact and company (the `associations.contact` and `associations.company` filters of HubSpot's
 * search guide; not yet confirmed on a live portal). The body is not a filter (a message may be
 * 256 KiB, too much for a filter's value): every property the create wrote, body included, is
 * compared on what the search answers, as HubSpot keeps it. A match is the create's input under
 * the engagement's id, as the create answers.
 */
export function createdHubSpotActivities(client: UpstreamClient, route: Routes, owners: OwnerResolver): CreatedActivityLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      // A create naming a record HubSpot cannot hold is refused before it is sent: it made nothing.
      if ([input.contactId, input.companyId].some((id) => id !== undefined && !isDigitsId(id))) return []
      const { kind, properties } = engagementProperties(input, options)
      if (input.ownerId !== undefined) properties.hubspot_owner_id = await owners.resolve(input.ownerId, options)
      const exact = (propertyName: string, value: string) => ({ propertyName, operator: 'EQ', value })
      const filters = [
        exact('hs_timestamp', String(input.occurredAt)),
        { propertyName: 'hs_createdate', operator: 'GTE', value: String(createdAfter) },
        kind === 'emails' ? exact('hs_email_direction', properties.hs_email_direction!) : exact('hs_communication_channel_type', properties.hs_communication_channel_type!),
        ...(properties.hs_email_subject === undefined ? [] : [exact('hs_email_subject', properties.hs_email_subject)]),
        ...(input.contactId === undefined ? [] : [exact('associations.contact', input.contactId)]),
        ...(input.companyId === undefined ? [] : [exact('associations.company', input.companyId)]),
      ]
      const { found, cut } = await searchPages(client, route, kind, { filterGroups: [{ filters }], properties: Object.keys(properties) }, options)
      if (cut) throw new UpstreamUnavailableError(`HubSpot holds more than ${SEARCH.maxResults} ${kind} like the lost one: too many to look through`)
      return found.filter((object) => holds(object, properties)).map((object) => ({ ...input, id: object.id }))
    },
  }
}

/** Whether `object` holds every property a create wrote, as written; its time as the same moment. */
function holds(object: CrmObject, written: Record<string, string>): boolean {
  return Object.entries(written).every(([name, value]) => {
    const held = object.properties[name]
    if (name === 'hs_timestamp') return held != null && parseTime(held) === parseTime(value)
    return held === value
  })
}
