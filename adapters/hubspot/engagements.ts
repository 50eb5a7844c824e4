import type { CallOptions, NativeActivity, NativeActivityInput } from '../../src/kit/spec.ts'
import { htmlToText, textToHtml } from '../../src/kit/utils.ts'
import type { CrmObject } from './answers.ts'
import { parseTime } from './mapping.ts'

export type Engagement = 'emails' | 'communications'

/**
 * Enginy's LinkedIn kinds, logged as communications on HubSpot's `LINKEDIN_MESSAGE` channel (the
 * channel type HubSpot defines for LinkedIn messages; the others are SMS, WHATS_APP,
 * PHYSICAL_MAIL and CUSTOM_CHANNEL_CONVERSATION). The channel is the same for all three, so the
 * kind is said in the body's first line.
 */
const LINKEDIN: Record<string, string | undefined> = {
  LINKEDIN: undefined,
  LINKEDIN_CONNECTION: 'LinkedIn connection request',
  LINKEDIN_INMAIL: 'LinkedIn InMail',
}

/**
 * An activity as the properties of its engagement:
 *
 * - `EMAIL`: an email engagement. `hs_email_direction` is `EMAIL` (sent by the team) or
 *   `INCOMING_EMAIL` for `INBOUND`; a sent one is `hs_email_status: SENT`; `hs_email_subject`,
 *   the text in `hs_email_text` and, when the body holds markup, the HTML in `hs_email_html`;
 *   `hs_timestamp` is `occurredAt`.
 * - the LinkedIn kinds: a communication, `hs_communication_channel_type: LINKEDIN_MESSAGE`,
 *   `hs_communication_logged_from: CRM` (logged through the API, not an integration), the kind,
 *   subject and text in `hs_communication_body`; HubSpot has no direction for communications.
 * - any other kind is logged as an email engagement (the contract: another kind is logged as the
 *   CRM's default one), with a warning naming it.
 */
export function engagementProperties(input: NativeActivityInput, options: CallOptions): { kind: Engagement; properties: Record<string, string> } {
  const at = new Date(input.occurredAt).toISOString()
  const text = input.body === undefined ? undefined : hasMarkup(input.body) ? htmlToText(input.body) : input.body
  if (Object.hasOwn(LINKEDIN, input.type)) {
    const label = LINKEDIN[input.type]
    const heading = label && input.subject ? `${label}: ${input.subject}` : (label ?? input.subject)
    const message = [heading, text].filter((part) => part !== undefined && part !== '').join('\n\n')
    return {
      kind: 'communications',
      properties: {
        hs_timestamp: at,
        hs_communication_channel_type: 'LINKEDIN_MESSAGE',
        hs_communication_logged_from: 'CRM',
        ...(message && { hs_communication_body: textToHtml(message) }),
      },
    }
  }
  if (input.type !== 'EMAIL') {
    options.warn({ type: 'compatibility', field: 'type', message: `HubSpot has no activity of type "${input.type.slice(0, 64)}"; logged as an email` })
  }
  const inbound = input.direction === 'INBOUND'
  return {
    kind: 'emails',
    properties: {
      hs_timestamp: at,
      hs_email_direction: inbound ? 'INCOMING_EMAIL' : 'EMAIL',
      ...(!inbound && { hs_email_status: 'SENT' }),
      ...(input.subject !== undefined && { hs_email_subject: input.subject }),
      ...(text !== undefined && { hs_email_text: text }),
      ...(input.body !== undefined && hasMarkup(input.body) && { hs_email_html: input.body }),
    },
  }
}

/**
 * An engagement found again by its message id, as an activity. The LinkedIn kinds share one
 * channel, so a communication reads back as `LINKEDIN`; its contact and company are not read
 * (that would be two more calls for each repeated message).
 */
export function fromEngagement(kind: Engagement, object: CrmObject): NativeActivity {
  const p = object.properties
  const activity: NativeActivity = { id: object.id, type: kind === 'emails' ? 'EMAIL' : 'LINKEDIN', occurredAt: parseTime(p.hs_timestamp) ?? Date.now() }
  if (kind === 'emails') {
    if (p.hs_email_direction === 'INCOMING_EMAIL') activity.direction = 'INBOUND'
    else if (p.hs_email_direction === 'EMAIL') activity.direction = 'OUTBOUND'
    if (p.hs_email_subject) activity.subject = p.hs_email_subject
  }
  if (p.hubspot_owner_id) activity.ownerId = p.hubspot_owner_id
  return activity
}

function hasMarkup(body: string): boolean {
  return /<\/?[a-z][^>]*>|&[a-z#0-9]+;/i.test(body)
}
