import type { CallOptions, CreatedTaskLookup, NativeTask, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, isCreatedFrom } from '../../src/kit/utils.ts'
import type { ObjectIds } from './objects.ts'
import { READS } from './record-calls.ts'
import { TaskList } from './schemas.ts'
import { fromTask } from './task-mapping.ts'
import { parseAttioTime } from './times.ts'

/** Attio lists a task once it is made; it may still apply a create it received late. */
const SETTLE_MS = 15_000
/** `GET /v2/tasks`' default page, and how many pages of tasks made since the attempt are read. */
const PAGE = 500
const MOST_PAGES = 10

/**
 * The tasks a lost create may have made: the list of tasks newest first (`sort=created_at:desc`,
 * narrowed to the contact or company the create linked, where it linked one), read until a task
 * made before the attempt, each compared with what the create wrote (`isCreatedFrom`; Attio fills
 * in no field a create leaves out).
 */
export function createdAttioTasks(client: UpstreamClient, objects: ObjectIds): CreatedTaskLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const linked: Record<string, string> = input.contactId ? { linked_object: 'people', linked_record_id: input.contactId } : input.companyId ? { linked_object: 'companies', linked_record_id: input.companyId } : {}
      const found: NativeTask[] = []
      for (let page = 0; page < MOST_PAGES; page++) {
        const data = await list(client, { sort: 'created_at:desc', limit: String(PAGE), offset: String(page * PAGE), ...linked }, options)
        const slugs = await objects.slugs(options)
        const recent = data.filter((task) => (parseAttioTime(task.created_at) ?? 0) >= createdAfter)
        found.push(...recent.map((task) => fromTask(task, slugs)).filter((task) => isCreatedFrom(task, input)))
        if (recent.length < data.length || data.length < PAGE) return found
      }
      throw new UpstreamUnavailableError(`Attio holds more than ${PAGE * MOST_PAGES} tasks made since the create: too many to look through`)
    },
  }
}

async function list(client: UpstreamClient, query: Record<string, string>, options: CallOptions) {
  return (await client.json({ method: 'GET', route: '/v2/tasks', query, limitGroup: READS, options }, TaskList)).data
}
