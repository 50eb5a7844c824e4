import { Type } from '@sinclair/typebox'
import { type AdapterDefinition, type NativeTask, type NativeTaskPatch, type TaskAdapterV1, isRandomId, randomId } from '../../src/kit/adapter-kit.ts'

const MemoryOptions = Type.Object(
  {
    maxBatch: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  },
  { additionalProperties: false },
)

/**
 * Tasks in a Map of this process: they live exactly as long as the process does. Every method
 * runs to completion without awaiting, so concurrent requests cannot interleave inside one.
 */
export function createMemoryAdapter(maxBatch = 1000, now: () => number = Date.now): TaskAdapterV1 {
  const tasks = new Map<string, NativeTask>()

  const setCompleted = (task: NativeTask, completed: boolean) => {
    if (completed && !task.completed) task.completedAt = now()
    if (!completed) task.completedAt = null
    task.completed = completed
  }

  return {
    specificationVersion: 'v1',
    adapter: 'memory',
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

    async doCheck() {},
  }
}

const definition: AdapterDefinition<typeof MemoryOptions> = {
  options: MemoryOptions,
  create: (options) => createMemoryAdapter(options.maxBatch),
}
export default definition
