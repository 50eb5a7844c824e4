import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { CurrentUser } from './account-schemas.ts'

/**
 * The account's subdomain of pipedrive.com, for links to records in Pipedrive's UI: the
 * connection's `companyDomain`, else `company_domain` of v1 `/users/me` (2 tokens), read outside
 * any request: by the core's link learning (`doLearnLinks`) and by every readiness check, whose
 * cheapest authenticated read it is; the last answer is kept, and a failed read keeps what was
 * known. Until it is known there is no link. A link names a record without asking Pipedrive.
 */
export class CompanyDomain {
  private learned: string | undefined

  constructor(
    private readonly client: UpstreamClient,
    private readonly configured: string | undefined,
  ) {}

  /** Whether links can be built now. */
  get known(): boolean {
    return (this.configured ?? this.learned) !== undefined
  }

  /** Reads `/users/me`; a configured domain stays the one links use. */
  async read(options: CallOptions): Promise<void> {
    const answer = await this.client.json({ method: 'GET', route: '/api/v1/users/me', options }, CurrentUser)
    this.learned = answer.data.company_domain
  }

  /** `linkTo` of a kind: `person` or `organization`, as in Pipedrive's own URLs. */
  link(kind: 'person' | 'organization') {
    return (id: string): string | undefined => {
      const domain = this.configured ?? this.learned
      return domain && `https://${domain}.pipedrive.com/${kind}/${encodeURIComponent(id)}`
    }
  }
}
