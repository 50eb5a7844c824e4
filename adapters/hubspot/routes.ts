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

/** The CRM objects the adapter writes besides tasks. */
export type ObjectKind = 'contacts' | 'companies' | 'emails' | 'communications'

/** Route templates of one API version; ids go in `params`, never in the template (an object
 * kind is one of the literals above, never a caller's value). */
export function routes(version: ApiVersion) {
  const tasks = `/crm/objects/${version}/tasks`
  const objects = (kind: ObjectKind) => `/crm/objects/${version}/${kind}`
  return {
    tasks,
    task: `${tasks}/{taskId}`,
    batchRead: `${tasks}/batch/read`,
    batchUpdate: `${tasks}/batch/update`,
    associationsRead: (kind: AssociatedKind) => `/crm/associations/${version}/tasks/${kind}/batch/read`,
    association: (kind: AssociatedKind) => `${tasks}/{taskId}/associations/${kind}/{toObjectId}`,
    owners: `/crm/owners/${version}`,
    create: (kind: ObjectKind) => objects(kind),
    objectsRead: (kind: ObjectKind) => `${objects(kind)}/batch/read`,
    objectsCreate: (kind: ObjectKind) => `${objects(kind)}/batch/create`,
    objectsUpdate: (kind: ObjectKind) => `${objects(kind)}/batch/update`,
    search: (kind: ObjectKind) => `${objects(kind)}/search`,
    properties: (kind: ObjectKind) => `/crm/properties/${version}/${kind}`,
    contactCompanies: `/crm/associations/${version}/contacts/companies/batch/read`,
    engagementLinks: (kind: 'emails' | 'communications', to: AssociatedKind) => `/crm/associations/${version}/${kind}/${to}/batch/read`,
    associateDefault: `/crm/associations/${version}/contacts/companies/batch/associate/default`,
    accountDetails: `/account-info/${version}/details`,
  }
}
export type Routes = ReturnType<typeof routes>
