import autocannon from 'autocannon'
import { Pool, request } from 'undici'
import { HUBSPOT_TOKEN } from '../../adapters/hubspot/fake/hubspot.ts'
import { PIPEDRIVE_TOKEN } from '../../adapters/pipedrive/fake/pipedrive.ts'

export { HUBSPOT_TOKEN, PIPEDRIVE_TOKEN }

/** The middle value (the upper one of an even count). */
export const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
export const KEY = 'bench-key'

export interface Load {
  rps: number
  /** Requests answered in the run. */
  total: number
  p50: number
  p99: number
  errors: number
}

/** Autocannon for `seconds`, with the given request; latencies in milliseconds. */
export async function load(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; connections?: number; seconds?: number },
): Promise<Load> {
  const result = await autocannon({
    url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 5,
  })
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

/**
 * `connections` clients, each sending GET `url` one after the other for `seconds`, timed with
 * performance.now() (microseconds, where autocannon reports whole milliseconds). Latencies in ms.
 */
export async function latencies(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<{ p50: number; p99: number; count: number }> {
  const pool = new Pool(new URL(url).origin, { connections })
  const path = new URL(url).pathname + new URL(url).search
  const times: number[] = []
  const end = performance.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const started = performance.now()
        const res = await pool.request({ method: 'GET', path, headers })
        await res.body.text()
        if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`)
        times.push(performance.now() - started)
      }
    }),
  )
  await pool.close()
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: at(0.5), p99: at(0.99), count: times.length }
}

export async function json<T>(url: string, method: 'GET' | 'POST' | 'PATCH' = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await request(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.statusCode, body: (await res.body.json()) as T }
}

export interface FakeStats {
  byRoute: Record<string, number>
  rateLimited: number
  peakInFlight: number
}

export const fakeStats = async (fakeUrl: string) => (await json<FakeStats>(`${fakeUrl}/__stats`)).body
export const fakeReset = async (fakeUrl: string) => json(`${fakeUrl}/__reset`, 'POST', {})
export const totalCalls = (stats: FakeStats) => Object.values(stats.byRoute).reduce((a, b) => a + b, 0)

export async function seed(fakeUrl: string, count: number, start = 60_000_000_000): Promise<string[]> {
  const ids: string[] = []
  for (let done = 0; done < count; done += 5000) {
    const { body } = await json<{ ids: string[] }>(`${fakeUrl}/__seed`, 'POST', { count: Math.min(5000, count - done), start: start + done })
    ids.push(...body.ids)
  }
  return ids
}

export function pipedriveConnection(fakeUrl: string, extra: Record<string, unknown> = {}) {
  return {
    ...hubspotConnection(fakeUrl),
    connections: { pipedrive: { adapter: 'pipedrive', apiToken: PIPEDRIVE_TOKEN, baseUrl: fakeUrl, ...extra } },
    active: 'pipedrive',
  }
}

export function hubspotConnection(fakeUrl: string, extra: Record<string, unknown> = {}) {
  return {
    auth: { apiKeys: KEY },
    health: { intervalMs: 0 },
    limits: { maxBatchIds: 10_000, requestTimeoutMs: 120_000, bodyLimitBytes: 4_194_304 },
    connections: {
      hubspot: {
        adapter: 'hubspot',
        accessToken: HUBSPOT_TOKEN,
        baseUrl: fakeUrl,
        typeMap: { call: 'CALL', email: 'EMAIL', todo: 'TODO' },
        defaultType: 'TODO',
        ...extra,
      },
    },
    active: 'hubspot',
  }
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`
export const ratio = (value: number) => `${value.toFixed(2)}×`

export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}
