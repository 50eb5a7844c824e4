import type { CreatedTaskLookup, NativeTaskInput, UpstreamClient } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError, isCreatedFrom } from '../../src/kit/utils.ts'
import { completionTimes } from './completions.ts'
import { type TaskLeads, TaskList, TASKS } from './tasks.ts'
import { fromTask } from './task-mapping.ts'
import { closeMoment } from './times.ts'

/** How long after a lost create a list surely shows its task: Close lists what it holds at once,
 * but may still apply a create it received after the gateway stopped waiting. */
const SETTLE_MS = 30_000
const PAGE = 1000
const MAX_PAGES = 10

/**
 * The tasks a lost create may have made: a list (not a search, so no index lag) of the tasks of
 * the lead the create named, made since the attempt (`date_created__gte`), holding every field the
 * create wrote as Close keeps them; the assignee is Close's own (the key's user) where the create
 * named none. The lead is found as the create found it (the contact's, or the holding lead).
 */
export function createdTasks(client: UpstreamClient, leads: TaskLeads): CreatedTaskLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      // The contact's lead as Close has it now, not as remembered: a wrong lead would find nothing.
      const { lead } = await leads.of(input, options)
      const expected: NativeTaskInput = { ...input, ...(lead !== leads.holding && { companyId: lead }) }
      const since = closeMoment(Math.floor(createdAfter / 1000) * 1000)
      const found = []
      for (let pages = 0; ; pages++) {
        if (pages === MAX_PAGES) throw new UpstreamUnavailableError(`Close holds more than ${PAGE * MAX_PAGES} tasks made on this lead since the create: too many to look through`)
        const query = { lead_id: lead, date_created__gte: since, _limit: String(PAGE), _skip: String(pages * PAGE) }
        const page = await client.json({ method: 'GET', route: TASKS, query, options }, TaskList)
        found.push(...page.data.filter((task) => task.text === input.subject))
        if (!page.has_more) break
      }
      const times = await completionTimes(client, found, options)
      return found.map((task) => fromTask(task, times.get(task.id) ?? null, leads.holding)).filter((task) => isCreatedFrom(task, expected, ['ownerId']))
    },
  }
}
