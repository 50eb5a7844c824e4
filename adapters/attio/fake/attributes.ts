import { randomUUID } from 'node:crypto'
import { attioTimestamp } from './time.ts'

export type ObjectSlug = 'people' | 'companies'

/** The attribute types the fake stores (Attio has more: location, select, currency…). */
export type AttributeType = 'text' | 'number' | 'checkbox' | 'personal-name' | 'email-address' | 'phone-number' | 'domain' | 'record-reference' | 'timestamp' | 'actor-reference'

export interface AttributeDef {
  readonly id: string
  readonly slug: string
  readonly title: string
  readonly type: AttributeType
  readonly multiselect: boolean
  readonly unique: boolean
  readonly writable: boolean
  readonly system: boolean
  /** The object a record reference points at. */
  readonly target?: ObjectSlug
  /** Answered from the other side of a relationship, never stored (companies' `team`). */
  readonly derived?: boolean
}

type Spec = Omit<AttributeDef, 'id' | 'system' | 'writable'> & { writable?: boolean }

const attribute = (spec: Spec, system = true): AttributeDef => ({ id: randomUUID(), writable: true, system, ...spec })
const text = (slug: string, title: string): Spec => ({ slug, title, type: 'text', multiselect: false, unique: false })

/**
 * Every object's own attributes: `record_id`, `created_at`, `created_by`, none writable
 * (https://docs.attio.com/docs/standard-objects, "Attributes on every object").
 */
const everyObject = (): AttributeDef[] => [
  attribute({ ...text('record_id', 'Record ID'), writable: false }),
  attribute({ slug: 'created_at', title: 'Created at', type: 'timestamp', multiselect: false, unique: false, writable: false }),
  attribute({ slug: 'created_by', title: 'Created by', type: 'actor-reference', multiselect: false, unique: false, writable: false }),
]

/**
 * The writable standard attributes the gateway uses, with Attio's slugs and traits: people
 * (https://docs.attio.com/docs/standard-objects/standard-objects-people) have unique, multiselect
 * `email_addresses`, a personal `name`, a `company` reference (one company: not multiselect),
 * `job_title`, multiselect `phone_numbers` and text `linkedin`; companies
 * (https://docs.attio.com/docs/standard-objects/standard-objects-companies) have unique,
 * multiselect `domains`, a text `name`, and `team`, the inverse of people's `company`.
 */
export function standardAttributes(object: ObjectSlug): AttributeDef[] {
  if (object === 'people') {
    return [
      ...everyObject(),
      attribute({ slug: 'email_addresses', title: 'Email addresses', type: 'email-address', multiselect: true, unique: true }),
      attribute({ slug: 'name', title: 'Name', type: 'personal-name', multiselect: false, unique: false }),
      attribute({ slug: 'company', title: 'Company', type: 'record-reference', multiselect: false, unique: false, target: 'companies' }),
      attribute(text('description', 'Description')),
      attribute(text('job_title', 'Job title')),
      attribute({ slug: 'phone_numbers', title: 'Phone numbers', type: 'phone-number', multiselect: true, unique: false }),
      attribute(text('linkedin', 'LinkedIn')),
      attribute(text('twitter', 'Twitter')),
    ]
  }
  return [
    ...everyObject(),
    attribute({ slug: 'domains', title: 'Domains', type: 'domain', multiselect: true, unique: true }),
    attribute(text('name', 'Name')),
    attribute(text('description', 'Description')),
    attribute({ slug: 'team', title: 'Team', type: 'record-reference', multiselect: true, unique: false, target: 'people', derived: true }),
    attribute(text('linkedin', 'LinkedIn')),
    attribute(text('twitter', 'Twitter')),
  ]
}

/** A custom attribute as a workspace admin adds it (for `fieldMap`); slug and id both address it. */
export function customAttribute(slug: string, type: 'text' | 'number' | 'checkbox', options: { unique?: boolean } = {}): AttributeDef {
  return attribute({ slug, title: slug, type, multiselect: false, unique: options.unique ?? false }, false)
}

/** An attribute as `GET /v2/objects/{object}/attributes` answers it (the `Attribute` schema). */
export function attributeView(def: AttributeDef, workspaceId: string, objectId: string, createdAt: number): Record<string, unknown> {
  return {
    id: { workspace_id: workspaceId, object_id: objectId, attribute_id: def.id },
    title: def.title,
    description: null,
    api_slug: def.slug,
    type: def.type,
    is_system_attribute: def.system,
    is_writable: def.writable,
    is_required: false,
    is_unique: def.unique,
    is_multiselect: def.multiselect,
    is_default_value_enabled: false,
    is_archived: false,
    default_value: null,
    relationship: null,
    created_at: attioTimestamp(createdAt),
    config: { currency: { default_currency_code: null, display_type: null }, record_reference: { allowed_object_ids: null } },
  }
}
