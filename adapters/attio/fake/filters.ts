import type { AttributeDef, AttributeType } from './attributes.ts'
import { MAIN_PROPERTY } from './values.ts'

/**
 * The `filter` and `sorts` of `POST /v2/objects/{object}/records/query`, as Attio's filtering
 * guide describes them (https://docs.attio.com/rest-api/guides/filtering-and-sorting): shorthand
 * (`{"email_addresses": "a@b.com"}`: equality on the attribute's main property, several keys
 * ANDed), verbose (`{"name": {"full_name": {"$eq": "…"}}}`, or operators on the main property),
 * and `$and`, `$or`, `$not`. The operators each attribute type takes are the ones its type page
 * lists, gathered in the table of hbmartin/attio-ts-sdk docs/filters.md ("Filtering by Attribute
 * Type"): `$in` on text and record references only, so e-mail addresses are looked up with an
 * `$or` of `$eq`s. Anything else is Attio's 400 `filter_error`.
 */

export class FilterError extends Error {}

/** Reads the active values of one attribute of a record. */
export type ValuesOf = (slug: string) => readonly Readonly<Record<string, unknown>>[]

const OPERATORS: Record<string, readonly AttributeType[]> = {
  $eq: ['text', 'number', 'checkbox', 'personal-name', 'email-address', 'phone-number', 'domain', 'record-reference', 'timestamp', 'actor-reference'],
  $in: ['text', 'record-reference'],
  $not_empty: ['personal-name', 'phone-number', 'domain'],
  $contains: ['text', 'personal-name', 'email-address', 'phone-number', 'domain'],
  $starts_with: ['text', 'personal-name', 'email-address', 'phone-number', 'domain'],
  $ends_with: ['text', 'personal-name', 'email-address', 'phone-number', 'domain'],
  $lt: ['number', 'timestamp'],
  $lte: ['number', 'timestamp'],
  $gt: ['number', 'timestamp'],
  $gte: ['number', 'timestamp'],
}

/** E-mail addresses and domains are compared in their normal (lower-case) form. */
const FOLDED: readonly AttributeType[] = ['email-address', 'domain']

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export class RecordFilter {
  constructor(private readonly attribute: (slug: string) => AttributeDef | undefined) {}

  /** Throws a FilterError for a filter Attio would refuse, whatever the records. */
  check(filter: unknown): void {
    this.matches(filter, () => [])
  }

  matches(filter: unknown, valuesOf: ValuesOf): boolean {
    if (!isObject(filter)) throw new FilterError('A filter must be an object.')
    const keys = Object.keys(filter)
    const logical = keys.filter((key) => key.startsWith('$'))
    if (logical.length > 0) {
      if (keys.length !== 1) throw new FilterError(`A logical operator (${logical[0]}) must be the filter's only key.`)
      const [key] = logical as [string]
      const operand = filter[key]
      if (key === '$not') return !this.matches(operand, valuesOf)
      if ((key === '$and' || key === '$or') && Array.isArray(operand)) {
        const results = operand.map((part) => this.matches(part, valuesOf))
        return key === '$and' ? results.every(Boolean) : results.some(Boolean)
      }
      throw new FilterError(`Unknown logical operator ${key}, or its operand is not an array.`)
    }
    if (keys.includes('path')) throw new FilterError('The fake does not serve path filters.')
    return keys.map((slug) => this.condition(slug, filter[slug], valuesOf)).every(Boolean)
  }

  private condition(slug: string, spec: unknown, valuesOf: ValuesOf): boolean {
    const def = this.attribute(slug)
    if (!def) throw new FilterError(`Unknown attribute slug or ID "${slug}".`)
    const values = valuesOf(slug)
    const main = MAIN_PROPERTY[def.type]
    if (!isObject(spec)) return this.compare(def, values, main, { $eq: spec })
    const keys = Object.keys(spec)
    if (keys.every((key) => key.startsWith('$'))) return this.compare(def, values, main, spec)
    return keys
      .map((property) => {
        const condition = spec[property]
        return this.compare(def, values, property, isObject(condition) ? condition : { $eq: condition })
      })
      .every(Boolean)
  }

  private compare(def: AttributeDef, values: readonly Readonly<Record<string, unknown>>[], property: string, operators: Record<string, unknown>): boolean {
    for (const [operator, operand] of Object.entries(operators)) {
      const types = OPERATORS[operator]
      if (!types) throw new FilterError(`Unknown operator ${operator}.`)
      if (!types.includes(def.type)) throw new FilterError(`The operator ${operator} cannot be used on attribute "${def.slug}" of type ${def.type}.`)
      if (operator === '$in' && !Array.isArray(operand)) throw new FilterError(`$in on "${def.slug}" takes an array.`)
    }
    return Object.entries(operators).every(([operator, operand]) => {
      if (operator === '$not_empty') return values.length > 0
      const fold = (value: unknown) => (FOLDED.includes(def.type) && typeof value === 'string' ? value.toLowerCase() : value)
      return values.some((value) => test(operator, fold(value[property]), operator === '$in' ? (operand as unknown[]).map(fold) : fold(operand)))
    })
  }
}

function test(operator: string, actual: unknown, operand: unknown): boolean {
  switch (operator) {
    case '$eq':
      return actual === operand
    case '$in':
      return (operand as unknown[]).includes(actual)
    case '$contains':
      return typeof actual === 'string' && typeof operand === 'string' && actual.toLowerCase().includes(operand.toLowerCase())
    case '$starts_with':
      return typeof actual === 'string' && typeof operand === 'string' && actual.toLowerCase().startsWith(operand.toLowerCase())
    case '$ends_with':
      return typeof actual === 'string' && typeof operand === 'string' && actual.toLowerCase().endsWith(operand.toLowerCase())
    default: {
      const [a, b] = [ordered(actual), ordered(operand)]
      if (a === undefined || b === undefined) return false
      return operator === '$lt' ? a < b : operator === '$lte' ? a <= b : operator === '$gt' ? a > b : a >= b
    }
  }
}

/** Numbers as they are, timestamps as milliseconds. */
function ordered(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(ms) ? undefined : ms
}

export interface Sort {
  readonly direction: 'asc' | 'desc'
  readonly attribute: string
  readonly field?: string
}

/** Orders records by `sorts`, each on an attribute's first value (or its `field`); records
 * without a value come last. An attribute the object lacks (there is no `updated_at`) is a
 * `filter_error`. */
export function sortKeys(sorts: readonly Sort[], attribute: (slug: string) => AttributeDef | undefined): (valuesOf: ValuesOf) => unknown[] {
  const defs = sorts.map((sort) => {
    const def = attribute(sort.attribute)
    if (!def) throw new FilterError(`Cannot sort by unknown attribute "${sort.attribute}".`)
    return { def, property: sort.field ?? MAIN_PROPERTY[def.type] }
  })
  return (valuesOf) => defs.map(({ def, property }) => valuesOf(def.slug)[0]?.[property])
}

export function compareKeys(sorts: readonly Sort[], a: unknown[], b: unknown[]): number {
  for (const [i, sort] of sorts.entries()) {
    const [x, y] = [a[i], b[i]]
    if (x === y) continue
    if (x === undefined) return 1
    if (y === undefined) return -1
    const order = String(x).localeCompare(String(y), 'en', { numeric: true })
    if (order !== 0) return sort.direction === 'asc' ? order : -order
  }
  return 0
}
