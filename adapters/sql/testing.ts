import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { type Socket, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { PoolLimits } from '../../src/kit/utils.ts'

/** What the sql adapter's tests share: a PostgreSQL to run on, fresh tables, a database that fails on demand. */

/** PostgreSQL runs on this machine kind (`.ci/run` starts it when it is not running). */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export const tempFile = (name = 'crm.sqlite'): string => join(mkdtempSync(join(tmpdir(), 'gateway-sql-')), name)

/** A table prefix no other run (nor another test file running at the same time) uses. */
export const uniquePrefix = (what: string): string => `${what}_${process.pid}_${randomBytes(4).toString('hex')}`

/** A pool of `max` connections with the default `timeouts`, for the driver tests. */
export const poolLimits = (max: number): PoolLimits => ({ max, connectMs: 5000, queryMs: 10_000 })

/** The connection options of a fresh set of tables on the test PostgreSQL. */
export const postgresConnection = (prefix: string, url = POSTGRES_URL) => ({ adapter: 'sql', url, prefix, table: `${prefix}_tasks` })

/** One statement on the test PostgreSQL, outside any gateway. */
export async function pgQuery<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    return (await client.query<R>(sql, params)).rows
  } finally {
    await client.end()
  }
}

/** Drops every table whose name starts with `prefix_` (the tasks table of `postgresConnection` included). */
export async function dropTables(prefix: string): Promise<void> {
  const rows = await pgQuery<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND left(tablename, length($1)) = $1',
    [`${prefix}_`],
  )
  for (const { tablename } of rows) await pgQuery(`DROP TABLE IF EXISTS "${tablename}" CASCADE`)
}

export interface FlakyProxy {
  readonly port: number
  /** `postgres://` through the proxy, with a password (that trust authentication ignores). */
  readonly url: string
  /** From now on, connections reach PostgreSQL. */
  heal(): void
  /** Cuts every connection, and closes each new one at once, until `heal`. */
  break(): void
  /** Keeps every connection open but carries nothing either way, until `heal`: a database that
   * stopped answering. */
  stall(): void
  /** The most connections that were open through the proxy at once. */
  readonly peak: number
  close(): Promise<void>
}

/**
 * A TCP proxy in front of the test PostgreSQL that closes every connection at once while it is
 * broken (it starts broken unless told `up`): to the gateway, a database that is down.
 */
export async function flakyProxy({ up: startUp = false, target = new URL(POSTGRES_URL) } = {}): Promise<FlakyProxy> {
  let state: 'up' | 'broken' | 'stalled' = startUp ? 'up' : 'broken'
  let open = 0
  let peak = 0
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    return socket
  }
  const server = createServer((client) => {
    track(client)
    if (state === 'broken') return void client.destroy()
    peak = Math.max(peak, ++open)
    client.once('close', () => open--)
    const upstream = track(connect(Number(target.port || 5432), target.hostname))
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end)
    // While stalled, what either side sends is dropped: neither learns anything is wrong.
    client.on('data', (chunk) => state === 'up' && upstream.write(chunk))
    upstream.on('data', (chunk) => state === 'up' && client.write(chunk))
  })
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
  })
  const url = new URL(POSTGRES_URL)
  Object.assign(url, { hostname: '127.0.0.1', port: String(port), password: PROXY_PASSWORD })
  return {
    port,
    url: url.href,
    heal: () => {
      state = 'up'
    },
    break: () => {
      state = 'broken'
      for (const socket of sockets) socket.destroy()
    },
    stall: () => {
      state = 'stalled'
    },
    get peak() {
      return peak
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** The password in a proxy's `url`: an answer must never show it. */
export const PROXY_PASSWORD = 's3cret-pw'

/** The first version of this adapter's tasks table, exactly as it created it. */
export const V1_TASKS_DDL = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    description TEXT,
    type TEXT,
    owner_id TEXT,
    contact_id TEXT,
    company_id TEXT,
    due_at BIGINT,
    completed BOOLEAN NOT NULL DEFAULT FALSE,
    completed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  )`
