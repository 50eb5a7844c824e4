import { LRUCache } from 'lru-cache'

/**
 * An LRUCache of at most `max` entries whose storage grows as entries come. lru-cache's own `max`
 * preallocates storage for all of them (about 1.5 MiB for 100,000) in every instance: with caches
 * per connection, that made each of 10,000 tenants cost 3 MiB before it served a request.
 */
export function growingLru<K extends {}, V extends {}, FC = unknown>(options: LRUCache.Options<K, V, FC> & { max: number }): LRUCache<K, V, FC> {
  const { max, ...rest } = options
  return new LRUCache<K, V, FC>({ ...rest, maxSize: max, sizeCalculation: () => 1 } as LRUCache.Options<K, V, FC>)
}
