import type { CallOptions, ChangeFeed, NativeTask, UpstreamClient } from '../../src/kit/spec.ts'
import { Task, list } from './schemas.ts'
import type { CloseTask } from './task-mapping.ts'
import { closeMoment } from './times.ts'

const TASKS = '/api/v1/task/'
/** Tasks a page: 100, so that one read of their TaskCompleted activities covers a page. */
const PAGE = 100
const TaskPage = list(Task)

/**
 * The tasks changed since a moment: `GET /task/?date_updated__gte=` (tasks/list), in offset
 * pages (`_skip`; Close caps it per resource, unpublished: a sweep of more changed tasks than the
 * cap fails and is retried by the core from the same moment). Unordered by time, so no
 * watermark. A list answers what Close holds at once: the overlap covers clocks only. A deleted
 * task is not listed, and stays in the mirror until read (the event log would tell, for 30 days).
 */
export function taskFeed(client: UpstreamClient, answer: (tasks: readonly CloseTask[], options: CallOptions) => Promise<NativeTask[]>): ChangeFeed<NativeTask> {
  return {
    overlapMs: 60_000,
    async doListChanged(since, cursor, options) {
      const skip = cursor === undefined ? 0 : Number(cursor)
      const query = { _limit: String(PAGE), _skip: String(skip), ...(since !== undefined && { date_updated__gte: closeMoment(since) }) }
      const page = await client.json({ method: 'GET', route: TASKS, query, options }, TaskPage)
      const tasks = await answer(page.data, options)
      const changes = tasks.flatMap((task) => (task.modifiedAt === undefined ? [] : [{ record: task, modifiedAt: task.modifiedAt }]))
      return { changes, ...(page.has_more && { cursor: String(skip + page.data.length) }) }
    },
  }
}
