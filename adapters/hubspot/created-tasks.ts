import type { CreatedTaskLookup, TaskPort, UpstreamClient } from '../../src/kit/spec.ts'
import { chunks, isCreatedFrom } from '../../src/kit/utils.ts'
import { SearchAnswer } from './answers.ts'
import { SEARCH, SEARCH_GROUP } from './limits.ts'
import type { OwnerResolver } from './owners.ts'
import type { Routes } from './routes.ts'

/**
 * How long after a lost create a search surely shows its task: HubSpot's search shows a new record
 * after "a few moments" (`recent.ts`), and a create HubSpot received may still be applied after
 * the gateway stopped waiting for its answer.
 */
const SETTLE_MS = 120_000

/**
 * The tasks a lost create may have made: HubSpot's search by subject and creation time (both
 * kept on every task), then each found task read whole, associations included, and kept only
 * where it holds every field the create wrote. A create without a due date is due when HubSpot
 * took it (`tasks.ts`), so any due date goes then.
 */
export function createdHubSpotTasks(client: UpstreamClient, route: Routes, owners: OwnerResolver, tasks: TaskPort): CreatedTaskLookup {
  return {
    settleMs: SETTLE_MS,
    async doFind({ input, createdAfter }, options) {
      const filterGroups = [
        {
          filters: [
            { propertyName: 'hs_task_subject', operator: 'EQ', value: input.subject },
            { propertyName: 'hs_createdate', operator: 'GTE', value: String(createdAfter) },
          ],
        },
      ]
      const ids: string[] = []
      for (let after = '0'; ; ) {
        const answer = await client.json(
          {
            method: 'POST',
            route: `${route.tasks}/search`,
            body: { filterGroups, properties: ['hs_task_subject'], sorts: [], limit: SEARCH.pageSize, after },
            idempotent: true,
            limitGroup: SEARCH_GROUP,
            expect: [200],
            options,
          },
          SearchAnswer,
        )
        ids.push(...answer.results.map((task) => task.id))
        const next = answer.paging?.next?.after
        if (next === undefined || answer.results.length === 0 || !/^\d+$/.test(next) || Number(next) >= SEARCH.maxResults) break
        after = next
      }
      if (ids.length === 0) return []
      const found = (await Promise.all(chunks([...new Set(ids)], tasks.capabilities.maxBatchRead).map((part) => tasks.doGetMany(part, options)))).flat()
      const expected = input.ownerId === undefined ? input : { ...input, ownerId: await owners.resolve(input.ownerId, options) }
      return found.filter((task) => isCreatedFrom(task, expected, ['dueDate']))
    },
  }
}
