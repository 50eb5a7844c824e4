import type { UpstreamClient, UserPort } from '../../src/kit/spec.ts'
import { Users } from './account-schemas.ts'

/**
 * The account's users, for Enginy's owner selection: API v1 `/users` (v2 has none; 20 tokens).
 * Only active users: a deactivated one cannot own records, and Pipedrive refuses it as `owner_id`.
 */
export function createUsers(client: UpstreamClient): UserPort {
  return {
    async doList(options) {
      const answer = await client.json({ method: 'GET', route: '/api/v1/users', options }, Users)
      return answer.data
        .filter((user) => user.active_flag && !user.is_deleted)
        .map((user) => ({ id: String(user.id), name: user.name, ...(user.email && { email: user.email }) }))
    },
  }
}
