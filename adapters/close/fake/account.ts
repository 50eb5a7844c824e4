import { PREFIX, newId } from './ids.ts'
import { closeTime } from './times.ts'

/**
 * The organization behind the API key: its users and its custom field definitions.
 *
 * Users as `GET /user/` lists them: `id`, `email`, `first_name`, `last_name`, `organizations`
 * (ids), `last_used_timezone`, `date_created`, `date_updated` (nested-tech/closex,
 * test/fixtures/vcr_cassettes/get_users.json). `GET /me/` is "a special instance of the Users
 * endpoint for the current user", with its organizations as objects (users/get-me; closeio/
 * close-api-scripts reads `me['organizations'][0]['id']`). An API key belongs to one user of one
 * organization; every call made with it acts as that user (`created_by`, a task's default
 * `assigned_to`).
 */
export interface User {
  id: string
  email: string
  first_name: string
  last_name: string
}

/** A custom field definition, as `GET /custom_field/{lead|contact}/` lists it. */
export interface CustomField {
  id: string
  name: string
  type: 'text' | 'number' | 'date' | 'choices' | 'user'
  accepts_multiple_values: boolean
}

export type CustomFieldKind = 'lead' | 'contact'

export class Account {
  readonly organizationId = newId(PREFIX.organization)
  readonly organizationName = 'Enginy Sandbox'
  readonly users: User[] = [
    { id: newId(PREFIX.user), email: 'ana@example.com', first_name: 'Ana', last_name: 'Ruiz' },
    { id: newId(PREFIX.user), email: 'bo@example.com', first_name: 'Bo', last_name: 'Chen' },
    { id: newId(PREFIX.user), email: 'cy@example.com', first_name: 'Cy', last_name: 'Park' },
  ]
  readonly customFields: Record<CustomFieldKind, CustomField[]> = { lead: [], contact: [] }
  private readonly created = Date.now()

  /** The user each API key acts as: the first user, unless a key names another. */
  userOf(keyIndex: number): User {
    return this.users[keyIndex % this.users.length]!
  }

  user(id: unknown): User | undefined {
    return this.users.find((user) => user.id === id)
  }

  userName(id: string | null): string | null {
    const user = id === null ? undefined : this.user(id)
    return user ? `${user.first_name} ${user.last_name}` : null
  }

  /** Adds a custom field, as an admin would in Close's settings, and answers its id. */
  addCustomField(kind: CustomFieldKind, name: string, type: CustomField['type'] = 'text'): string {
    const field: CustomField = { id: newId(PREFIX.customField), name, type, accepts_multiple_values: false }
    this.customFields[kind].push(field)
    return field.id
  }

  customField(kind: CustomFieldKind, id: string): CustomField | undefined {
    return this.customFields[kind].find((field) => field.id === id)
  }

  showUser(user: User): Record<string, unknown> {
    return {
      ...user,
      organizations: [this.organizationId],
      last_used_timezone: 'Europe/Madrid',
      date_created: closeTime(this.created),
      date_updated: closeTime(this.created),
    }
  }

  showMe(user: User): Record<string, unknown> {
    return { ...this.showUser(user), organizations: [{ id: this.organizationId, name: this.organizationName }] }
  }

  showCustomField(field: CustomField): Record<string, unknown> {
    return { ...field, organization_id: this.organizationId, date_created: closeTime(this.created), date_updated: closeTime(this.created) }
  }
}
