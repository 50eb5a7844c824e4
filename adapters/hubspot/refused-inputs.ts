import type { CallOptions } from '../../src/kit/spec.ts'

/** HubSpot refused a whole part: nothing of it was written. */
export interface PartRefusal {
  /** HubSpot's reason, scrubbed: what an input it refused alone is reported with. */
  readonly reason: string
  /** Inputs of the part the answer settled (named as refused, found to exist): not sent again. */
  readonly settled: ReadonlySet<number>
}

/** Why an input was not written. */
export type Unwritten =
  /** HubSpot refused it alone: its reason. */
  | { readonly refused: string }
  /** Its part's call failed (HubSpot down, rate-limiting, a malformed answer). */
  | { readonly failed: unknown }
  /** The request's deadline came, or it was cancelled, before it could be sent again. */
  | { readonly untried: true }

/**
 * Sends `inputs` (a batch create or update, as the indexes of its inputs) with `send`, splitting
 * it where HubSpot refuses it as a whole: one refused input (an owner the portal lacks, an e-mail
 * another contact holds, a portal's validation rule, enforced on every API write since 2026-09)
 * fails its whole batch, and Enginy would send the same batch again for ever. Splitting is the
 * CRM's semantics, not a retry: the core's fan-out has already cut the batch to HubSpot's 100.
 *
 * - A refused part wrote nothing (a 400 or 409 for the whole batch), so its inputs may be sent
 *   again; `send` applies what a 2xx or 207 answered and never hands back an input it wrote.
 * - Where HubSpot's answer names inputs (`refusals.ts`), `send` settles them, and the rest of the
 *   part is sent again at once. Where it names none, the part is halved and both halves are sent,
 *   in parallel; an input refused alone is refused, with HubSpot's reason.
 * - Every call goes through the upstream client with the request's `options`: the connection's
 *   rate limit, concurrency and breaker hold for them as for any other call.
 * - A part is sent again only while the request is live and its deadline leaves the time of the
 *   longest call so far: the inputs it could not try are `untried` (an upstream failure for the
 *   caller), never refused. A part whose call fails fails its own inputs, not those written.
 *
 * What it costs beyond the first call: one call per answer that names inputs (1 when HubSpot names
 * every refused input at once; k when it names one of k at a time, as it does); halving a batch
 * of n with k refused inputs costs at most 2k·⌈log2 n⌉ calls, and never more than 2(n − 1), every
 * input sent alone: 14 for 1 refused input of 100, 198 when HubSpot refuses all 100 for a reason
 * it ties to none. Each call halves a part or takes inputs out of it, so it always ends.
 */
export async function sendSplittingRefused(
  inputs: readonly number[],
  send: (part: readonly number[]) => Promise<PartRefusal | undefined>,
  options: CallOptions,
): Promise<Map<number, Unwritten>> {
  const unwritten = new Map<number, Unwritten>()
  let longestMs = 0
  const run = async (part: readonly number[], again: boolean): Promise<void> => {
    if (again && (options.signal.aborted || Date.now() + longestMs >= options.deadline)) {
      for (const i of part) unwritten.set(i, { untried: true })
      return
    }
    const started = performance.now()
    let refusal: PartRefusal | undefined
    try {
      refusal = await send(part)
    } catch (error) {
      for (const i of part) unwritten.set(i, { failed: error })
      return
    } finally {
      longestMs = Math.max(longestMs, performance.now() - started)
    }
    if (refusal === undefined) return
    const rest = part.filter((i) => !refusal.settled.has(i))
    if (rest.length === 0) return
    if (rest.length < part.length) return run(rest, true)
    if (part.length === 1) {
      unwritten.set(part[0]!, { refused: refusal.reason })
      return
    }
    const half = Math.ceil(part.length / 2)
    await Promise.all([run(part.slice(0, half), true), run(part.slice(half), true)])
  }
  if (inputs.length > 0) await run(inputs, false)
  return unwritten
}
