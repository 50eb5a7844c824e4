/**
 * Close's object ids: a kind prefix, `_`, then 43 letters and digits (a 256-bit number in base
 * 62), the form of every id in the answers recorded from 2013 to 2023 (FACTS.md, "Ids"). Close
 * documents no form, and answers a malformed id 404 like a missing one, so these only keep a
 * crafted id from ever reaching a URL, and answers' ids from steering a later call.
 */
export const ID = {
  lead: '^lead_[A-Za-z0-9]{43}$',
  contact: '^cont_[A-Za-z0-9]{43}$',
  task: '^task_[A-Za-z0-9]{43}$',
  activity: '^acti_[A-Za-z0-9]{43}$',
  user: '^user_[A-Za-z0-9]{43}$',
} as const

export type IdKind = keyof typeof ID

const forms = Object.fromEntries(Object.entries(ID).map(([kind, pattern]) => [kind, new RegExp(pattern)])) as Record<IdKind, RegExp>

export function isCloseId(kind: IdKind, id: string): boolean {
  return forms[kind].test(id)
}

/** `isNativeId` of a port serving `kind`. */
export const closeIds = (kind: IdKind) => (id: string) => isCloseId(kind, id)
