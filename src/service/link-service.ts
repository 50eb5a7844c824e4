import type { CallOptions } from '../adapter/common.ts'
import { LinkNotFoundError } from '../errors.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { decodeId } from './ids.ts'
import type { RecordKind } from './records-locate.ts'

/**
 * The page of a record in the CRM's own UI, for Enginy's `contactLinkTemplate` and
 * `companyLinkTemplate`. A browser opens these, so they carry no API key: the answer is a redirect
 * or a 404 and nothing else, and it never depends on whether the record exists (the adapter builds
 * the URL from the id without asking the CRM about it). The id names its connection.
 */
export async function recordLink(runtime: Runtime, kind: RecordKind, crmId: string, options: CallOptions): Promise<string> {
  const decoded = decodeId(crmId)
  const port = decoded && runtime.connections.get(decoded.connection)?.adapter[kind]
  if (!decoded || !port?.linkTo || !port.isNativeId(decoded.nativeId)) throw new LinkNotFoundError()
  const url = await port.linkTo(decoded.nativeId, options).catch(() => undefined)
  if (!url || !/^https?:\/\/[^\s]+$/.test(url)) throw new LinkNotFoundError()
  return url
}
