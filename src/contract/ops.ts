import { type Static, Type } from '@sinclair/typebox'

/** One tenant's active connection, as the metrics token's holder sees it in `/readyz`. */
export const ConnectionHealth = Type.Object({
  name: Type.String(),
  /** The tenants whose active connection this is. */
  tenants: Type.Array(Type.String()),
  /** Absent for connections that make no HTTP calls (memory, sql). */
  breaker: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('half-open'), Type.Literal('open')])),
  /** Absent until checked: by `health.intervalMs`, or by a tenant's `GET /health`. */
  lastCheck: Type.Optional(
    Type.Object({
      ok: Type.Boolean(),
      at: Type.String({ description: 'ISO 8601' }),
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
})
export type ConnectionHealth = Static<typeof ConnectionHealth>

/**
 * The process's readiness. Without the metrics token it names no connection, tenant or CRM
 * error: anyone who can reach the port may ask.
 */
export const ReadyAnswer = Type.Object({
  status: Type.Literal('ready'),
  configVersion: Type.Integer(),
  coordination: Type.Union([Type.Literal('local'), Type.Literal('shared'), Type.Literal('degraded')]),
  connections: Type.Optional(Type.Array(ConnectionHealth)),
})
export type ReadyAnswer = Static<typeof ReadyAnswer>

export const LiveAnswer = Type.Object({ status: Type.Literal('ok') })
