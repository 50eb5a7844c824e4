import type { CallOptions } from './common.ts'
import type { TaskCapabilities, TaskPort } from './tasks.ts'

/**
 * Version 1 of the seam: an adapter of tasks only. It still works, through `fromTaskAdapterV1`
 * (`from-v1.ts`), which makes it a version 2 adapter serving tasks; new adapters implement
 * `AdapterV2` (`v2.ts`), whose `tasks` port has exactly these methods.
 */
export interface TaskAdapterV1 extends TaskPort {
  readonly specificationVersion: 'v1'
  /** The registry name of the adapter, e.g. `hubspot`. */
  readonly adapter: string
  readonly capabilities: TaskCapabilities & {
    /** A cap on calls at once that the CRM imposes, if any. */
    readonly maxConcurrency?: number
  }
  /** One cheap authenticated read, used by health checks and `connections test`. */
  doCheck?(options: CallOptions): Promise<void>
  /** Releases pools and timers; called when the connection is removed or the gateway stops. */
  close?(): Promise<void>
}
