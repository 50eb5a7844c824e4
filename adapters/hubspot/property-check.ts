import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { ConfigError } from '../../src/kit/utils.ts'
import { PropertyList } from './answers.ts'
import type { RecordMapping } from './record-mapping.ts'
import type { ObjectKind, Routes } from './routes.ts'

/** A property the connection will write, and the config that makes it do so. */
export interface NeededProperty {
  readonly kind: ObjectKind
  readonly property: string
  /** What names it, for the message: `fieldMap.contacts.linkedinUrl`, `messageIdProperty`… */
  readonly from: string
  /** It must hold unique values (HubSpot's `hasUniqueValue`), to be read back by `idProperty`. */
  readonly unique?: boolean
}

/** The properties the record mappings write, each named by where it comes from. */
export function neededByMappings(connection: string, mappings: readonly RecordMapping[]): NeededProperty[] {
  return mappings.flatMap((mapping) =>
    mapping.sources.map((source) => ({
      kind: mapping.kind,
      property: source.property,
      from:
        source.mappedFrom === undefined
          ? `the default property for ${source.field} (set connections.${connection}.fieldMap.${mapping.kind}.${source.field} to the one your portal uses)`
          : `connections.${connection}.fieldMap.${mapping.kind}.${source.mappedFrom}`,
    })),
  )
}

/**
 * Checks, with one read of each kind's property definitions (`GET /crm/properties/2026-09/{kind}`),
 * that HubSpot has every property the connection will write, is allowed to write it, and that
 * those read back by `idProperty` hold unique values. HubSpot refuses an unknown property with a
 * 400 at the first export; this turns that into one message naming every problem, at
 * `connections test` and in `/readyz`.
 */
export async function checkProperties(client: UpstreamClient, route: Routes, connection: string, needed: readonly NeededProperty[], options: CallOptions): Promise<void> {
  const kinds = [...new Set(needed.map((need) => need.kind))]
  const lists = await Promise.all(
    kinds.map((kind) => client.json({ method: 'GET', route: route.properties(kind), query: { archived: 'false' }, expect: [200], options }, PropertyList)),
  )
  const known = new Map(kinds.map((kind, i) => [kind, new Map(lists[i]!.results.map((definition) => [definition.name, definition]))]))
  const problems: string[] = []
  for (const need of needed) {
    const definition = known.get(need.kind)?.get(need.property)
    if (!definition) problems.push(`HubSpot has no ${need.kind} property "${need.property}", named by ${need.from}`)
    else if (definition.modificationMetadata?.readOnlyValue) problems.push(`the ${need.kind} property "${need.property}" (${need.from}) is read-only in HubSpot`)
    else if (need.unique && !definition.hasUniqueValue) {
      problems.push(`the ${need.kind} property "${need.property}" (${need.from}) must be created with unique values ("hasUniqueValue": true)`)
    }
  }
  if (problems.length > 0) throw new ConfigError(`connections.${connection}`, `HubSpot cannot hold what this connection writes: ${problems.join('; ')}`)
}
