import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { chunks } from '../../src/kit/utils.ts'
import { isCloseId } from './ids.ts'
import { TaskCompleted, list } from './schemas.ts'
import type { CloseTask } from './task-mapping.ts'
import { parseCloseTime } from './times.ts'

const COMPLETIONS = '/api/v1/activity/task_completed/'
const Completions = list(TaskCompleted)
/** Ids of one read: the request line's bound, as for tasks. */
const MAX_IDS = 100

/**
 * When each completed task was completed. A lead task holds no completion time: completing it
 * makes a TaskCompleted activity, which the task names in `object_id`, and whose `date_created` is
 * the moment (FACTS.md, "Tasks"). One read of those activities per batch of tasks (at most 100,
 * as a task read), none when no task is complete. A task whose activity is gone (reopened, then
 * completed elsewhere) falls back on its `date_updated`, the last moment anything changed it.
 */
export async function completionTimes(client: UpstreamClient, tasks: readonly CloseTask[], options: CallOptions): Promise<Map<string, number | null>> {
  const times = new Map<string, number | null>()
  const activityIds = tasks.flatMap((task) => (task.is_complete && task.object_id && isCloseId('activity', task.object_id) ? [task.object_id] : []))
  const found = new Map<string, number>()
  // A batch's tasks are at most 100; a lookup's or a feed's may be more, each read still 100 at most.
  for (const part of chunks(activityIds, MAX_IDS)) {
    const query = { id__in: part.join(','), _limit: String(part.length), _fields: 'id,task_id,date_created' }
    const answer = await client.json({ method: 'GET', route: COMPLETIONS, query, options }, Completions)
    for (const activity of answer.data) {
      const at = parseCloseTime(activity.date_created)
      if (at !== undefined) found.set(activity.id, at)
    }
  }
  for (const task of tasks) {
    if (!task.is_complete) continue
    times.set(task.id, (task.object_id ? found.get(task.object_id) : undefined) ?? parseCloseTime(task.date_updated) ?? null)
  }
  return times
}
