import type { TaskTypes } from '../../src/kit/spec.ts'

/** HubSpot's task types (`hs_task_type`): any other value is a 400. */
const HUBSPOT_TYPES = new Set(['CALL', 'EMAIL', 'TODO', 'LINKED_IN', 'LINKED_IN_CONNECT', 'LINKED_IN_MESSAGE'])
/** Enginy types whose HubSpot type is not just their upper-case form. */
const ALIASES: Readonly<Record<string, string>> = { linkedin: 'LINKED_IN' }
const REVERSE = new Map(Object.entries(ALIASES).map(([enginy, hubspot]) => [hubspot, enginy]))

/**
 * What a HubSpot connection without a `typeMap` does with Enginy's types: one whose upper-case
 * form is a HubSpot type is that type (`call` → `CALL`), `linkedin` is `LINKED_IN`, anything else
 * is `TODO` with a warning. Without this, Enginy's own example (`"type": "call"`) was refused.
 */
export const hubspotTaskTypes: TaskTypes = {
  toCrm(type) {
    const upper = type.toUpperCase()
    return Object.hasOwn(ALIASES, type) ? ALIASES[type] : HUBSPOT_TYPES.has(upper) ? upper : undefined
  },
  fromCrm: (type) => REVERSE.get(type) ?? type.toLowerCase(),
  fallback: 'TODO',
}
