import { type CallOptions, SharedLookup, type UpstreamClient } from '../../src/kit/adapter-kit.ts'
import { CurrentUser } from './account-schemas.ts'

const KEY = 'domain'

/**
 * The account's subdomain of pipedrive.com, for links to records in Pipedrive's UI: the
 * connection's `companyDomain`, else `company_domain` of v1 `/users/me` (2 tokens), read once
 * and kept for the life of the connection (concurrent first readers share the call; a failure is
 * not kept). A link names a record without asking Pipedrive whether it exists.
 */
export class CompanyDomain {
  private readonly cache: SharedLookup<string, string>

  constructor(
    client: UpstreamClient,
    private readonly configured: string | undefined,
    connection: string,
  ) {
    this.cache = new SharedLookup<string, string>(
      async (_key, options) => {
        const answer = await client.json({ method: 'GET', route: '/api/v1/users/me', options }, CurrentUser)
        return answer.data.company_domain
      },
      { max: 1, connection },
    )
  }

  async get(options: CallOptions): Promise<string> {
    return this.configured ?? (await this.cache.get(KEY, options))
  }

  /** Reads `/users/me` again (the readiness check: its cheapest authenticated read); a
   * configured domain stays the one links use. */
  async refresh(options: CallOptions): Promise<void> {
    await this.cache.get(KEY, options, true)
  }

  /** `linkTo` of a kind: `person` or `organization`, as in Pipedrive's own URLs. */
  link(kind: 'person' | 'organization') {
    return async (id: string, options: CallOptions) => `https://${await this.get(options)}.pipedrive.com/${kind}/${encodeURIComponent(id)}`
  }
}
