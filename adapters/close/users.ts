import type { UpstreamClient, UserPort } from '../../src/kit/spec.ts'
import { User, list } from './schemas.ts'

const USERS = '/api/v1/user/'
/** Users a page: Close's most for this list (FACTS.md, "Users"); one call for most organizations. */
const PAGE = 1000
const MAX_PAGES = 10
const UserPage = list(User)

/** The organization's users, for Enginy's owner selection (a task's `assigned_to`). */
export function createUsers(client: UpstreamClient): UserPort {
  return {
    async doList(options) {
      const users = []
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await client.json({ method: 'GET', route: USERS, query: { _limit: String(PAGE), _skip: String(pages * PAGE) }, options }, UserPage)
        users.push(...page.data)
        if (!page.has_more) break
      }
      return users.map((user) => {
        const name = [user.first_name, user.last_name].filter(Boolean).join(' ')
        return { id: user.id, name: name || user.email || user.id, ...(user.email && { email: user.email }) }
      })
    },
  }
}
