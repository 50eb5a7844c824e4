import type { AdapterV2, TaskAdapterV1 } from '../kit/spec.ts'

/** A version 1 task adapter as a version 2 adapter that serves tasks only. */
export function fromTaskAdapterV1(v1: TaskAdapterV1): AdapterV2 {
  return {
    specificationVersion: 'v2',
    adapter: v1.adapter,
    maxConcurrency: v1.capabilities.maxConcurrency,
    tasks: v1,
    doCheck: v1.doCheck?.bind(v1),
    close: v1.close?.bind(v1),
  }
}
