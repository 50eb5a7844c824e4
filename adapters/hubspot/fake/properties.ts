/**
 * The fake portal's property definitions, as `GET /crm/properties/2026-09/{objectType}` answers
 * them, and HubSpot's checks of the values written to them: an unknown or read-only property, a
 * value that is not one of a dropdown's options, not a number, not a date, not an e-mail address,
 * or an owner id that is no owner. Besides HubSpot's own properties, the portal has the custom
 * ones a customer creates for the gateway (`enginy_*`).
 */

export type ObjectType = 'contacts' | 'companies' | 'emails' | 'communications'

export interface PropertyDefinition {
  name: string
  label: string
  type: 'string' | 'number' | 'enumeration' | 'datetime'
  fieldType: string
  groupName: string
  description: string
  options: { label: string; value: string }[]
  hasUniqueValue: boolean
  hubspotDefined: boolean
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean }
}

const INDUSTRIES = ['ACCOUNTING', 'COMPUTER_HARDWARE', 'COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'MARKETING_AND_ADVERTISING']
const DIRECTIONS = ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']
const EMAIL_STATUSES = ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']
const CHANNELS = ['SMS', 'WHATS_APP', 'LINKEDIN_MESSAGE', 'PHYSICAL_MAIL', 'CUSTOM_CHANNEL_CONVERSATION']

type Spec = [name: string, type?: PropertyDefinition['type'], more?: { options?: string[]; unique?: boolean; readOnly?: boolean; custom?: boolean }]

const SPECS: Record<ObjectType, Spec[]> = {
  contacts: [
    ['email', 'string', { unique: true }],
    ['firstname'],
    ['lastname'],
    ['phone'],
    ['company'],
    ['jobtitle'],
    ['hs_linkedin_url'],
    ['hubspot_owner_id', 'enumeration'],
    ['createdate', 'datetime', { readOnly: true }],
    ['lastmodifieddate', 'datetime', { readOnly: true }],
    ['hs_object_id', 'number', { readOnly: true }],
    ['enginy_external_id', 'string', { custom: true }],
    ['enginy_sequence_status', 'string', { custom: true }],
  ],
  companies: [
    ['name'],
    ['domain'],
    ['industry', 'enumeration', { options: INDUSTRIES }],
    ['numberofemployees', 'number'],
    ['linkedin_company_page'],
    ['hubspot_owner_id', 'enumeration'],
    ['createdate', 'datetime', { readOnly: true }],
    ['hs_lastmodifieddate', 'datetime', { readOnly: true }],
    ['hs_object_id', 'number', { readOnly: true }],
    ['enginy_external_id', 'string', { custom: true }],
    ['enginy_sequence_status', 'string', { custom: true }],
    ['enginy_industry', 'string', { custom: true }],
  ],
  emails: [
    ['hs_timestamp', 'datetime'],
    ['hs_email_direction', 'enumeration', { options: DIRECTIONS }],
    ['hs_email_status', 'enumeration', { options: EMAIL_STATUSES }],
    ['hs_email_subject'],
    ['hs_email_text'],
    ['hs_email_html'],
    ['hubspot_owner_id', 'enumeration'],
    ['hs_object_id', 'number', { readOnly: true }],
    ['enginy_message_id', 'string', { unique: true, custom: true }],
  ],
  communications: [
    ['hs_timestamp', 'datetime'],
    ['hs_communication_channel_type', 'enumeration', { options: CHANNELS }],
    ['hs_communication_logged_from', 'enumeration', { options: ['CRM'] }],
    ['hs_communication_body'],
    ['hubspot_owner_id', 'enumeration'],
    ['hs_object_id', 'number', { readOnly: true }],
    ['enginy_message_id', 'string', { unique: true, custom: true }],
  ],
}

export function portalProperties(): Record<ObjectType, Map<string, PropertyDefinition>> {
  const of = (type: ObjectType) =>
    new Map(
      SPECS[type].map(([name, kind = 'string', more = {}]) => [
        name,
        {
          name,
          label: name,
          type: kind,
          fieldType: kind === 'enumeration' ? 'select' : kind === 'number' ? 'number' : kind === 'datetime' ? 'date' : 'text',
          groupName: more.custom ? 'enginy' : `${type.slice(0, -1)}information`,
          description: '',
          options: (more.options ?? []).map((value) => ({ label: value, value })),
          hasUniqueValue: more.unique ?? false,
          hubspotDefined: !more.custom,
          modificationMetadata: { archivable: !!more.custom, readOnlyDefinition: !more.custom, readOnlyValue: more.readOnly ?? false },
        },
      ]),
    )
  return { contacts: of('contacts'), companies: of('companies'), emails: of('emails'), communications: of('communications') }
}

/** One value HubSpot refuses, in its error's words, and whether the gateway should have known. */
export interface Invalid {
  readonly name: string
  readonly error: string
  readonly message: string
  /** The caller's data (an unknown owner, an option that does not exist), not the gateway's fault. */
  readonly caller: boolean
}

/**
 * A portal's validation rule on one property (a format its admin set, e.g. digits only), which
 * HubSpot enforces on every API write from the 2026-09 version on (changelog "CRM API write
 * validation enforcement", 2026-08-11). HubSpot does not document the code of such a refusal:
 * `INVALID_PROPERTY_VALUE` here is the fake's, in the shape of the other value errors.
 */
export interface ValidationRule {
  readonly property: string
  readonly pattern: RegExp
  readonly message: string
}

/** HubSpot's checks of property values about to be written; the first refused one. */
export function invalidValue(
  definitions: Map<string, PropertyDefinition>,
  values: Record<string, string>,
  owners: readonly { id: string }[],
  rules: readonly ValidationRule[] = [],
): Invalid | undefined {
  for (const [name, value] of Object.entries(values)) {
    const definition = definitions.get(name)
    if (!definition) return { name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist`, caller: false }
    if (definition.modificationMetadata.readOnlyValue) return { name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property`, caller: false }
    if (value === '') continue
    if (name === 'hubspot_owner_id') {
      if (!owners.some((owner) => owner.id === value)) return { name, error: 'INVALID_OPTION', message: `${value} is not a valid owner id`, caller: true }
    } else if (definition.type === 'enumeration' && !definition.options.some((option) => option.value === value)) {
      return { name, error: 'INVALID_OPTION', message: `${value} was not one of the allowed options`, caller: !definition.hubspotDefined || name === 'industry' }
    } else if (definition.type === 'number' && !/^-?\d+(\.\d+)?$/.test(value)) {
      return { name, error: 'INVALID_INTEGER', message: `${value} is not a valid number`, caller: true }
    } else if (definition.type === 'datetime' && !/^\d+$/.test(value) && Number.isNaN(Date.parse(value))) {
      return { name, error: 'INVALID_DATE', message: `${value} is not a valid date`, caller: false }
    } else if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())) {
      return { name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid`, caller: true }
    }
    const broken = rules.find((rule) => rule.property === name && !rule.pattern.test(value))
    if (broken) return { name, error: 'INVALID_PROPERTY_VALUE', message: broken.message, caller: true }
  }
  return undefined
}

/**
 * HubSpot's body for refused values, as live answers carry it: the list as JSON in the message,
 * and each in `errors` with its code and `context.propertyName` (a 2026 answer quoted in public
 * code: `{"status":"error","message":"Property values were not valid: [{\"isValid\":false,…,
 * \"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"description\",\"localizedErrorMessage\":…}]",
 * "errors":[{"message":…,"code":"PROPERTY_DOESNT_EXIST","context":{"propertyName":["description"]}}],
 * "category":"VALIDATION_ERROR"}`). It names the property, never the input of a batch.
 */
export function invalidBody(invalid: Invalid): { message: string; errors: unknown[] } {
  const { name, error, message } = invalid
  return {
    message: `Property values were not valid: ${JSON.stringify([{ isValid: false, message, error, name, localizedErrorMessage: message }])}`,
    errors: [{ message, code: error, context: { propertyName: [name] } }],
  }
}
