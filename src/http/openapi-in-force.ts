import type { GatewayConfig } from '../config/types.ts'
import type { LimitKey } from '../contract/keywords.ts'

type Node = Record<string, unknown>

/**
 * The OpenAPI document as the config in force serves it: the API key in the header the config
 * names, and each array marked `x-limit` capped (`maxItems`) by that limit. The document is
 * generated once and a reload may change both, so they are written into a copy on each read.
 */
export function inForce<T extends object>(document: T, config: Pick<GatewayConfig, 'limits' | 'keyHeader'>): T {
  const copy = structuredClone(document) as T & { components?: { securitySchemes?: { apiKey?: Node } } }
  const apiKey = copy.components?.securitySchemes?.apiKey
  if (apiKey) apiKey.name = config.keyHeader.name
  capArrays(copy, config.limits)
  return copy
}

function capArrays(node: unknown, limits: Readonly<Record<LimitKey, number>>): void {
  if (typeof node !== 'object' || node === null) return
  const limit = (node as Node)['x-limit']
  if (limit === 'maxBatchIds' || limit === 'maxBatchRecords') (node as Node).maxItems = limits[limit]
  for (const child of Object.values(node)) capArrays(child, limits)
}
