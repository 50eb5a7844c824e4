import type { NativeTask, NativeTaskPatch, TaskPort } from '../../src/kit/spec.ts'
import { isRandomId, randomId } from '../../src/kit/utils.ts'

/** Tasks in a Map of this process. Every method runs to completion without awaiting, so
 * concurrent requests cannot interleave inside one. */
export function memoryTasks(tasks: Map<string, NativeTask>, maxBatch: number, now: () => number): TaskPort {
  const setCompleted = (task: NativeTask, completed: boolean) => {
    if (completed && !task.completed) task.completedAt = now()
    if (!completed) task.completedAt = null
    task.completed = completed
  }

  return {
    capabilities: { maxBatchRead: maxBatch, maxBatchUpdate: maxBatch },
    isNativeId: isRandomId,

    async doCreate(input) {
      const id = randomId()
      const task: NativeTask = { ...input, id, completed: false, completedAt: null }
      tasks.set(id, task)
      return { ...task }
    },

    async doGetMany(ids) {
      const found: NativeTask[] = []
      for (const id of ids) {
        const task = tasks.get(id)
        if (task) found.push({ ...task })
      }
      return found
    },

    async doUpdate(id, patch: NativeTaskPatch) {
      const task = tasks.get(id)
      if (!task) return null
      const { completed, ...fields } = patch
      Object.assign(task, fields)
      if (completed !== undefined) setCompleted(task, completed)
      return { ...task }
    },

    async doCompleteMany(ids, completed) {
      return ids.flatMap((id) => {
        const task = tasks.get(id)
        if (!task) return []
        setCompleted(task, completed)
        return [{ ...task }]
      })
    },
  }
}
