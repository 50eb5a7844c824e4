import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { RequestMetrics } from '../../src/ops/request-metrics.ts'

describe('request metrics', () => {
  it("expose exactly what prom-client's own Counter and Histogram expose for the same requests", async () => {
    const ours = new Registry()
    const metrics = new RequestMetrics(ours)
    const reference = new Registry()
    const counter = new Counter({
      name: 'gateway_http_requests_total',
      help: 'Requests answered, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [reference],
    })
    const histogram = new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time to answer a request, by route and method',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [reference],
    })
    const requests: [string, string, number, number][] = [
      ['/tasks/:taskId', 'GET', 200, 0.003],
      ['/tasks/:taskId', 'GET', 404, 0.02],
      ['/tasks/:taskId', 'GET', 200, 0.02],
      ['/tasks', 'POST', 201, 0.3],
      ['/tasks', 'POST', 503, 45],
      ['unmatched', 'GET', 404, 0.005],
    ]
    for (const [route, method, status, seconds] of requests) {
      metrics.observe(route, method, status, seconds)
      counter.inc({ route, method, status: String(status) })
      histogram.observe({ route, method }, seconds)
    }
    expect(await ours.metrics()).toBe(await reference.metrics())
  })
})
