/**
 * Close writes moments in UTC with microseconds and an offset (`2018-09-17T17:40:44.085000+00:00`)
 * and a task's `date` as a calendar date or a moment (FACTS.md, tasks); a date alone is that
 * day's UTC midnight here, as the gateway reads dates without a time.
 */
export function parseCloseTime(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  return Number.isNaN(ms) ? undefined : ms
}

/** A moment as Close takes it in bodies and filters: ISO 8601 in UTC. */
export function closeMoment(ms: number): string {
  return new Date(ms).toISOString()
}
