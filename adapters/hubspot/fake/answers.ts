import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Step } from '../../../src/kit/testing.ts'

/** HubSpot's error body: `{status: "error", message, correlationId, category}`. */
export function error(status: number, category: string, message: string, extra: Record<string, unknown> = {}): Step {
  return { status, body: { status: 'error', message, correlationId: crypto.randomUUID(), category, ...extra } }
}

/** HubSpot's 429 body; `policyName` says which limit: DAILY, TEN_SECONDLY_ROLLING, SECONDLY. */
export function rateLimited(policyName: string, message: string): Step {
  return {
    status: 429,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: crypto.randomUUID(), policyName },
  }
}

/** 200 when every input was found, else 207 Multi-Status with an OBJECT_NOT_FOUND error. */
export function batchAnswer(results: unknown[], missing: string[], objectType = 'TASK'): Step {
  const now = new Date().toISOString()
  const base = { status: 'COMPLETE', results, startedAt: now, completedAt: now, requestedAt: now }
  if (missing.length === 0) return { status: 200, body: base }
  return {
    status: 207,
    body: {
      ...base,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${objectType} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
          errors: [],
          links: {},
        },
      ],
    },
  }
}

/**
 * Checks request bodies against the fake's own schemas, written from HubSpot's reference. A body
 * that does not match gets HubSpot's 400 and is recorded in `violations`: a request HubSpot would
 * refuse, which the tests assert never happens.
 */
export class Validator {
  readonly violations: string[] = []

  check<S extends TSchema>(schema: S, body: unknown, operation: string): Step | undefined {
    const first = Value.Errors(schema, body).First()
    if (!first) return undefined
    return this.refuse(operation, `${first.path || '/'} ${first.message}`, 'Invalid input JSON on line 1: ')
  }

  /** A 400 HubSpot would answer; a violation unless `caller` (the caller's data, not the gateway's request). */
  refuse(operation: string, problem: string, prefix = '', caller = false, extra: Record<string, unknown> = {}): Step {
    if (!caller) this.violations.push(`${operation}: ${problem}`)
    return error(400, 'VALIDATION_ERROR', `${prefix}${problem}`, extra)
  }

  tooMany(operation: string, count: number, limit: number): Step {
    return this.refuse(operation, `Too many inputs: ${count}. The limit is ${limit}.`)
  }
}

/** One page of a search answer: `limit` of `matches` from the offset `after`, as HubSpot pages
 * them (`paging.next.after` while more remain). */
export function searchPage<T>(matches: readonly T[], after: string, limit: number, view: (match: T) => unknown): Step {
  const offset = Number(after)
  const page = matches.slice(offset, offset + limit)
  const next = offset + page.length < matches.length ? String(offset + page.length) : undefined
  return {
    status: 200,
    body: {
      total: matches.length,
      results: page.map(view),
      ...(next !== undefined && { paging: { next: { after: next, link: `?after=${next}` } } }),
    },
  }
}
