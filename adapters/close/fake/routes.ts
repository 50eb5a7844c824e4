import type { TSchema } from '@sinclair/typebox'
import type { Account, CustomFieldKind } from './account.ts'
import type { Activities, ActivityType } from './activities.ts'
import type { Actor } from './context.ts'
import { type Validator, closeError } from './errors.ts'
import type { EventLog } from './events.ts'
import type { SeenRequest, Step } from './http.ts'
import { offsetPage, project } from './pagination.ts'
import {
  ActivityListQuery,
  ContactListQuery,
  CustomFieldListQuery,
  EventListQuery,
  LeadListQuery,
  OneQuery,
  TaskListQuery,
  UserListQuery,
} from './query-schemas.ts'
import type { Records } from './records.ts'
import type { Search } from './search.ts'
import type { Tasks } from './tasks.ts'

/** The stores the routes answer from. */
interface Stores {
  readonly v: Validator
  readonly account: Account
  readonly records: Records
  readonly tasks: Tasks
  readonly activities: Activities
  readonly search: Search
  readonly events: EventLog
  maxSkip(): number
}

export interface Call {
  readonly request: SeenRequest
  readonly query: Record<string, string>
  readonly actor: Actor
  /** The id in the path, for routes that take one. */
  readonly id: string
}

interface Route {
  method: 'GET' | 'POST' | 'PUT'
  path: RegExp
  /** The query parameters it takes (none, when left out). */
  query?: TSchema
  answer(call: Call): Step
}

const ID = '([^/]+)'
const at = (path: string) => new RegExp(`^/api/v1/${path}/$`)

/**
 * Every call the fake serves, under `/api/v1/`, each path ending in `/` (Close's REST convention:
 * closeio/closeio-api issue 107, "a trailing slash should be used on our REST endpoints"). Close
 * also deletes single records (`DELETE /lead/{id}/`…); the gateway never deletes, so the fake
 * answers 405 there, which fails any call that tries.
 */
export function routes(s: Stores): Route[] {
  const activity = (type: ActivityType, path: string, create?: (call: Call) => Step): Route[] => [
    { method: 'GET', path: at(`activity/${path}`), query: ActivityListQuery, answer: (c) => s.activities.list(type, c.query) },
    { method: 'GET', path: at(`activity/${path}/${ID}`), query: OneQuery, answer: (c) => s.activities.get(type, c.id, c.query._fields) },
    ...(create ? [{ method: 'POST' as const, path: at(`activity/${path}`), answer: create }] : []),
  ]
  const customFields = (kind: CustomFieldKind): Route => ({
    method: 'GET',
    path: at(`custom_field/${kind}`),
    query: CustomFieldListQuery,
    answer: (c) => offsetPage(s.account.customFields[kind], c.query, 'custom_field', s.maxSkip(), s.v, `GET /custom_field/${kind}/`, (f) => s.account.showCustomField(f)),
  })
  return [
    { method: 'GET', path: at('me'), query: OneQuery, answer: (c) => ({ status: 200, body: project(s.account.showMe(c.actor.user), c.query._fields) }) },
    {
      method: 'GET',
      path: at('user'),
      query: UserListQuery,
      answer: (c) => offsetPage(s.account.users, c.query, 'user', s.maxSkip(), s.v, 'GET /user/', (u) => project(s.account.showUser(u), c.query._fields)),
    },
    {
      method: 'GET',
      path: at(`user/${ID}`),
      query: OneQuery,
      answer: (c) => {
        const user = s.account.user(c.id)
        return user ? { status: 200, body: project(s.account.showUser(user), c.query._fields) } : closeError.notFound('user')
      },
    },
    customFields('lead'),
    customFields('contact'),
    { method: 'GET', path: at('lead'), query: LeadListQuery, answer: (c) => s.records.list('lead', c.query) },
    { method: 'POST', path: at('lead'), answer: (c) => s.records.createLead(c.request.body, c.actor) },
    { method: 'GET', path: at(`lead/${ID}`), query: OneQuery, answer: (c) => s.records.get('lead', c.id, c.query._fields) },
    { method: 'PUT', path: at(`lead/${ID}`), answer: (c) => s.records.updateLead(c.id, c.request.body, c.actor) },
    { method: 'GET', path: at('contact'), query: ContactListQuery, answer: (c) => s.records.list('contact', c.query) },
    { method: 'POST', path: at('contact'), answer: (c) => s.records.createContact(c.request.body, c.actor) },
    { method: 'GET', path: at(`contact/${ID}`), query: OneQuery, answer: (c) => s.records.get('contact', c.id, c.query._fields) },
    { method: 'PUT', path: at(`contact/${ID}`), answer: (c) => s.records.updateContact(c.id, c.request.body, c.actor) },
    { method: 'GET', path: at('task'), query: TaskListQuery, answer: (c) => s.tasks.list(c.query) },
    { method: 'POST', path: at('task'), answer: (c) => s.tasks.create(c.request.body, c.actor) },
    { method: 'PUT', path: at('task'), query: TaskListQuery, answer: (c) => s.tasks.bulkUpdate(c.query, c.request.body, c.actor) },
    { method: 'GET', path: at(`task/${ID}`), query: OneQuery, answer: (c) => s.tasks.get(c.id, c.query._fields) },
    { method: 'PUT', path: at(`task/${ID}`), answer: (c) => s.tasks.update(c.id, c.request.body, c.actor) },
    ...activity('Note', 'note', (c) => s.activities.createNote(c.request.body, c.actor)),
    ...activity('Email', 'email', (c) => s.activities.createEmail(c.request.body, c.actor)),
    ...activity('TaskCompleted', 'task_completed'),
    { method: 'POST', path: at('data/search'), answer: (c) => s.search.run(c.request.body) },
    { method: 'GET', path: at('event'), query: EventListQuery, answer: (c) => s.events.list(c.query, s.v) },
  ]
}

/** Answers a call by its route: the route's answer, 405 for a path that takes other methods, 404 for none. */
export function dispatch(table: Route[], v: Validator, request: SeenRequest, actor: Actor): Step {
  const onPath = table.filter((route) => route.path.test(request.path))
  const route = onPath.find((r) => r.method === request.method)
  if (!route) return onPath.length > 0 ? closeError.methodNotAllowed() : closeError.notFound('route')
  const query = Object.fromEntries(request.query)
  const operation = `${request.method} ${request.path.replace(/^\/api\/v1/, '')}`
  const bad = v.check(route.query ?? OneQuery, query, operation)
  if (bad) return bad
  const id = route.path.exec(request.path)?.[1] ?? ''
  return route.answer({ request, query, actor, id })
}

/** Whether any route serves this path. */
export function served(table: Route[], path: string): boolean {
  return table.some((route) => route.path.test(path))
}
