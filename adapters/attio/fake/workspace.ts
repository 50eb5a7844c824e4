import { randomUUID } from 'node:crypto'
import { notFound } from './errors.ts'
import type { SeenRequest, Step } from './http.ts'
import { ok } from './records.ts'
import { attioTimestamp } from './time.ts'

export interface Member {
  readonly id: string
  readonly first_name: string
  readonly last_name: string
  readonly email_address: string
  /** Members are never deleted: a member who left is `suspended`. */
  readonly access_level: 'admin' | 'member' | 'suspended'
}

/** The members a new fake workspace has: two active, one suspended. */
export const defaultMembers = (): Member[] => [
  { id: randomUUID(), first_name: 'Ann', last_name: 'Archer', email_address: 'ann@acme.example', access_level: 'admin' },
  { id: randomUUID(), first_name: 'Bob', last_name: 'Baker', email_address: 'bob@acme.example', access_level: 'member' },
  { id: randomUUID(), first_name: 'Cat', last_name: 'Cooper', email_address: 'cat@acme.example', access_level: 'suspended' },
]

/** The token's grants: the scopes the gateway's calls need (each endpoint's "Required scopes"). */
export const GRANTED_SCOPES = [
  'record_permission:read-write',
  'object_configuration:read',
  'task:read-write',
  'note:read-write',
  'user_management:read',
].join(' ')

export interface Workspace {
  readonly id: string
  readonly slug: string
  readonly name: string
  readonly tokenId: string
  readonly createdAt: number
  readonly members: Member[]
}

/**
 * The workspace endpoints: members (`GET /v2/workspace_members`, every member in one answer, no
 * paging; https://docs.attio.com/rest-api/endpoint-reference/workspace-members) and one by id,
 * and `GET /v2/self`, which identifies the token: `{active: true, scope, workspace_id,
 * workspace_slug, …}`, or `{active: false}` for a token that is not active (the two answers of
 * its OpenAPI schema; https://docs.attio.com/rest-api/endpoint-reference/meta/identify).
 */
export function workspaceRoute(r: SeenRequest, ws: Workspace, tokenIsKnown: boolean): Step | undefined {
  if (r.method !== 'GET') return undefined
  if (r.path === '/v2/self') return { status: 200, body: tokenIsKnown ? self(ws) : { active: false } }
  if (r.path === '/v2/workspace_members') return ok(ws.members.map((m) => memberView(ws, m)))
  const one = /^\/v2\/workspace_members\/([^/]+)$/.exec(r.path)
  if (!one) return undefined
  const member = ws.members.find((m) => m.id === one[1])
  return member ? ok(memberView(ws, member)) : notFound(`Workspace member with ID "${one[1]}" not found.`)
}

function self(ws: Workspace): Record<string, unknown> {
  const member = ws.members[0]!
  return {
    active: true,
    scope: GRANTED_SCOPES,
    client_id: ws.tokenId,
    token_type: 'Bearer',
    exp: null,
    iat: Math.floor(ws.createdAt / 1000),
    sub: ws.id,
    aud: ws.tokenId,
    iss: 'attio.com',
    authorized_by_workspace_member_id: member.id,
    workspace_id: ws.id,
    workspace_name: ws.name,
    workspace_slug: ws.slug,
    workspace_logo_url: null,
  }
}

function memberView(ws: Workspace, m: Member): Record<string, unknown> {
  return {
    id: { workspace_id: ws.id, workspace_member_id: m.id },
    first_name: m.first_name,
    last_name: m.last_name,
    avatar_url: null,
    email_address: m.email_address,
    created_at: attioTimestamp(ws.createdAt),
    access_level: m.access_level,
  }
}
