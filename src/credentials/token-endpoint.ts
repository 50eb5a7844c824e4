import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Logger } from 'pino'
import { type Dispatcher, getGlobalDispatcher } from 'undici'
import { UpstreamAuthError, UpstreamBadResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts'
import { TransportError, createTransport } from '../upstream/transport.ts'
import type { UpstreamResponse } from '../kit/spec.ts'
import type { Attempt } from '../upstream/types.ts'

/** Where and as whom the gateway asks for tokens: an OAuth app's token endpoint and its client. */
export interface TokenEndpoint {
  readonly url: string
  readonly clientId: string
  readonly clientSecret: string
}

/** A token endpoint's answer to the refresh grant (RFC 6749 §5.1); without `refresh_token`, the old one stays. */
export const TokenAnswer = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  refresh_token: Type.Optional(Type.String({ minLength: 1 })),
  expires_in: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
})
export type TokenAnswer = Static<typeof TokenAnswer>

export interface EndpointContext {
  readonly connection: string
  readonly logger: Logger
  readonly dispatcher?: Dispatcher
  /** The connection's timeouts: a token call may wait as long as a CRM call, no longer. */
  readonly timeouts: { readonly headersMs: number; readonly bodyMs: number }
  readonly maxResponseBytes: number
}

/** A token answer is a few hundred bytes: the connection's `maxResponseBytes` is for CRM pages. */
const MAX_ANSWER_BYTES = 64 * 1024
/** An OAuth error code (`invalid_grant`): a registered word, safe to log, unlike the rest of the body. */
const ERROR_CODE = /^[a-z_]{1,64}$/
/** Never aborted: once sent, the refresh token may be spent, and its answer must be read. */
const UNCANCELLED: Attempt['options'] = { signal: new AbortController().signal, deadline: Number.POSITIVE_INFINITY, warn: () => {} }

/**
 * The refresh grant (RFC 6749 §6), the client authenticated with HTTP Basic (§2.3.1, which every
 * server must accept, and Pipedrive's form). Sent by the upstream transport, as CRM calls are: the
 * connection's timeouts, an answer read only up to its bound, failures named by host and port
 * only. Not through the client's other layers: a refresh is never retried (its refresh token may
 * be spent) nor held by the CRM's rate limit or breaker. Neither the answer's body nor what was
 * sent goes into an error or a log line: both hold tokens. The request is not tied to any caller's
 * cancellation.
 */
export async function refreshGrant(endpoint: TokenEndpoint, refreshToken: string, context: EndpointContext): Promise<TokenAnswer> {
  const { connection } = context
  const client = `${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`
  const transport = createTransport({
    connection,
    baseUrl: endpoint.url,
    dispatcher: context.dispatcher ?? getGlobalDispatcher(),
    headers: { authorization: `Basic ${Buffer.from(client).toString('base64')}` },
    headersTimeoutMs: context.timeouts.headersMs,
    bodyTimeoutMs: context.timeouts.bodyMs,
    maxResponseBytes: Math.min(context.maxResponseBytes, MAX_ANSWER_BYTES),
  })
  let answer: UpstreamResponse
  try {
    answer = await transport({
      method: 'POST',
      route: '',
      path: '',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      number: 0,
      waitedMs: 0,
      options: UNCANCELLED,
    })
  } catch (error) {
    if (!(error instanceof TransportError)) throw error
    if (error.kind === 'timeout') throw new UpstreamTimeoutError(connection, error.failure, { cause: error })
    throw new UpstreamUnavailableError(
      `the OAuth token endpoint of connection "${connection}" is unreachable (${error.causeCode})`,
      error.failure,
      { cause: error },
    )
  }
  const { status } = answer
  const body = parse(answer.text)
  if (status === 200) {
    if (Value.Check(TokenAnswer, body)) return body
    throw new UpstreamBadResponseError(`the OAuth token endpoint of connection "${connection}" answered 200 without an access token`)
  }
  if (status === 400 || status === 401) {
    const code = (body as { error?: unknown } | undefined)?.error
    context.logger.error(
      { status, error: typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined },
      'OAuth token refresh refused: authorize the app again and configure its new refreshToken',
    )
    throw new UpstreamAuthError(connection)
  }
  throw new UpstreamUnavailableError(`the OAuth token endpoint of connection "${connection}" answered ${status}`)
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
