import type { CallOptions } from './call-options.ts'

/**
 * What a CRM's change feed says of one record: it is now `record`, or it is gone (`deleted`, and
 * `mergedInto` when a merge folded it into another record). `modifiedAt` is when the CRM last
 * changed it, on the CRM's own clock, in epoch milliseconds: of two reports of one record, the
 * later one wins, whatever order they arrive in.
 */
export type Change<R> =
  | { readonly record: R; readonly modifiedAt: number }
  | { readonly deleted: string; readonly modifiedAt: number; readonly mergedInto?: string }

/** One page of a listing of changes. */
export interface ChangePage<R> {
  readonly changes: readonly Change<R>[]
  /** Where the listing goes on, as the adapter wrote it (the core only hands it back); absent
   * on the listing's last page. */
  readonly cursor?: string
  /**
   * Where the listing is ordered by modification time: every change before this moment has been
   * listed so far (the last change's `modifiedAt`), so a sweep cut short resumes from here. A
   * listing in another order leaves it out, and the core resumes from when the listing started.
   */
  readonly watermark?: number
}

/**
 * A port's change feed: what keeps the gateway's mirror of the CRM current (`mirror:` in a
 * connection's config), so that polls and export matching cost the CRM nothing. The core runs
 * the sweeps, keeps the watermark, the lease and the staleness rules (`src/mirror/`); the adapter
 * only lists.
 */
export interface ChangeFeed<R> {
  /**
   * The longest the CRM may take to list a change it made (HubSpot's search shows a change after
   * "a few moments"), plus the disagreement of its clock with the gateway's: each sweep lists
   * again what changed that long before the last sweep started.
   */
  readonly overlapMs: number
  /**
   * The records changed at `since` or later (the CRM's clock, epoch ms), created and deleted ones
   * included where the CRM lists them, a page at a time: `cursor` is the last page's, absent for
   * the first. `since` absent: every record the CRM holds, for the mirror's first build. Pages
   * as large as the CRM serves: each is one call.
   */
  doListChanged(since: number | undefined, cursor: string | undefined, options: CallOptions): Promise<ChangePage<R>>
}
