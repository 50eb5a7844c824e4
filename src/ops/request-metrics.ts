import type { Metric, Registry } from 'prom-client'

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

interface Value {
  readonly labels: Record<string, string | number>
  readonly value: number
  readonly metricName?: string
}

interface Latency {
  readonly labels: { readonly route: string; readonly method: string }
  count: number
  sum: number
  /** Observations per bucket, not yet cumulative. */
  readonly buckets: number[]
}

/**
 * Requests answered (a counter by route, method and status) and the time they took (a histogram
 * by route and method), counted in plain maps and turned into Prometheus values only when
 * scraped: prom-client hashes and validates the labels of every observation, and this runs on
 * every request. Routes are templates and statuses a few, so the maps stay small.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, { readonly labels: Record<string, string>; value: number }>()
  private readonly latency = new Map<string, Latency>()

  constructor(registry: Registry) {
    const counts = this.counts
    const latency = this.latency
    const metric = (name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) =>
      ({ name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }), reset() {} }) as unknown as Metric
    registry.registerMetric(
      metric('gateway_http_requests_total', 'Requests answered, by route, method and status', 'counter', () =>
        [...counts.values()].map(({ labels, value }) => ({ labels, value })),
      ),
    )
    registry.registerMetric(
      metric('gateway_http_request_duration_seconds', 'Time to answer a request, by route and method', 'histogram', () =>
        [...latency.values()].flatMap(({ labels, count, sum, buckets }) => {
          const name = 'gateway_http_request_duration_seconds'
          let cumulative = 0
          const upTo = buckets.map((n) => {
            cumulative += n
            return cumulative
          })
          return [
            ...BUCKETS.map((le, i) => ({ labels: { le, ...labels }, value: upTo[i]!, metricName: `${name}_bucket` })),
            { labels: { le: '+Inf', ...labels }, value: count, metricName: `${name}_bucket` },
            { labels, value: sum, metricName: `${name}_sum` },
            { labels, value: count, metricName: `${name}_count` },
          ]
        }),
      ),
    )
  }

  observe(route: string, method: string, status: number, seconds: number): void {
    const countKey = `${method} ${status} ${route}`
    const counted = this.counts.get(countKey)
    if (counted) counted.value++
    else this.counts.set(countKey, { labels: { route, method, status: String(status) }, value: 1 })

    const timeKey = `${method} ${route}`
    let timed = this.latency.get(timeKey)
    if (!timed) {
      timed = { labels: { route, method }, count: 0, sum: 0, buckets: BUCKETS.map(() => 0) }
      this.latency.set(timeKey, timed)
    }
    timed.count++
    timed.sum += seconds
    const bucket = BUCKETS.findIndex((le) => seconds <= le)
    if (bucket >= 0) timed.buckets[bucket]!++
  }
}
