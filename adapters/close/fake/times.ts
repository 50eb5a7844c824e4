/**
 * Close writes moments as ISO 8601 in UTC with microseconds and an explicit offset,
 * `2018-09-17T17:40:44.085000+00:00`, and calendar dates as `2018-09-17` (a task's `date`), as
 * in the answers recorded in nested-tech/closex (test/fixtures/vcr_cassettes/create_task.json).
 */
export function closeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00')
}

export function closeDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/

/** A task's `date` takes "either a date or a date-time" (developer.close.com/api/resources/tasks/update). */
export function isDateOrMoment(value: string): boolean {
  return (DATE.test(value) && !Number.isNaN(Date.parse(value))) || isMoment(value)
}

export function isMoment(value: string): boolean {
  return MOMENT.test(value) && !Number.isNaN(Date.parse(value))
}

/** Epoch milliseconds of a date (its UTC midnight) or a moment. */
export function toMs(value: string): number {
  return Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value)
}

/** A date stays a date; a moment is written back in Close's form. */
export function normalizeDate(value: string): string {
  return DATE.test(value) ? value : closeTime(Date.parse(value))
}
