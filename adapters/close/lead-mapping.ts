import type { Static } from '@sinclair/typebox'
import type { CompanyFields, NativeCompany, RecordInput } from '../../src/kit/spec.ts'
import { normalize } from '../../src/kit/utils.ts'
import { customBody, customFields, customKeys } from './custom-values.ts'
import type { KindPlan } from './field-plan.ts'
import type { Lead } from './schemas.ts'
import { parseCloseTime } from './times.ts'

export type CloseLead = Static<typeof Lead>
type Plan = KindPlan<CompanyFields>

/** The fields a lead's answer is asked for: never its contacts and tasks, which it holds too. */
export const leadFields = (plan: Plan) => ['id', 'name', 'url', 'date_created', 'date_updated', ...customKeys(plan)]

/** A company is a lead: `name`, and its domain as the lead's `url` (a URL, as Close shows it). */
export function toLead(input: RecordInput<Partial<CompanyFields>>, plan: Plan): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (input.name !== undefined) body.name = input.name
  if (input.domain !== undefined) body.url = /^[a-z][a-z0-9+.-]*:\/\//i.test(input.domain.trim()) ? input.domain.trim() : `https://${input.domain.trim()}`
  return { ...body, ...customBody(plan, input as Record<string, unknown>, input.extra) }
}

export function fromLead(lead: CloseLead, plan: Plan): NativeCompany {
  const domain = lead.url ? normalize.domain(lead.url) : undefined
  const { fields, extra } = customFields(plan, lead as Record<string, unknown>)
  const createdAt = parseCloseTime(lead.date_created)
  const modifiedAt = parseCloseTime(lead.date_updated)
  return {
    id: lead.id,
    ...(lead.name && { name: lead.name }),
    ...(domain && { domain }),
    ...(fields as Partial<CompanyFields>),
    ...(extra && { extra }),
    ...(createdAt !== undefined && { createdAt }),
    ...(modifiedAt !== undefined && { modifiedAt }),
  }
}
