import { type Static, type TSchema, Type } from '@sinclair/typebox'
import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { closeMoment } from './times.ts'

export const EVENTS = '/api/v1/event/'
/** The event log's page: "capped at and defaulting to 50" (FACTS.md, "Change feed"). */
const PAGE = 50

/** One event: what happened to which object, and the object as it then was (`data`). */
export const event = <S extends TSchema>(data: S) =>
  Type.Object({
    id: Type.String(),
    object_type: Type.String(),
    object_id: Type.String(),
    action: Type.String(),
    date_created: Type.String(),
    date_updated: Type.String(),
    data: Type.Optional(Type.Union([data, Type.Object({})])),
  })

const eventPage = <S extends TSchema>(data: S) =>
  Type.Object({ data: Type.Array(event(data)), cursor_next: Type.Optional(Type.Union([Type.String(), Type.Null()])) })

/**
 * The events of one object type and action changed at `since` or later, latest first, a page of
 * 50 a call, followed by `_cursor` until the log has no older one (the log refuses `_skip`). A
 * list of what Close did, not a search: it shows a create as soon as Close has made it, which is
 * what a lost create's lookup needs.
 */
export async function eventsSince<S extends TSchema>(
  client: UpstreamClient,
  objectType: string,
  action: 'created' | 'updated' | 'deleted',
  since: number,
  data: S,
  maxPages: number,
  options: CallOptions,
): Promise<{ events: Static<ReturnType<typeof event<S>>>[]; complete: boolean }> {
  const Page = eventPage(data)
  const events: Static<ReturnType<typeof event<S>>>[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < maxPages; pages++) {
    const query = { object_type: objectType, action, date_updated__gte: closeMoment(since), _limit: String(PAGE), ...(cursor && { _cursor: cursor }) }
    const page = await client.json({ method: 'GET', route: EVENTS, query, options }, Page)
    events.push(...page.data)
    cursor = page.cursor_next ?? undefined
    if (!cursor) return { events, complete: true }
  }
  return { events, complete: false }
}
