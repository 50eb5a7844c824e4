import type { ErrorMessagePicker } from '../../src/kit/spec.ts'

/** HubSpot's error body: `{status: "error", message, correlationId, category}`. */
export const hubspotErrorMessage: ErrorMessagePicker = (body) => {
  const { message, category } = body as { message?: unknown; category?: unknown }
  if (typeof message !== 'string') return undefined
  return typeof category === 'string' ? `${message} (${category})` : message
}
