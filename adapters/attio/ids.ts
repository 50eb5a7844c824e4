import { Type } from '@sinclair/typebox'

/**
 * Attio's ids: records, tasks, notes, workspace members and objects are UUIDs, answered in lower
 * case (every example of its OpenAPI file, and the file's `z.uuid()` for record ids). Every example
 * is version 4, but nothing promises a version, so none is checked. Canonical form only: an id in
 * capitals would name the same record as its lower-case form.
 */
export const ATTIO_ID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
const ID = new RegExp(ATTIO_ID)

export const isAttioId = (id: string): boolean => ID.test(id)

/** An id in an answer, checked before a later call may use it. */
export const AttioId = Type.String({ pattern: ATTIO_ID })
