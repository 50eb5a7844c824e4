import type { CallOptions, ContactPort, Lookup, NativeContact, UpstreamClient } from '../../src/kit/spec.ts'
import { done, isSafeIntegerId, missing } from '../../src/kit/utils.ts'
import { listFeed } from './changes.ts'
import { createdPipedriveRecords } from './created-records.ts'
import { type EntityCalls, MAX_IDS, entityCalls } from './entity-calls.ts'
import { type FieldPlan, customFieldsQuery } from './field-plan.ts'
import { type FinderSource, find } from './finder.ts'
import { fromPerson, needsCurrent, toPerson } from './person-mapping.ts'
import { Recall, type RecallOptions } from './recall.ts'
import { Person } from './record-schemas.ts'
import { type SearchSpec, searchIds } from './search.ts'

const SEARCHES: Partial<Record<Lookup, SearchSpec>> = {
  email: { route: '/api/v2/persons/search', fields: 'email', exact: true },
  linkedinUrl: { route: '/api/v2/persons/search', fields: 'custom_fields', exact: false },
}

export interface Persons {
  readonly port: ContactPort
  readonly calls: EntityCalls<Person>
  /** A person as the port answers it (a webhook's, say). */
  readonly map: (person: Person) => NativeContact
}

/**
 * Enginy contacts as Pipedrive persons, on API v2. Pipedrive has no batch create or update, so
 * both are declared 1 and the core fans them out; lookups take up to 100 keys (`finder.ts`).
 * Pipedrive does not refuse a second person with the same e-mail: the core's lookup before every
 * create, under its per-key turns, is what keeps Enginy from making one, and a create whose answer
 * was lost is found by a list of changes (`created-records.ts`), which no search lag hides.
 */
export function createPersons(client: UpstreamClient, plan: FieldPlan['contacts'], recallOptions: RecallOptions, linkTo: ContactPort['linkTo']): Persons {
  const calls = entityCalls(client, '/api/v2/persons', Person, customFieldsQuery([plan.linkedinUrl, plan.company, ...plan.extra]))
  const recall = new Recall<NativeContact>(plan.lookups, recallOptions)
  const map = (person: Person) => fromPerson(person, plan)
  const source: FinderSource<NativeContact> = {
    search: (by, key, options) => searchIds(client, SEARCHES[by]!, key, options),
    read: async (ids, options) => (await calls.read(ids, options)).map(map),
    changedSince: async (since, maxPages, options) => {
      const { records, complete } = await calls.changedSince(since, maxPages, options)
      return { records: records.map(map), complete }
    },
  }

  const update = async (id: string, fields: Parameters<typeof toPerson>[0], options: CallOptions) => {
    const at = Date.now()
    const current = needsCurrent(fields) ? await calls.get(id, options) : undefined
    if (current === null) return missing
    const body = toPerson(fields, plan, current, false, options)
    // Nothing Pipedrive holds changes (every field sent was dropped): the person as it is.
    const person = Object.keys(body).length === 0 ? (current ?? (await calls.get(id, options))) : await calls.patch(id, body, options)
    if (!person) return missing
    const contact = map(person)
    recall.saw(contact, at)
    return done(contact)
  }

  const port: ContactPort = {
    capabilities: {
      maxBatchCreate: 1,
      maxBatchUpdate: 1,
      maxBatchFind: MAX_IDS,
      lookups: plan.lookups,
      unsupportedFields: plan.unsupported,
      keepsExtraFields: false,
    },
    isNativeId: isSafeIntegerId,

    doCreateMany: (inputs, options) =>
      Promise.all(
        inputs.map(async (input) => {
          const at = Date.now()
          const contact = map(await calls.create(toPerson(input, plan, undefined, true, options), options))
          recall.saw(contact, at)
          return done(contact)
        }),
      ),

    doUpdateMany: (patches, options) => Promise.all(patches.map(({ id, fields }) => update(id, fields, options))),

    doFind: (by, keys, options) => find(recall, source, by, keys, options),
    createdLookup: createdPipedriveRecords(plan.lookups, source.changedSince),

    changes: listFeed(calls, async (persons) => persons.map(map)),

    ...(linkTo && { linkTo }),
  }
  return { port, calls, map }
}
