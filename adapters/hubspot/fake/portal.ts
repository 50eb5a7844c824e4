import type { SeenRequest, Step } from '../../../src/kit/testing.ts'
import type { Validator } from './answers.ts'
import type { ObjectType, PropertyDefinition } from './properties.ts'

export interface Owner {
  id: string
  email: string
  firstName?: string
  lastName?: string
  userId: number
}

const OWNERS_DEFAULT_PAGE = 100
const OWNERS_MAX_PAGE = 500

/**
 * `GET /crm/owners/2026-09`: `limit` (100 by default) owners a page, the next page's offset in
 * `paging.next.after`; `email` picks one owner by address.
 */
export function listOwners(owners: readonly Owner[], v: Validator, r: SeenRequest): Step {
  const email = r.query.get('email')?.toLowerCase()
  const limit = Number(r.query.get('limit') ?? OWNERS_DEFAULT_PAGE)
  if (!Number.isInteger(limit) || limit < 1 || limit > OWNERS_MAX_PAGE) return v.refuse('owners', `limit must be 1 to ${OWNERS_MAX_PAGE}`)
  const after = r.query.get('after')
  if (after !== null && !/^\d+$/.test(after)) return v.refuse('owners', 'after must be a paging token it answered')
  const start = after === null ? 0 : Number(after)
  const matching = owners.filter((owner) => !email || owner.email === email)
  const page = matching.slice(start, start + limit)
  const now = '2024-01-10T09:12:44.019Z'
  const next = start + limit < matching.length ? String(start + limit) : undefined
  return {
    body: {
      results: page.map((owner) => ({ ...owner, type: 'PERSON', archived: false, createdAt: now, updatedAt: now, teams: [] })),
      ...(next !== undefined && { paging: { next: { after: next, link: `?after=${next}` } } }),
    },
  }
}

/** `GET /account-info/2026-09/details`. */
export function accountDetails(portalId: number, uiDomain: string): Step {
  return {
    body: {
      portalId,
      accountType: 'STANDARD',
      timeZone: 'Europe/Madrid',
      companyCurrency: 'EUR',
      additionalCurrencies: [],
      utcOffset: '+01:00',
      utcOffsetMilliseconds: 3_600_000,
      uiDomain,
      dataHostingLocation: uiDomain === 'app-eu1.hubspot.com' ? 'eu1' : 'na1',
    },
  }
}

/** `GET /crm/properties/2026-09/{objectType}`: every definition, no paging. */
export function listProperties(definitions: Record<ObjectType, Map<string, PropertyDefinition>>, type: ObjectType): Step {
  return { body: { results: [...definitions[type].values()] } }
}
