import type { AttioFake } from './server.ts'

const UUID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/g

/** The requests the fake has seen, counted by `METHOD path` with ids as `{id}`, as `calls` names routes. */
export function callsByRoute(fake: AttioFake): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of fake.http.requests) {
    const route = `${r.method} ${r.path.replace(UUID_SEGMENT, '/{id}')}`
    counts[route] = (counts[route] ?? 0) + 1
  }
  return counts
}
