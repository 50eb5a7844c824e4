import type { AssociationPair, AssociationPort, CallOptions, ItemResult, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, done, failed, missing } from '../../src/kit/utils.ts'
import { ContactCompanies, DefaultAssociations, ErrorBody, parseAnswer } from './answers.ts'
import { hubspotErrorMessage } from './error-message.ts'
import { MAX_ASSOCIATION_INPUTS } from './limits.ts'
import { type ObjectReads, unasked } from './objects.ts'
import type { Routes } from './routes.ts'

type Outcome = ItemResult<'created' | 'existed'>
/** How many more pages of one contact's companies a check follows (500 companies a page). */
const MAX_PAGES = 10
const key = (contactId: string, companyId: string) => `${contactId}\u0000${companyId}`

/**
 * Contacts linked to companies with HubSpot's default (unlabeled) association, a batch of up to
 * 1,000 pairs in two calls: one read of the contacts' companies (to tell `existed` from
 * `created`, which the default-association answer does not), then one
 * `batch/associate/default` of the new pairs. Pairs the answer does not confirm are checked for
 * existence, with a batch read of their contacts and companies: a missing record is `missing`;
 * the others are sent once more, and fail with HubSpot's reason if refused again.
 */
export function createHubSpotAssociations(client: UpstreamClient, route: Routes, reads: { contacts: ObjectReads; companies: ObjectReads }): AssociationPort {
  const linked = async (contactIds: readonly string[], options: CallOptions): Promise<Map<string, Set<string>>> => {
    const found = new Map<string, Set<string>>(contactIds.map((id) => [id, new Set()]))
    let inputs: { id: string; after?: string }[] = contactIds.map((id) => ({ id }))
    for (let page = 0; inputs.length > 0 && page <= MAX_PAGES; page++) {
      const answer = await client.json(
        { method: 'POST', route: route.contactCompanies, body: { inputs }, idempotent: true, expect: [200, 207], options },
        ContactCompanies,
      )
      // A contact with no company (or none at all) comes back as an OBJECT_NOT_FOUND error. Any
      // other error only means this read cannot tell `existed`: the pair is linked all the same.
      const other = answer.errors?.find((error) => error.category !== 'OBJECT_NOT_FOUND')
      if (other) options.warn({ type: 'compatibility', message: client.scrub(`HubSpot could not read some contacts' companies: ${other.message}`).slice(0, 300) })
      inputs = []
      for (const result of answer.results) {
        const companies = found.get(result.from.id)
        if (!companies) {
          unasked(options, 'contact', result.from.id)
          continue
        }
        for (const to of result.to) companies.add(String(to.toObjectId))
        const after = result.paging?.next?.after
        if (after !== undefined) inputs.push({ id: result.from.id, after })
      }
    }
    return found
  }

  /** Sends `pairs`; answers the keys HubSpot confirmed, and its reason if it refused some. */
  const associate = async (pairs: readonly AssociationPair[], options: CallOptions) => {
    const body = { inputs: pairs.map((pair) => ({ from: { id: pair.contactId }, to: { id: pair.companyId } })) }
    // Linking a pair twice is harmless: the call is retried like a read.
    const response = await client.send({ method: 'POST', route: route.associateDefault, body, idempotent: true, expect: [200, 201, 207, 400], options })
    const what = `POST ${route.associateDefault}`
    if (response.status === 400) return { confirmed: new Set<string>(), reason: hubspotErrorMessage(parseAnswer(response, ErrorBody, what)) }
    const answer = parseAnswer(response, DefaultAssociations, what)
    const asked = new Set(pairs.map((pair) => key(pair.contactId, pair.companyId)))
    const confirmed = new Set<string>()
    for (const result of answer.results) {
      const made = key(result.from.id, result.to.id)
      if (asked.has(made)) confirmed.add(made)
      else unasked(options, 'association of contact', result.from.id)
    }
    const first = answer.errors?.[0]
    return { confirmed, reason: first && (hubspotErrorMessage(first) ?? first.category) }
  }

  /** Whether each of these records exists, for pairs HubSpot did not link. */
  const existing = async (pairs: readonly AssociationPair[], options: CallOptions) => {
    const [contacts, companies] = await Promise.all([
      reads.contacts.byIds([...new Set(pairs.map((pair) => pair.contactId))], ['hs_object_id'], options),
      reads.companies.byIds([...new Set(pairs.map((pair) => pair.companyId))], ['hs_object_id'], options),
    ])
    const ids = new Set([...contacts.map((c) => `contact ${c.id}`), ...companies.map((c) => `company ${c.id}`)])
    return (pair: AssociationPair) => ids.has(`contact ${pair.contactId}`) && ids.has(`company ${pair.companyId}`)
  }

  return {
    capabilities: { maxBatch: MAX_ASSOCIATION_INPUTS },

    async doAssociate(pairs, options) {
      const unique = new Map<string, AssociationPair>()
      for (const pair of pairs) unique.set(key(pair.contactId, pair.companyId), pair)
      const outcome = new Map<string, Outcome>()
      const before = await linked([...new Set(pairs.map((pair) => pair.contactId))], options)
      const fresh = [...unique].filter(([k, pair]) => {
        if (!before.get(pair.contactId)?.has(pair.companyId)) return true
        outcome.set(k, done('existed'))
        return false
      })
      let pending = fresh.map(([, pair]) => pair)
      for (let round = 0; pending.length > 0 && round < 2; round++) {
        const { confirmed, reason } = await associate(pending, options)
        for (const k of confirmed) outcome.set(k, done('created'))
        const refused = pending.filter((pair) => !confirmed.has(key(pair.contactId, pair.companyId)))
        if (refused.length === 0) break
        const exists = await existing(refused, options)
        for (const pair of refused) if (!exists(pair)) outcome.set(key(pair.contactId, pair.companyId), missing)
        pending = refused.filter(exists)
        if (round === 1 || pending.length === 0) {
          const error = new UpstreamRejectedError(client.scrub(`HubSpot did not link the contact to the company: ${reason ?? 'no reason given'}`).slice(0, 500))
          for (const pair of pending) outcome.set(key(pair.contactId, pair.companyId), failed(error))
        }
      }
      // A pair named twice in one request is linked once: its repeats existed by then.
      const answered = new Set<string>()
      return pairs.map((pair) => {
        const k = key(pair.contactId, pair.companyId)
        const result = outcome.get(k) ?? failed(new UpstreamRejectedError('HubSpot did not link the contact to the company'))
        if (answered.has(k) && 'ok' in result) return done('existed' as const)
        answered.add(k)
        return result
      })
    },
  }
}
