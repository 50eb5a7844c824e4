import { LinkNotFoundError } from '../errors.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { decodeId } from '../contract/ids.ts'
import type { RecordKind } from './records-locate.ts'

/**
 * The page of a record in the CRM's own UI, for Enginy's `contactLinkTemplate` and
 * `companyLinkTemplate`. A browser opens these, so they carry no API key: the tenant's link token
 * in the path is the capability, and the id must be of one of that tenant's connections. The
 * adapter builds the URL from what it holds (`linkTo` is synchronous), so a link makes no CRM
 * call, and it never tells whether the record exists. Every other case (an unknown token, a
 * connection of another tenant or of none, an id not of the CRM's form, a link its adapter cannot
 * build yet) is the one `LinkNotFoundError`, so that nothing tells them apart.
 */
export function recordLink(runtime: Runtime, token: string, kind: RecordKind, crmId: string): string {
  const tenant = runtime.linkTokens.find(token)
  const decoded = tenant && decodeId(crmId)
  const port = decoded && tenant.connections.get(decoded.connection)?.adapter[kind]
  const url = decoded && port?.linkTo && port.isNativeId(decoded.nativeId) ? port.linkTo(decoded.nativeId) : undefined
  if (!url || !/^https?:\/\/[^\s]+$/.test(url)) throw new LinkNotFoundError()
  return url
}
