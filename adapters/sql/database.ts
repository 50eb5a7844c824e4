import { GatewayError, type Query, type SqlDriver, UpstreamRejectedError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../src/kit/utils.ts'

/** What the ports use: statements that run once the tables are migrated, and fail as the gateway's errors. */
export interface SqlDatabase {
  readonly query: Query
  readonly mergeObject: SqlDriver['mergeObject']
}

/**
 * The driver behind the migration and the error translation. The migration runs on the first
 * call, not at start, so a `config check` opens nothing; and a migration that failed (the
 * database was down) is tried again by the next call, where a promise kept forever would fail
 * every call until a restart. Calls at once share one attempt.
 *
 * `secrets` are the connection's credentials: no error message ever carries them.
 */
export function openDatabase(driver: SqlDriver, prepare: () => Promise<void>, connection: string, secrets: readonly string[]): SqlDatabase {
  let ready: Promise<void> | undefined
  const whenReady = () => {
    ready ??= prepare().catch((error: unknown) => {
      ready = undefined
      throw error
    })
    return ready
  }
  return {
    mergeObject: (column) => driver.mergeObject(column),
    async query(sql, params) {
      try {
        await whenReady()
        return await driver.query(sql, params)
      } catch (error) {
        throw translate(error, connection, secrets)
      }
    },
  }
}

/** SQLite's codes for a unique index or primary key refusing a row, and PostgreSQL's. */
const UNIQUE_VIOLATIONS = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'])
/** node-postgres' own timeouts, which carry no code: opening a connection, waiting for a free
 * one of the pool, and a statement's answer. */
const DRIVER_TIMEOUTS = new Set([
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
])
/** PostgreSQL's query_canceled: a `statement_timeout` the operator set on the role or database. */
const STATEMENT_CANCELED = '57014'

function translate(error: unknown, connection: string, secrets: readonly string[]): GatewayError {
  if (error instanceof GatewayError) return error
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  // Only an update can meet one (creates resolve their conflicts): the caller asked to give a
  // record a key another record holds, which they can fix.
  if (typeof code === 'string' && UNIQUE_VIOLATIONS.has(code)) {
    return new UpstreamRejectedError(`the database of connection "${connection}" holds another record with the same key`)
  }
  if (code === STATEMENT_CANCELED || (typeof message === 'string' && DRIVER_TIMEOUTS.has(message))) return new UpstreamTimeoutError(connection)
  const detail = redact(`${typeof code === 'string' ? code : ''} ${String(message ?? '')}`, secrets).trim().slice(0, 200)
  // PostgreSQL's class 22, data exceptions: a value it cannot hold (a NUL character, a number out
  // of range). The data is at fault, not the database, and retrying would fail alike.
  if (typeof code === 'string' && code.startsWith('22')) {
    return new UpstreamRejectedError(`the database of connection "${connection}" refused a value: ${detail}`)
  }
  return new UpstreamUnavailableError(`the database of connection "${connection}" failed: ${detail}`)
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text
  // Longest first, so a password inside the URL does not leave the rest of the URL behind.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret) out = out.split(secret).join('***')
  return out
}

/** The parts of a PostgreSQL URL an error must not show: the URL itself and its password, as
 * written and decoded. */
export function secretsOf(url: string | undefined): string[] {
  if (!url) return []
  const secrets = [url]
  try {
    const parsed = new URL(url)
    for (const value of [parsed.password, parsed.searchParams.get('password') ?? '']) {
      if (!value) continue
      secrets.push(value)
      try {
        secrets.push(decodeURIComponent(value))
      } catch {
        // A password that is not valid percent-encoding appears only as written.
      }
    }
  } catch {
    // Not a URL the WHATWG parser reads: pg may still; the whole string is redacted.
  }
  return secrets
}

/** `?, ?, ?`: one placeholder per value. */
export const marks = (count: number): string => Array.from({ length: count }, () => '?').join(', ')
