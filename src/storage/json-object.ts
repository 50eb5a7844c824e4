/**
 * A JSON object as a text column holds it, or `undefined`: a row edited by hand into something
 * else (not JSON, an array) reads as holding no fields, never as a failure of the whole read.
 */
export function parseObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
