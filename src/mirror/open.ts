import type { Logger } from 'pino'
import type { AdapterV2 } from '../kit/spec.ts'
import type { ConnectionCore } from '../config/schema.ts'
import { ConfigError } from '../errors.ts'
import type { FairLimit } from '../tools/fair-limit.ts'
import { postgresDriver, sqliteDriver } from '../storage/sql-driver.ts'
import { MemoryMirrorStore } from './memory-store.ts'
import { Mirror } from './mirror.ts'
import { SqlMirrorStore } from './sql-store.ts'
import type { MirrorStore } from './store.ts'
import type { Feeds } from './sweeper.ts'
import { webhookCredentials } from './webhook-credentials.ts'

/** Connections of one PostgreSQL pool: sweeps write one transaction at a time, reads are few. */
const POOL_MAX = 4

/**
 * The mirror `core.mirror` asks for, on the feeds the adapter declares; `undefined` without
 * `mirror:`. A connection whose adapter lists no changes of any kind cannot have one.
 */
export function openMirror(name: string, core: ConnectionCore, options: unknown, adapter: AdapterV2, limit: FairLimit, logger: Logger): Mirror | undefined {
  const settings = core.mirror
  if (!settings) return undefined
  const feeds: Feeds = {}
  if (adapter.tasks?.changes) feeds.tasks = adapter.tasks.changes
  if (adapter.contacts?.changes) feeds.contacts = adapter.contacts.changes
  if (adapter.companies?.changes) feeds.companies = adapter.companies.changes
  if (Object.keys(feeds).length === 0) {
    throw new ConfigError(`connections.${name}.mirror`, `adapter "${core.adapter}" has no change feed to keep a mirror with`)
  }
  const hooks = adapter.webhooks && {
    port: adapter.webhooks,
    target: { url: `${adapter.webhooks.baseUrl.replace(/\/+$/, '')}/webhooks/${name}`, ...webhookCredentials(name, { core, options }) },
  }
  return new Mirror(name, openStore(name, settings.store, core), feeds, settings, limit, logger.child({ mirror: true }), hooks)
}

function openStore(name: string, store: string, core: ConnectionCore): MirrorStore {
  if (store === '') return new MemoryMirrorStore()
  const driver = /^postgres(ql)?:\/\//.test(store)
    ? postgresDriver(store, { max: POOL_MAX, connectMs: core.timeouts.connectMs, queryMs: core.timeouts.headersMs })
    : sqliteDriver(store)
  return new SqlMirrorStore(driver, name)
}
