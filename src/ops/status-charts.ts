import type { Bucket } from './call-history.ts'
import { type Markup, html } from './html.ts'

/** Each 10-minute bucket is 2 pixels wide: 24 hours are 288. */
const STEP = 2
const HEIGHT = 48
const TOP = 4

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16)

/**
 * Calls per 10 minutes over 24 hours as bars, the 429s among them in red, each busy bucket with
 * its numbers as a tooltip (an SVG `<title>`, no script).
 */
export function callsChart(day: readonly Bucket[]): Markup {
  const peak = Math.max(0, ...day.map((bucket) => bucket.calls))
  const most = Math.max(1, peak)
  const height = (count: number) => (count === 0 ? 0 : Math.max(1, Math.round((count / most) * (HEIGHT - TOP))))
  const total = day.reduce((sum, bucket) => sum + bucket.calls, 0)
  const bars = day.map((bucket, i) => {
    if (bucket.calls === 0) return undefined
    const x = i * STEP
    const tip = `${clock(bucket.start)} UTC: ${bucket.calls} calls, ${bucket.throttled} answered 429, ${bucket.waits} waited ${Math.round(bucket.waitedMs)} ms, ${bucket.failed} failed`
    const calls = height(bucket.calls)
    const throttled = height(bucket.throttled)
    return html`<g><title>${tip}</title><rect class="calls" x="${x}" y="${HEIGHT - calls}" width="${STEP}" height="${calls}"/>${
      throttled > 0 && html`<rect class="throttled" x="${x}" y="${HEIGHT - throttled}" width="${STEP}" height="${throttled}"/>`
    }</g>`
  })
  return html`<svg class="chart" viewBox="0 0 ${day.length * STEP} ${HEIGHT}" width="${day.length * STEP}" height="${HEIGHT}" role="img" aria-label="${`CRM calls per 10 minutes over 24 hours: ${total} in all, at most ${peak} in 10 minutes`}"><rect class="frame" x="0" y="0" width="${day.length * STEP}" height="${HEIGHT}"/>${bars}</svg>`
}

/**
 * The CRM's daily budget left over 24 hours, as a line where its answers said it (a share of the
 * budget when they said its size too), with gaps where no answer did.
 */
export function budgetChart(day: readonly Bucket[]): Markup | undefined {
  const known = day.flatMap((bucket, i) => (bucket.dailyLeft === undefined ? [] : [{ i, bucket }]))
  if (known.length === 0) return undefined
  const most = Math.max(1, ...known.map(({ bucket }) => bucket.dailyLimit ?? bucket.dailyLeft!))
  const point = ({ i, bucket }: (typeof known)[number]) => {
    const share = bucket.dailyLeft! / (bucket.dailyLimit ?? most)
    return `${i * STEP + STEP / 2},${(HEIGHT - Math.min(1, share) * (HEIGHT - TOP)).toFixed(1)}`
  }
  const runs: (typeof known)[] = []
  for (const entry of known) {
    const run = runs.at(-1)
    if (run && run.at(-1)!.i === entry.i - 1) run.push(entry)
    else runs.push([entry])
  }
  const last = known.at(-1)!.bucket
  const label = `Daily budget left over 24 hours: ${last.dailyLeft}${last.dailyLimit === undefined ? '' : ` of ${last.dailyLimit}`} at ${clock(last.start)} UTC`
  const lines = runs.map((run) => {
    if (run.length > 1) return html`<polyline class="budget" points="${run.map(point).join(' ')}"/>`
    const [x, y] = point(run[0]!).split(',')
    return html`<circle class="budget-dot" cx="${x}" cy="${y}" r="1.5"/>`
  })
  return html`<svg class="chart" viewBox="0 0 ${day.length * STEP} ${HEIGHT}" width="${day.length * STEP}" height="${HEIGHT}" role="img" aria-label="${label}"><rect class="frame" x="0" y="0" width="${day.length * STEP}" height="${HEIGHT}"/>${lines}</svg>`
}
