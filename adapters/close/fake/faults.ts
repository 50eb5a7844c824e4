import type { SeenRequest, Step } from './http.ts'

/**
 * Failures a test asks for: the next calls matching a method and path answer a 5xx without being
 * applied. Close documents no body for its 5xx answers; these carry Close's `{"error"}` shape.
 */
export class Faults {
  private readonly planned: { method: string; path: RegExp; status: number; left: number }[] = []

  fail(method: string, path: RegExp, status: 500 | 502 | 503 | 504, times: number): void {
    this.planned.push({ method, path, status, left: times })
  }

  take(request: SeenRequest): Step | undefined {
    const plan = this.planned.find((p) => p.left > 0 && p.method === request.method && p.path.test(request.path))
    if (!plan) return undefined
    plan.left--
    return { status: plan.status, body: { error: plan.status === 500 ? 'Internal server error.' : 'The service is unavailable, try again.' } }
  }
}
