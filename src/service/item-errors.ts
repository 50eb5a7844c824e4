import type { ItemResult } from '../kit/spec.ts'
import { GatewayError, InternalError } from '../errors.ts'

/** How one failed item of a batch is reported: the reason, and its stable code. */
export interface ItemError {
  readonly error: string
  readonly code: string
}

export function itemError(error: unknown): ItemError {
  const typed = error instanceof GatewayError ? error : new InternalError(undefined, { cause: error })
  return { error: typed.message, code: typed.code }
}

/**
 * A batch of records answers 200 with each item's outcome, and a 5xx only when nothing could be
 * done: when no item succeeded and the CRM failed (is down, rate-limiting, timing out), that
 * failure is the answer, so Enginy retries the whole batch rather than reading it as refused.
 */
export function throwIfNothingDone(outcomes: readonly ItemResult<unknown>[]): void {
  if (outcomes.length === 0 || outcomes.some((outcome) => 'ok' in outcome)) return
  const upstream = outcomes.find(
    (outcome): outcome is { failed: GatewayError } => 'failed' in outcome && outcome.failed.statusCode >= 500,
  )
  if (upstream) throw upstream.failed
}
