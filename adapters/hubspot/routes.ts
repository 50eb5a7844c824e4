import type { AssociatedKind } from './mapping.ts'

/**
 * HubSpot's date-versioned API (`/crm/objects/2026-09/tasks`…), which replaces the v3 objects
 * (unsupported from September 2027) and v4 associations (from 30 March 2027). A version ships each
 * March and September and is supported for 18 months; the paths and bodies the adapter uses are
 * the same in every version listed here, checked against HubSpot's published files for each.
 */
export const API_VERSIONS = ['2026-03', '2026-09'] as const
export type ApiVersion = (typeof API_VERSIONS)[number]
export const DEFAULT_API_VERSION: ApiVersion = '2026-09'

export function isApiVersion(version: string): version is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(version)
}

/** Route templates of one API version; ids go in `params`, never in the template. */
export function routes(version: ApiVersion) {
  const tasks = `/crm/objects/${version}/tasks`
  return {
    tasks,
    task: `${tasks}/{taskId}`,
    batchRead: `${tasks}/batch/read`,
    batchUpdate: `${tasks}/batch/update`,
    associationsRead: (kind: AssociatedKind) => `/crm/associations/${version}/tasks/${kind}/batch/read`,
    association: (kind: AssociatedKind) => `${tasks}/{taskId}/associations/${kind}/{toObjectId}`,
    owners: `/crm/owners/${version}`,
  }
}
export type Routes = ReturnType<typeof routes>
