import { type ErrorMessagePicker, type RateLimitSignals, header } from '../../src/kit/adapter-kit.ts'

/** Pipedrive's error envelope: `{success: false, error, error_info}`. */
export const pipedriveErrorMessage: ErrorMessagePicker = (body) => {
  const { error, error_info: info } = body as { error?: unknown; error_info?: unknown }
  if (typeof error !== 'string') return undefined
  return typeof info === 'string' && info !== error ? `${error} (${info})` : error
}

/**
 * Pipedrive's burst limit: `x-ratelimit-remaining` calls left in the window and
 * `x-ratelimit-reset`, the seconds left in it (not an epoch). A 429 waits for that reset.
 */
export const pipedriveRateLimits: RateLimitSignals = {
  budget(response) {
    const remaining = header(response, 'x-ratelimit-remaining')
    const reset = header(response, 'x-ratelimit-reset')
    if (remaining === undefined || reset === undefined || !/^\d+$/.test(remaining)) return undefined
    return { remaining: Number(remaining), resetMs: Math.max(1, Number(reset)) * 1000 }
  },
  retryAfter(response) {
    if (response.status !== 429) return undefined
    const reset = header(response, 'x-ratelimit-reset') ?? header(response, 'retry-after')
    return reset && /^\d+$/.test(reset) ? { ms: Math.max(1, Number(reset)) * 1000 } : undefined
  },
}
