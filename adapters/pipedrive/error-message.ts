import type { ErrorMessagePicker } from '../../src/kit/spec.ts'

/** Pipedrive's error envelope: `{success: false, error, error_info}`. */
export const pipedriveErrorMessage: ErrorMessagePicker = (body) => {
  const { error, error_info: info } = body as { error?: unknown; error_info?: unknown }
  if (typeof error !== 'string') return undefined
  return typeof info === 'string' && info !== error ? `${error} (${info})` : error
}
