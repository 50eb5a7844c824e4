import type { CallOptions, CompanyFields, NativeCompany, RecordInput } from '../../src/kit/spec.ts'
import { normalize } from '../../src/kit/utils.ts'
import type { FieldPlan } from './field-plan.ts'
import type { Organization } from './record-schemas.ts'
import { integerId } from './references.ts'
import { parseTime } from './times.ts'

type Plan = FieldPlan['companies']

/** The built-in `industry` field's options, both ways (from `/organizationFields`). */
export interface Industries {
  readonly byLabel: ReadonlyMap<string, number>
  readonly byId: ReadonlyMap<number, string>
}

/** The body v2's `POST`/`PATCH /organizations` take, as far as companies use it. */
export interface OrganizationBody {
  name?: string
  owner_id?: number
  website?: string
  linkedin?: string
  industry?: number
  employee_count?: number
  custom_fields?: Record<string, unknown>
}

/**
 * Company fields to an organization body. The domain goes to the custom field `plan` names (the
 * only place search can find it), else to the built-in `website`; the LinkedIn URL likewise to a
 * custom field, else to the built-in `linkedin`. The industry is the built-in option of that
 * label, unless a custom field is named for it; a label the account has no option for is dropped
 * with a warning. A new organization needs a name: one without is named by its domain.
 */
export function toOrganization(
  fields: RecordInput<Partial<CompanyFields>>,
  plan: Plan,
  industries: Industries | undefined,
  creating: boolean,
  options: CallOptions,
): OrganizationBody {
  const body: OrganizationBody = {}
  const custom: Record<string, unknown> = { ...fields.extra }
  if (fields.name !== undefined) body.name = fields.name
  else if (creating) {
    const domain = fields.domain === undefined ? undefined : normalize.domain(fields.domain)
    body.name = domain ?? fields.linkedinUrl ?? `Enginy ${fields.externalId ?? 'company'}`
    options.warn({ type: 'compatibility', field: 'name', message: `Pipedrive requires an organization's name; a company without one is named "${body.name}"` })
  }
  if (fields.domain !== undefined) {
    if (plan.domain) custom[plan.domain] = fields.domain
    else body.website = fields.domain
  }
  if (fields.linkedinUrl !== undefined) {
    if (plan.linkedinUrl) custom[plan.linkedinUrl] = fields.linkedinUrl
    else body.linkedin = fields.linkedinUrl
  }
  if (fields.industry !== undefined) {
    const option = industries?.byLabel.get(fields.industry.trim().toLowerCase())
    if (plan.industry) custom[plan.industry] = fields.industry
    else if (option !== undefined) body.industry = option
    else {
      options.warn({
        type: 'unsupported',
        field: 'industry',
        message: `Pipedrive has no industry option "${fields.industry.slice(0, 64)}" (add it, or name a custom field in fieldMap.companies.industry); it is not stored`,
      })
    }
  }
  if (fields.numberOfEmployees !== undefined && Number.isSafeInteger(fields.numberOfEmployees)) body.employee_count = fields.numberOfEmployees
  if (fields.ownerId !== undefined) body.owner_id = integerId('ownerId', fields.ownerId)
  if (Object.keys(custom).length > 0) body.custom_fields = custom
  return body
}

/** An organization to the gateway's company. */
export function fromOrganization(org: Organization, plan: Plan, industries: Industries | undefined): NativeCompany {
  const company: NativeCompany = { id: String(org.id) }
  const created = parseTime(org.add_time)
  if (created !== undefined) company.createdAt = created
  const modified = parseTime(org.update_time)
  if (modified !== undefined) company.modifiedAt = modified
  const custom = org.custom_fields ?? {}
  const values: Partial<Record<keyof CompanyFields, unknown>> = {
    name: org.name,
    domain: plan.domain ? custom[plan.domain] : org.website,
    linkedinUrl: plan.linkedinUrl ? custom[plan.linkedinUrl] : org.linkedin,
    industry: plan.industry ? custom[plan.industry] : typeof org.industry === 'number' ? industries?.byId.get(org.industry) : undefined,
    ownerId: org.owner_id ? String(org.owner_id) : undefined,
  }
  Object.assign(company, Object.fromEntries(Object.entries(values).filter(([, value]) => typeof value === 'string' && value !== '')))
  if (typeof org.employee_count === 'number') company.numberOfEmployees = org.employee_count
  const extra = Object.fromEntries(plan.extra.flatMap((key) => (custom[key] === undefined || custom[key] === null ? [] : [[key, custom[key]]])))
  if (Object.keys(extra).length > 0) company.extra = extra
  return company
}

/** Whether reading or writing these needs the industry options. */
export const usesIndustries = (plan: Plan) => plan.industry === undefined
