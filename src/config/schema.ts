import { type Static, Type } from '@sinclair/typebox'

/**
 * The gateway's config file, as TypeBox schemas. Adapter-specific connection keys (`baseUrl`,
 * credentials…) are validated separately, by the schema each adapter registers.
 */

const PositiveInt = (defaults: number, max = 1_000_000_000) =>
  Type.Integer({ minimum: 1, maximum: max, default: defaults })

export const RateLimitConfig = Type.Object(
  {
    requests: Type.Integer({ minimum: 1 }),
    intervalMs: Type.Integer({ minimum: 1 }),
    /** Added to the window after each call's answer, for a CRM whose servers' clocks differ;
     * default 2% of the interval, at least 50 ms (`src/upstream/rate-limit.ts`). */
    marginMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)
export type RateLimitConfig = Static<typeof RateLimitConfig>

export const TimeoutsConfig = Type.Object(
  {
    connectMs: PositiveInt(5_000),
    headersMs: PositiveInt(10_000),
    bodyMs: PositiveInt(10_000),
  },
  { additionalProperties: false, default: {} },
)

export const RetryConfig = Type.Object(
  {
    maxRetries: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
    minDelayMs: Type.Integer({ minimum: 0, default: 500 }),
    maxDelayMs: Type.Integer({ minimum: 0, default: 30_000 }),
  },
  { additionalProperties: false, default: {} },
)
export type RetryConfig = Static<typeof RetryConfig>

export const BreakerConfig = Type.Object(
  {
    failures: PositiveInt(5, 1000),
    cooldownMs: PositiveInt(10_000),
  },
  { additionalProperties: false, default: {} },
)
export type BreakerConfig = Static<typeof BreakerConfig>

/**
 * The longest a CRM's `Retry-After` or reset header may pause a connection. A daily cap (declared
 * only by the CRM's own daily signal) pauses `dailyMs`, then one call probes whether it has reset.
 */
export const PauseCapConfig = Type.Object(
  {
    windowMs: PositiveInt(60_000),
    dailyMs: PositiveInt(300_000),
  },
  { additionalProperties: false, default: {} },
)
export type PauseCapConfig = Static<typeof PauseCapConfig>

/** Where a mirror lives: empty, in the process; a file path, SQLite; `postgres://…`, shared by replicas. */
export const MIRROR_STORE = '^$|^postgres(ql)?://|^[^:]*$'

export const MirrorConfig = Type.Object(
  {
    /** How often the CRM's change feeds are swept. */
    pollMs: PositiveInt(30_000),
    /** Past this since the last complete sweep (or webhook), answers come from the CRM again. */
    maxStalenessMs: PositiveInt(60_000),
    store: Type.String({ default: '', pattern: MIRROR_STORE, description: 'empty: in memory; a file path: SQLite; postgres://…: PostgreSQL, shared by replicas' }),
  },
  { additionalProperties: false },
)
export type MirrorConfig = Static<typeof MirrorConfig>

/** The keys the core reads from every connection; the rest belong to its adapter. */
export const ConnectionCore = Type.Object({
  adapter: Type.String({ minLength: 1 }),
  concurrency: PositiveInt(8, 1000),
  rateLimit: Type.Optional(RateLimitConfig),
  /** Limits of route groups a CRM counts apart (`search`), overriding what the adapter declares. */
  rateLimits: Type.Record(Type.String(), RateLimitConfig, { default: {} }),
  timeouts: TimeoutsConfig,
  retry: RetryConfig,
  breaker: BreakerConfig,
  pauseCap: PauseCapConfig,
  /** The most bytes of one CRM answer the gateway reads; a larger answer is a 502. */
  maxResponseBytes: PositiveInt(8 * 1024 * 1024),
  typeMap: Type.Record(Type.String(), Type.String({ minLength: 1 }), { default: {} }),
  /** Concurrent single reads (and completions) gathered into native batches; no effect where the
   * adapter has none. `windowMs` > 0 also holds the first of them that long. */
  coalesce: Type.Object(
    { enabled: Type.Boolean({ default: true }), windowMs: Type.Integer({ minimum: 0, maximum: 1000, default: 0 }) },
    { additionalProperties: false, default: {} },
  ),
  /** A read cache of `max` tasks (0: off), each kept `ttlMs`; writes through the gateway update it. */
  cache: Type.Object(
    { max: Type.Integer({ minimum: 0, default: 0 }), ttlMs: Type.Integer({ minimum: 1, default: 5000 }) },
    { additionalProperties: false, default: {} },
  ),
  defaultType: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * A mirror of what Enginy asks of the CRM (tasks, the match keys of contacts and companies),
   * kept current by the adapter's change feeds (`src/mirror/`): absent, every call goes to the CRM.
   */
  mirror: Type.Optional(MirrorConfig),
  /**
   * Enginy's field names to the CRM's, per kind of record: engagement fields and any other field
   * Enginy sends beyond a record's standard ones. A field without an entry is kept by adapters
   * that can store it (memory, sql) and dropped with a warning by the others.
   */
  fieldMap: Type.Object(
    {
      contacts: Type.Record(Type.String(), Type.String({ minLength: 1 }), { default: {} }),
      companies: Type.Record(Type.String(), Type.String({ minLength: 1 }), { default: {} }),
    },
    { additionalProperties: false, default: {} },
  ),
})
export type ConnectionCore = Static<typeof ConnectionCore>
export const CORE_CONNECTION_KEYS = Object.keys(ConnectionCore.properties)

/** The largest `limits.bodyLimitBytes` takes; the server's fixed limit, under the one in force. */
export const MAX_BODY_LIMIT_BYTES = 1_000_000_000

/** API keys or link tokens: a comma-separated string or a list; several are valid at once (rotation). */
const Secrets = Type.Union([Type.String(), Type.Array(Type.String())], { default: [] })

export const TenantFile = Type.Object(
  {
    apiKeys: Secrets,
    /** The capability in the tenant's record links: `/links/<token>/contacts/{{crmId}}`. */
    linkTokens: Secrets,
    active: Type.String({ minLength: 1 }),
    /** The connections this tenant may read and complete tasks of; the active one is added. */
    connections: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
)

export const GatewayConfigFile = Type.Object(
  {
    auth: Type.Object(
      {
        apiKeys: Secrets,
        /** The link tokens of the one tenant configured without `tenants:`. */
        linkTokens: Secrets,
        /** The header Enginy sends the key in: the connection's `apiKeyHeader` in Enginy. */
        header: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', default: 'X-API-Key' }),
        /** Failed authentications one client address may make: `burst` at once, then `perMinute`. */
        failures: Type.Object(
          { burst: PositiveInt(20, 100_000), perMinute: PositiveInt(60, 100_000) },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    limits: Type.Object(
      {
        maxBatchIds: PositiveInt(1000, 100_000),
        /** Records in one companies, sync, update or associations request (contacts export: 100). */
        maxBatchRecords: PositiveInt(1000, 100_000),
        bodyLimitBytes: PositiveInt(1_048_576, MAX_BODY_LIMIT_BYTES),
        requestTimeoutMs: PositiveInt(15_000),
      },
      { additionalProperties: false, default: {} },
    ),
    connections: Type.Record(Type.String(), Type.Object({ adapter: Type.String() })),
    /** The proxies (addresses, CIDR ranges) whose `X-Forwarded-For` names the client (`src/config/trust-proxy.ts`). */
    trustProxy: Type.Array(Type.String(), { default: [] }),
    /** The connection that receives new tasks; required unless `tenants` is given. */
    active: Type.Optional(Type.String({ minLength: 1 })),
    tenants: Type.Optional(Type.Record(Type.String(), TenantFile)),
    health: Type.Object(
      {
        /** How often each active connection is checked for `/readyz`; 0 turns the checks off
         * (for tight daily CRM budgets), leaving readiness to the circuit breakers. */
        intervalMs: Type.Integer({ minimum: 0, default: 15_000 }),
        timeoutMs: PositiveInt(5_000),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Absent: every replica keeps its own limits and idempotency keys. With Redis: shared. */
    coordination: Type.Optional(
      Type.Object(
        {
          redis: Type.Object(
            {
              url: Type.String({ pattern: '^rediss?://' }),
              prefix: Type.String({ minLength: 1, default: 'enginy-gateway' }),
              /** Replicas sharing each budget: while Redis is down each takes 1/replicas of it. */
              replicas: Type.Integer({ minimum: 1, default: 1 }),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    metrics: Type.Object(
      {
        /** When set, `/metrics` and the `/readyz` detail want `Authorization: Bearer <token>`. */
        token: Type.Optional(Type.String()),
        /** Production refuses to start without `token` unless this says `/metrics` may be open. */
        public: Type.Boolean({ default: false }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
)
export type GatewayConfigFile = Static<typeof GatewayConfigFile>
