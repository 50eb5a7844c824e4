import type { ActivityPort, CallOptions, CreatedActivityLookup, NativeActivityInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, UpstreamUnavailableError, htmlToText } from '../../src/kit/utils.ts'
import { isAttioId } from './ids.ts'
import { READS, WRITES } from './record-calls.ts'
import { type AttioNote, NoteList, OneNote } from './schemas.ts'
import { parseAttioTime } from './times.ts'

/** `GET /v2/notes` answers 10 notes a page by default, 50 at most (its OpenAPI `limit`). */
const NOTE_PAGE = 50
/** Pages of one record's notes a lookup reads: 1,000 notes. */
const MOST_NOTE_PAGES = 20
/** Attio lists a note once it is made; it may still apply a create it received late. */
const SETTLE_MS = 15_000

const LABELS: Record<string, string> = { EMAIL: 'Email', LINKEDIN: 'LinkedIn message', LINKEDIN_CONNECTION: 'LinkedIn connection request', LINKEDIN_INMAIL: 'LinkedIn InMail' }

/**
 * The note an activity is: a title of its kind, direction, moment and subject
 * (`Email (outbound) · 2025-03-02 09:15:00 UTC · Hello`), and the message as plain text. Attio
 * could date the note at the message's moment (`created_at` backdates it), but then a resend could
 * not tell the note its lost create made from an identical one made before (`createdLookup`
 * looks by creation time): the note is dated when it is logged, and the moment is in its title.
 */
export function noteOf(input: NativeActivityInput): { title: string; content: string } {
  const label = LABELS[input.type] ?? input.type
  const kind = input.direction ? `${label} (${input.direction.toLowerCase()})` : label
  const when = `${new Date(input.occurredAt).toISOString().slice(0, 19).replace('T', ' ')} UTC`
  const title = [kind, when, input.subject].filter(Boolean).join(' · ')
  return { title, content: input.body ? htmlToText(input.body).trim() : '' }
}

/** The record a note hangs on: the contact, else the company (a note has one parent). */
function parentOf(input: NativeActivityInput): { parent_object: 'people' | 'companies'; parent_record_id: string } {
  if (input.contactId) return { parent_object: 'people', parent_record_id: input.contactId }
  if (input.companyId) return { parent_object: 'companies', parent_record_id: input.companyId }
  throw new UpstreamRejectedError('body/contactId: Attio keeps an activity as a note on a person or a company; name one')
}

/**
 * Activities as Attio notes (https://docs.attio.com/rest-api/endpoint-reference/notes), one per
 * activity, on the person, else on the company. A note keeps no owner, message id or metadata:
 * the gateway keeps each message id itself, and finds the note of a lost create by reading the
 * parent's notes (`createdLookup`).
 */
export function attioActivities(client: UpstreamClient): ActivityPort {
  return {
    isNativeId: isAttioId,
    needsRecord: true,
    async doCreate(input, options) {
      if (input.ownerId !== undefined) options.warn({ type: 'unsupported', field: 'ownerId', message: 'an Attio note has no owner; ownerId is not stored' })
      const data = { ...parentOf(input), ...noteOf(input), format: 'plaintext' }
      const answer = await client.json({ method: 'POST', route: '/v2/notes', body: { data }, limitGroup: WRITES, options }, OneNote)
      return { ...input, id: answer.data.id.note_id }
    },
    createdLookup: createdNotes(client),
  }
}

function createdNotes(client: UpstreamClient): CreatedActivityLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const parent = parentOf(input)
      const { title, content } = noteOf(input)
      const notes = await parentNotes(client, parent, options)
      return notes
        .filter((note) => (parseAttioTime(note.created_at) ?? 0) >= createdAfter && note.title === title && note.content_plaintext.trim() === content)
        .map((note) => ({ ...input, id: note.id.note_id }))
    },
  }
}

async function parentNotes(client: UpstreamClient, parent: ReturnType<typeof parentOf>, options: CallOptions): Promise<AttioNote[]> {
  const notes: AttioNote[] = []
  for (let page = 0; page < MOST_NOTE_PAGES; page++) {
    const query = { ...parent, limit: String(NOTE_PAGE), offset: String(page * NOTE_PAGE) }
    const { data } = await client.json({ method: 'GET', route: '/v2/notes', query, limitGroup: READS, options }, NoteList)
    notes.push(...data.filter((note) => note.parent_record_id === parent.parent_record_id))
    if (data.length < NOTE_PAGE) return notes
  }
  throw new UpstreamUnavailableError(`the Attio record holds more than ${NOTE_PAGE * MOST_NOTE_PAGES} notes: too many to look through for a lost one`)
}
