import type { Static } from '@sinclair/typebox'
import type { NativeActivity, NativeActivityInput } from '../../src/kit/spec.ts'
import { htmlToText } from '../../src/kit/utils.ts'
import type { Email, Note } from './schemas.ts'
import { closeMoment, parseCloseTime } from './times.ts'

/** What one activity is in Close: where it is posted, and the body. */
export interface ActivityWrite {
  readonly path: 'note' | 'email'
  readonly body: Record<string, unknown>
}

const LABELS: Record<string, string> = {
  LINKEDIN: 'LinkedIn message',
  LINKEDIN_CONNECTION: 'LinkedIn connection request',
  LINKEDIN_INMAIL: 'LinkedIn InMail',
  EMAIL: 'E-mail',
}
const looksLikeHtml = (text: string) => /<[a-z][^>]*>/i.test(text)

/**
 * An Enginy message as a Close activity on `lead`. An e-mail is an e-mail activity that logs what
 * happened and nothing more: `sent` for Enginy's outgoing messages (Close's user is the sender),
 * `inbox` for a reply (the contact's address as `sender`, which Close requires). Never `outbox` or
 * `scheduled`, which make Close send the message, nor `draft`, `followup_date` or `template_id`
 * (FACTS.md, "Which e-mail statuses make Close send"). A reply from a contact without an e-mail
 * address, and every other message (LinkedIn), is a note: its kind and direction on the first
 * line, then the subject and the text.
 */
export function toActivity(input: NativeActivityInput, lead: string, contactEmail: string | undefined): ActivityWrite {
  const common = {
    lead_id: lead,
    ...(input.contactId !== undefined && { contact_id: input.contactId }),
    ...(input.ownerId !== undefined && { user_id: input.ownerId }),
    activity_at: closeMoment(input.occurredAt),
  }
  const inbound = input.direction === 'INBOUND'
  if (input.type === 'EMAIL' && (!inbound || contactEmail !== undefined)) {
    const body = input.body ?? ''
    return {
      path: 'email',
      body: {
        ...common,
        status: inbound ? 'inbox' : 'sent',
        direction: inbound ? 'incoming' : 'outgoing',
        ...(inbound && { sender: contactEmail }),
        ...(input.subject !== undefined && { subject: input.subject }),
        ...(looksLikeHtml(body) ? { body_html: body, body_text: htmlToText(body) } : { body_text: body }),
      },
    }
  }
  const label = `${LABELS[input.type] ?? input.type}${input.direction ? (inbound ? ', received' : ', sent') : ''}`
  const text = input.body === undefined ? undefined : looksLikeHtml(input.body) ? htmlToText(input.body) : input.body
  return { path: 'note', body: { ...common, note: [label, input.subject, text].filter((part) => part !== undefined && part !== '').join('\n\n') } }
}

type Logged = Static<typeof Note> | Static<typeof Email>

/** Whether a logged activity holds what `write` wrote, as Close keeps it. */
export function holds(activity: Logged, write: ActivityWrite): boolean {
  const sent = write.body
  const same = (field: string) => sent[field] === undefined || (activity as Record<string, unknown>)[field] === sent[field]
  const sameTime = parseCloseTime(activity.activity_at) === parseCloseTime(sent.activity_at as string)
  const fields = write.path === 'note' ? ['note', 'user_id'] : ['status', 'subject', 'body_text', 'body_html', 'user_id', 'sender']
  return sameTime && (activity.contact_id ?? undefined) === sent.contact_id && fields.every(same)
}

/** The activity as the gateway answers it: what was logged, linked as Close links it. */
export function fromActivity(activity: Logged, input: NativeActivityInput): NativeActivity {
  const { contactId: _contact, companyId: _company, ...rest } = input
  return { ...rest, id: activity.id, ...(activity.contact_id && { contactId: activity.contact_id }), companyId: activity.lead_id }
}
