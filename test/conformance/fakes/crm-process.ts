import type { Step } from './http-fake.ts'
import { HubSpotFake } from '../../../adapters/hubspot/fake/hubspot.ts'
import { PipedriveFake } from '../../../adapters/pipedrive/fake/pipedrive.ts'

/**
 * A fake CRM (CRM=hubspot, the default, or CRM=pipedrive) in a process of its own, for benchmarks
 * and load tests, so the load generator's work cannot delay the fake's clock: answers after
 * LATENCY_MS, allows PER_WINDOW requests per WINDOW_MS, serves HubSpot's legacy v3/v4 paths too
 * with LEGACY=1 (for the official SDK, which still calls them), and has three control routes: POST /__seed
 * {count, start} adds tasks, GET /__stats counts requests by route (and 429s, Pipedrive's search
 * window's apart, 5xx answers, peak in flight, schema violations) and lists when each arrived (ms
 * since the epoch), POST /__reset clears them.
 */
const latency = Number(process.env.LATENCY_MS ?? 0)
const perWindow = Number(process.env.PER_WINDOW ?? 1_000_000)
const windowMs = Number(process.env.WINDOW_MS ?? 1000)
const fake =
  process.env.CRM === 'pipedrive' ? await PipedriveFake.start({ burst: perWindow, windowMs }) : await HubSpotFake.start({ perWindow, windowMs, legacy: process.env.LEGACY === '1' })
const crm = fake.http.handler
const control = (path: string, body: unknown): Step | undefined => {
  if (path === '/__stats') {
    const byRoute: Record<string, number> = {}
    const arrivals: number[] = []
    let failed = 0
    for (const r of fake.http.requests) {
      if (r.path.startsWith('/__')) continue
      const route = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`
      byRoute[route] = (byRoute[route] ?? 0) + 1
      arrivals.push(r.at)
      if ((r.status ?? 0) >= 500) failed++
    }
    return {
      body: {
        byRoute,
        arrivals,
        failed,
        rateLimited: fake.http.rateLimited,
        // Pipedrive's search window refuses apart from the burst window.
        searchLimited: fake instanceof PipedriveFake ? fake.searchLimited : 0,
        peakInFlight: fake.http.peakInFlight,
        violations: fake.violations,
      },
    }
  }
  if (path === '/__reset') {
    if (fake instanceof PipedriveFake) fake.resetCounts()
    else fake.http.reset()
    return { body: {} }
  }
  if (path === '/__seed') {
    const { count, start } = body as { count: number; start: number }
    return { body: { ids: fake.seed(count, start) } }
  }
  return undefined
}
fake.http.rateLimit = { ...fake.http.rateLimit!, exempt: (request) => request.path.startsWith('/__') }
fake.http.handler = async (request) => {
  const answer = control(request.path, request.body)
  if (answer) return answer
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency))
  return crm(request)
}
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`)
