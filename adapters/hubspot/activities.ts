import type { ActivityPort, CallOptions, NativeActivity, NativeActivityInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, isDigitsId } from '../../src/kit/utils.ts'
import { CrmObject, ErrorBody, parseAnswer } from './answers.ts'
import { createdHubSpotActivities } from './created-activities.ts'
import { hubspotErrorMessage } from './error-message.ts'
import { engagementProperties, fromEngagement, type Engagement } from './engagements.ts'
import { ObjectReads, failOnErrors } from './objects.ts'
import type { OwnerResolver } from './owners.ts'
import type { Routes } from './routes.ts'
import { BatchAssociations } from './schemas.ts'

/**
 * HubSpot's association types from each engagement to a contact and to a company
 * (HUBSPOT_DEFINED; HubSpot's association type id table, "Associations v4" reference: email→contact
 * 198, email→company 186, communication→contact 81, communication→company 87).
 */
const TO: Record<Engagement, { contacts: number; companies: number }> = {
  emails: { contacts: 198, companies: 186 },
  communications: { contacts: 81, companies: 87 },
}

/**
 * Campaign messages as HubSpot engagements: an `EMAIL` as an email engagement, the LinkedIn kinds
 * as communications (`engagements.ts`), each associated with its contact and company.
 *
 * The same message logged twice must be one engagement. With `messageIdProperty` set, the message
 * id is written to that property, a text property with unique values the customer creates on both
 * emails and communications (`connections test` checks it), and `doFindByMessageId` reads it back
 * with a batch read keyed on it (`idProperty`): no search, so no search lag and no search limit,
 * and HubSpot itself refuses a second engagement with the same id (409), which is then answered
 * as the first, with the contact and company it is associated with (two association reads, made
 * only when a message is found again). Without it, `doFindByMessageId` is not offered: the core keeps the message ids
 * (`src/idempotency/message-log.ts`), and finds the engagement of a create whose answer was lost by
 * search (`created-activities.ts`).
 */
export function createHubSpotActivities(client: UpstreamClient, route: Routes, owners: OwnerResolver, messageIdProperty: string | undefined): ActivityPort {
  const reads = { emails: new ObjectReads(client, route, 'emails'), communications: new ObjectReads(client, route, 'communications') }

  /** The contact and company an engagement is associated with: the first of each. */
  const linksOf = async (kind: Engagement, id: string, options: CallOptions): Promise<Pick<NativeActivity, 'contactId' | 'companyId'>> => {
    const [contactId, companyId] = await Promise.all(
      (['contacts', 'companies'] as const).map(async (to) => {
        const answer = await client.json(
          { method: 'POST', route: route.engagementLinks(kind, to), body: { inputs: [{ id }] }, idempotent: true, expect: [200, 207], options },
          BatchAssociations,
        )
        failOnErrors(client, answer.errors, `read of ${kind}' ${to}`)
        const first = answer.results.find((result) => result.from.id === id)?.to[0]
        return first === undefined ? undefined : String(first.toObjectId)
      }),
    )
    return { ...(contactId !== undefined && { contactId }), ...(companyId !== undefined && { companyId }) }
  }

  const findByMessageId = async (messageId: string, options: CallOptions): Promise<NativeActivity | null> => {
    const property = messageIdProperty!
    const kinds = ['emails', 'communications'] as const
    const found = await Promise.all(kinds.map((kind) => reads[kind].byProperty(property, [messageId], [property, ...readProperties(kind)], options)))
    for (const [i, kind] of kinds.entries()) {
      const object = found[i]!.find((candidate) => candidate.properties[property] === messageId)
      if (object) return { ...fromEngagement(kind, object), ...(await linksOf(kind, object.id, options)), messageId }
    }
    return null
  }

  const port: ActivityPort = {
    isNativeId: isDigitsId,

    async doCreate(input, options) {
      const { kind, properties } = engagementProperties(input, options)
      if (input.ownerId !== undefined) properties.hubspot_owner_id = await owners.resolve(input.ownerId, options)
      if (messageIdProperty !== undefined && input.messageId !== undefined) properties[messageIdProperty] = input.messageId
      const body = { properties, associations: associations(kind, input) }
      // A plain POST: the client re-sends it only when it surely was not processed.
      const response = await client.send({ method: 'POST', route: route.create(kind), body, expect: [200, 201, 409], options })
      if (response.status === 409) {
        const found = messageIdProperty !== undefined && input.messageId !== undefined ? await findByMessageId(input.messageId, options) : null
        if (found) return found
        const reason = hubspotErrorMessage(parseAnswer(response, ErrorBody, `POST ${route.create(kind)}`))
        throw new UpstreamRejectedError(client.scrub(`HubSpot refused the activity: ${reason ?? 'conflict'}`).slice(0, 500))
      }
      const created = parseAnswer(response, CrmObject, `POST ${route.create(kind)}`)
      return { ...input, id: created.id }
    },
  }
  if (messageIdProperty !== undefined) return { ...port, doFindByMessageId: findByMessageId }
  return { ...port, createdLookup: createdHubSpotActivities(client, route, owners) }
}

function readProperties(kind: Engagement): string[] {
  return kind === 'emails'
    ? ['hs_timestamp', 'hs_email_direction', 'hs_email_subject', 'hubspot_owner_id']
    : ['hs_timestamp', 'hs_communication_channel_type', 'hubspot_owner_id']
}

/** The engagement's links to its contact and company; an id HubSpot cannot hold is refused here. */
function associations(kind: Engagement, input: NativeActivityInput) {
  const links: { to: { id: string }; types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[] }[] = []
  for (const [field, target] of [
    ['contactId', 'contacts'],
    ['companyId', 'companies'],
  ] as const) {
    const id = input[field]
    if (id === undefined) continue
    if (!isDigitsId(id)) throw new UpstreamRejectedError(`${field} must be a HubSpot record id (digits), got "${id.slice(0, 64)}"`)
    links.push({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: TO[kind][target] }] })
  }
  return links
}
