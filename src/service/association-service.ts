import type { AssociationPair, CallOptions, ItemResult } from '../kit/spec.ts'
import { done, failed } from '../adapter/results.ts'
import { BatchTooLargeError, GatewayError, InternalError, NotSupportedError, RecordNotFoundError, ReferenceElsewhereError } from '../errors.ts'
import type { Connection } from '../runtime/connections.ts'
import type { Tenant } from '../runtime/runtime.ts'
import { byConnection, runChunks } from './fanout.ts'
import { type ItemError, itemError, throwIfNothingDone } from './item-errors.ts'
import { type Located, locateRecord, servedByTenant } from './records-locate.ts'

export interface PairBody {
  readonly contactCRMId: string
  readonly companyCRMId: string
}

export interface AssociateAnswer {
  success: boolean
  created: number
  errors: (PairBody & ItemError)[]
}

interface Link {
  readonly body: PairBody
  readonly connection?: Connection
  readonly pair?: AssociationPair
  outcome?: ItemResult<'created' | 'existed'>
  /** The first link of the request naming the same pair in the same connection: this one takes
   * its outcome and never reaches the adapter. */
  sameAs?: Link
}

/**
 * Contacts linked to companies. Linking a pair twice is harmless: it is not created again, and
 * not counted in `created`. A pair a request repeats reaches the adapter once, and each repeat is
 * answered as the first (`existed` where the first was `created`). A pair whose contact or company
 * is unknown, or whose two records live in different connections, is reported in `errors` while
 * the others are linked.
 */
export class AssociationService {
  constructor(private readonly maxBatch: number) {}

  async associate(tenant: Tenant, bodies: readonly PairBody[], options: CallOptions): Promise<AssociateAnswer> {
    if (bodies.length > this.maxBatch) throw new BatchTooLargeError(this.maxBatch, 'associations')
    servedByTenant(tenant, 'associations')
    const links = bodies.map((body): Link => {
      let contact: Located | undefined
      let company: Located | undefined
      try {
        contact = locateRecord(tenant, 'contacts', body.contactCRMId)
        company = locateRecord(tenant, 'companies', body.companyCRMId)
      } catch (error) {
        return { body, outcome: failed(error as GatewayError) }
      }
      if (!contact) return { body, outcome: failed(new RecordNotFoundError('contact')) }
      if (!company) return { body, outcome: failed(new RecordNotFoundError('company')) }
      if (contact.connection !== company.connection) {
        return { body, outcome: failed(new ReferenceElsewhereError('companyCRMId', company.connection.name, contact.connection.name)) }
      }
      if (!contact.connection.adapter.associations) return { body, outcome: failed(new NotSupportedError('associations', contact.connection.name)) }
      return { body, connection: contact.connection, pair: { contactId: contact.nativeId, companyId: company.nativeId } }
    })
    const pending = firstOfEachPair(links)
    const outcomes = await runChunks(
      byConnection(pending, (link) => link),
      (connection) => connection.adapter.associations!.capabilities.maxBatch,
      (connection, chunk, chunkOptions) => connection.adapter.associations!.doAssociate(chunk.map((link) => link.pair!), chunkOptions),
      options,
      'chunk',
    )
    for (const outcome of outcomes) {
      outcome.items.forEach((link, i) => {
        const error = 'error' in outcome ? outcome.error : undefined
        link.outcome =
          'value' in outcome
            ? (outcome.value[i] ?? failed(new InternalError()))
            : failed(error instanceof GatewayError ? error : new InternalError(String(error), { cause: error }))
      })
    }
    for (const link of links) if (link.sameAs) link.outcome = repeated(link.sameAs.outcome!)
    throwIfNothingDone(links.map((link) => link.outcome!))
    const answer: AssociateAnswer = { success: true, created: 0, errors: [] }
    for (const { body, outcome } of links) {
      if ('ok' in outcome!) {
        if (outcome.ok === 'created') answer.created++
      } else {
        const error = 'failed' in outcome! ? outcome.failed : new RecordNotFoundError('contact or company')
        answer.errors.push({ ...body, ...itemError(error) })
      }
    }
    return answer
  }
}

/** The links to send: each pair once per connection, its repeats marked `sameAs` the first. */
function firstOfEachPair(links: readonly Link[]): (Link & { connection: Connection })[] {
  const first = new Map<string, Link>()
  const pending: (Link & { connection: Connection })[] = []
  for (const link of links) {
    if (!link.connection) continue
    const key = `${link.connection.name}\u0000${link.pair!.contactId}\u0000${link.pair!.companyId}`
    const earlier = first.get(key)
    if (earlier) {
      link.sameAs = earlier
    } else {
      first.set(key, link)
      pending.push(link as Link & { connection: Connection })
    }
  }
  return pending
}

/** A repeat's outcome: the first's, but a link the first created already existed for the repeat. */
function repeated(outcome: ItemResult<'created' | 'existed'>): ItemResult<'created' | 'existed'> {
  return 'ok' in outcome && outcome.ok === 'created' ? done('existed') : outcome
}
