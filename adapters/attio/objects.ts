import type { CallOptions, UpstreamClient } from '../../src/kit/spec.ts'
import { READS } from './record-calls.ts'
import { Objects } from './schemas.ts'

/**
 * The objects' ids, by slug and back: tasks answer a linked record's object by its id
 * (`target_object_id`), never by its slug (the `Task` schema of Attio's OpenAPI file). Read once
 * with `GET /v2/objects` and kept: an object's id never changes. A failed read is tried again by
 * the next task read.
 */
export class ObjectIds {
  private read: Promise<ReadonlyMap<string, string>> | undefined

  constructor(private readonly client: UpstreamClient) {}

  /** The slug of each object id. */
  slugs(options: CallOptions): Promise<ReadonlyMap<string, string>> {
    if (!this.read) {
      this.read = this.client.json({ method: 'GET', route: '/v2/objects', limitGroup: READS, options }, Objects).then(
        ({ data }) => new Map(data.flatMap((object) => (object.api_slug ? [[object.id.object_id, object.api_slug] as const] : []))),
      )
      this.read.catch(() => {
        this.read = undefined
      })
    }
    return this.read
  }
}
