import { randomUUID } from 'node:crypto'
import { invalid, notFound } from './errors.ts'
import type { SeenRequest, Step } from './http.ts'
import { type RecordStore, ok } from './records.ts'
import { NoteCreate, NoteList, firstProblem } from './schemas.ts'
import { attioTimestamp, parseTimestamp } from './time.ts'
import type { Actor } from './values.ts'

export interface FakeNote {
  readonly id: string
  readonly store: RecordStore
  readonly parentRecordId: string
  readonly title: string
  readonly format: 'plaintext' | 'markdown'
  readonly content: string
  readonly createdAt: number
  /** When the API took it; `createdAt` may be earlier (a backdated note). */
  readonly receivedAt: number
  readonly createdBy: Actor
}

export interface NoteContext {
  readonly workspaceId: string
  readonly apiActor: Actor
  readonly store: (object: string) => RecordStore | undefined
  readonly queryLagMs: () => number
  readonly violation: (problem: string) => void
}

/**
 * Attio notes (https://docs.attio.com/rest-api/endpoint-reference/notes): one parent record
 * each, a plain-text title, content in plain text or a subset of Markdown, and a `created_at`
 * that defaults to now and may be backdated ("dates before 1970 or in the future are not
 * allowed"); a list for all records or one parent, `limit` 10 by default and at most 50; get by
 * id. Notes cannot be edited through the API and have no `updated_at`.
 */
export class NoteStore {
  readonly notes = new Map<string, FakeNote>()

  constructor(private readonly ctx: NoteContext) {}

  handle(r: SeenRequest): Step | undefined {
    if (r.path === '/v2/notes' && r.method === 'POST') return this.create(r.body)
    if (r.path === '/v2/notes' && r.method === 'GET') return this.list(Object.fromEntries(r.query))
    const one = /^\/v2\/notes\/([^/]+)$/.exec(r.path)
    if (!one || r.method !== 'GET') return undefined
    const note = this.notes.get(one[1]!)
    return note ? ok(this.view(note)) : notFound(`Note with ID "${one[1]}" not found.`)
  }

  view(note: FakeNote): Record<string, unknown> {
    // The plain-text form of Markdown content loses its markers; the fake strips the common ones.
    const plain = note.format === 'markdown' ? note.content.replace(/^#{1,3}\s+/gm, '').replace(/(\*\*|__|~~|==|\*|_)/g, '') : note.content
    return {
      id: { workspace_id: this.ctx.workspaceId, note_id: note.id },
      parent_object: note.store.object,
      parent_record_id: note.parentRecordId,
      title: note.title,
      meeting_id: null,
      content_plaintext: plain,
      content_markdown: note.content,
      tags: [],
      created_by_actor: { type: note.createdBy.type, id: note.createdBy.id },
      created_at: attioTimestamp(note.createdAt),
    }
  }

  private create(body: unknown): Step {
    const problem = firstProblem(NoteCreate, body)
    if (problem) {
      this.ctx.violation(`notes: ${problem}`)
      return invalid(problem)
    }
    const data = (body as { data: Record<string, string> }).data
    const store = this.ctx.store(data.parent_object!)
    if (!store) return notFound(`Object with slug/ID "${data.parent_object}" not found.`)
    if (!store.records.has(data.parent_record_id!)) return notFound(`Record with ID "${data.parent_record_id}" not found.`)
    const now = Date.now()
    let createdAt = now
    if (data.created_at !== undefined) {
      const at = parseTimestamp(data.created_at)
      if (at === undefined || at < 0 || at > now) return invalid(`created_at "${data.created_at}" must be a timestamp between 1970 and now.`)
      createdAt = at
    }
    const note: FakeNote = {
      id: randomUUID(),
      store,
      parentRecordId: data.parent_record_id!,
      title: data.title!,
      format: data.format as FakeNote['format'],
      content: data.content!,
      createdAt,
      receivedAt: now,
      createdBy: this.ctx.apiActor,
    }
    this.notes.set(note.id, note)
    return ok(this.view(note))
  }

  private list(query: Record<string, string>): Step {
    const problem = firstProblem(NoteList, query)
    if (problem) {
      this.ctx.violation(`notes list: ${problem}`)
      return invalid(problem)
    }
    if ((query.parent_object === undefined) !== (query.parent_record_id === undefined)) return invalid('parent_object and parent_record_id must be given together.')
    const store = query.parent_object === undefined ? undefined : this.ctx.store(query.parent_object)
    if (query.parent_object !== undefined && !store) return notFound(`Object with slug/ID "${query.parent_object}" not found.`)
    const visibleBefore = Date.now() - this.ctx.queryLagMs()
    const found = [...this.notes.values()].filter(
      (note) => note.receivedAt <= visibleBefore && (store === undefined || (note.store === store && note.parentRecordId === query.parent_record_id)),
    )
    const offset = Number(query.offset ?? 0)
    const limit = Number(query.limit ?? 10)
    return { status: 200, body: { data: found.slice(offset, offset + limit).map((note) => this.view(note)) } }
  }
}
