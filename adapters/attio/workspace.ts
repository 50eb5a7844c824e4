import type { CallOptions, UpstreamClient, UserPort } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import { READS } from './record-calls.ts'
import { Members, Self } from './schemas.ts'

/**
 * The workspace the token opens: `GET /v2/self` identifies the token, `{active: true,
 * workspace_slug, …}` or `{active: false}` for a token that is no longer active
 * (https://docs.attio.com/rest-api/endpoint-reference/meta/identify): the readiness check reads
 * `active`, not only the status. The slug is what links need: a record's page is
 * `https://app.attio.com/<slug>/person/<id>` (the `web_url` of every record answer). The last
 * slug read is kept; until one is read there are no links.
 */
export class Workspace {
  private slug: string | undefined

  constructor(
    private readonly client: UpstreamClient,
    private readonly connection: string,
  ) {}

  get known(): boolean {
    return this.slug !== undefined
  }

  async identify(options: CallOptions): Promise<void> {
    const self = await this.client.json({ method: 'GET', route: '/v2/self', limitGroup: READS, options }, Self)
    if (!self.active) throw new UpstreamUnavailableError(`Attio says the access token of connection "${this.connection}" is not active (GET /v2/self): make a new one`)
    this.slug = self.workspace_slug
  }

  link(kind: 'person' | 'company') {
    return (id: string): string | undefined => this.slug && `https://app.attio.com/${encodeURIComponent(this.slug)}/${kind}/${encodeURIComponent(id)}`
  }
}

/**
 * Users are the workspace's members (`GET /v2/workspace_members`, every member in one answer).
 * Members are never deleted: one who left is `suspended`, and cannot be assigned a task, so it is
 * left out.
 */
export function attioUsers(client: UpstreamClient): UserPort {
  return {
    async doList(options) {
      const { data } = await client.json({ method: 'GET', route: '/v2/workspace_members', limitGroup: READS, options }, Members)
      return data
        .filter((member) => member.access_level !== 'suspended')
        .map((member) => {
          const name = [member.first_name, member.last_name].filter(Boolean).join(' ') || member.email_address || member.id.workspace_member_id
          return { id: member.id.workspace_member_id, name, ...(member.email_address && { email: member.email_address }) }
        })
    },
  }
}
