/**
 * What each call costs of a Pipedrive company's daily token budget: the `x-token-cost` of each
 * operation in Pipedrive's published OpenAPI descriptions (v2 and v1, as mirrored in
 * juhokoskela/pipedrive-go `openapi/upstream/`). v2 costs half of v1's, as Pipedrive's "Guide for
 * optimizing API usage" says ("up to half the cost"); searches cost the most of all.
 */
const COSTS: readonly [method: string, path: RegExp, tokens: number][] = [
  ['GET', /^\/api\/v2\/(persons|organizations)\/search$/, 20],
  ['GET', /^\/api\/v2\/(persons|organizations|activities)$/, 10],
  ['GET', /^\/api\/v2\/(persons|organizations|activities)\/\d+$/, 1],
  ['POST', /^\/api\/v2\/(persons|organizations|activities)$/, 5],
  ['PATCH', /^\/api\/v2\/(persons|organizations|activities)\/\d+$/, 5],
  ['DELETE', /^\/api\/v2\/(persons|organizations|activities)\/\d+$/, 3],
  ['GET', /^\/api\/v1\/users\/me$/, 2],
  ['GET', /^\/api\/v1\/(users|personFields|organizationFields|activityTypes)$/, 20],
]

/** The tokens a call costs; an unknown route costs what a v1 list does. */
export function tokenCost(method: string, path: string): number {
  return COSTS.find(([m, p]) => m === method && p.test(path))?.[2] ?? 20
}

/** Search is limited apart from every other call (10 per 2 s on every plan). */
export const isSearch = (path: string) => /^\/api\/v2\/(persons|organizations)\/search$/.test(path)
