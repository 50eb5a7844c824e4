import { Type } from '@sinclair/typebox'
import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { ConfigError } from '../../src/kit/utils.ts'
import type { FieldPlan } from './field-plan.ts'
import { list } from './schemas.ts'

const CustomFields = list(Type.Object({ id: Type.String(), name: Type.Optional(Type.String()), type: Type.String() }))
const KINDS = { contacts: 'contact', companies: 'lead' } as const
/** Standard fields whose custom field must hold their kind of value: Close refuses another. */
const TYPES: Record<string, string> = { numberOfEmployees: 'number', ownerId: 'user', externalId: 'text' }

/**
 * `connections test` and the first readiness check: every custom field the connection's
 * `fieldMap` names must be one of the organization's, of a type that holds what Enginy sends
 * (`externalId` text, so a `term` search finds it; a headcount a number; an owner a user). A field
 * Close lacks would fail each write that names it with a 400. Every problem is named in one error.
 */
export async function checkCustomFields(client: UpstreamClient, plan: FieldPlan, connection: string, options: CallOptions): Promise<void> {
  const problems: string[] = []
  for (const [kind, object] of Object.entries(KINDS) as [keyof FieldPlan, 'contact' | 'lead'][]) {
    const named = [...Object.entries(plan[kind].custom), ...plan[kind].extra.map((id) => ['an extra field', id] as const)] as [string, string][]
    if (named.length === 0) continue
    const answer = await client.json(
      { method: 'GET', route: `/api/v1/custom_field/${object}/`, query: { _limit: '1000', _fields: 'id,name,type' }, options },
      CustomFields,
    )
    const fields = new Map(answer.data.map((field) => [field.id, field]))
    for (const [name, id] of named) {
      const field = fields.get(id)
      if (!field) problems.push(`fieldMap.${kind}: Close has no ${object} custom field ${id} (for ${name}; GET /api/v1/custom_field/${object}/ lists them)`)
      else if (TYPES[name] && field.type !== TYPES[name]) problems.push(`fieldMap.${kind}.${name}: the ${object} custom field "${field.name ?? id}" is of type ${field.type}; make it a ${TYPES[name]} field`)
    }
  }
  if (problems.length > 0) throw new ConfigError(`connections.${connection}`, problems.join('; '))
}
