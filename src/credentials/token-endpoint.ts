import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Logger } from 'pino'
import { type Dispatcher, getGlobalDispatcher, request } from 'undici'
import { UpstreamAuthError, UpstreamBadResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors.ts'

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
}

const TIMEOUT_MS = 10_000
const MAX_ANSWER_BYTES = 64 * 1024
/** An OAuth error code (`invalid_grant`): a registered word, safe to log, unlike the rest of the body. */
const ERROR_CODE = /^[a-z_]{1,64}$/

/**
 * The refresh grant (RFC 6749 §6), the client authenticated with HTTP Basic (§2.3.1, which every
 * server must accept, and Pipedrive's form). Neither the answer's body nor what was sent goes
 * into an error or a log line: both hold tokens. The request is not tied to any caller's
 * cancellation: once sent, the refresh token may be spent, and its answer must be read.
 */
export async function refreshGrant(endpoint: TokenEndpoint, refreshToken: string, context: EndpointContext): Promise<TokenAnswer> {
  const { connection } = context
  const client = `${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`
  let status: number
  let text: string
  try {
    const answer = await request(endpoint.url, {
      method: 'POST',
      dispatcher: context.dispatcher ?? getGlobalDispatcher(),
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(client).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    })
    status = answer.statusCode
    text = await capped(answer.body, connection)
  } catch (error) {
    if (error instanceof UpstreamBadResponseError) throw error
    const code = (error as { code?: unknown }).code
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') throw new UpstreamTimeoutError(connection)
    throw new UpstreamUnavailableError(`the OAuth token endpoint of connection "${connection}" is unreachable (${typeof code === 'string' ? code : 'UNKNOWN'})`)
  }
  const body = parse(text)
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

async function capped(body: AsyncIterable<unknown> & { destroy(): void }, connection: string): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of body) {
    size += (part as Buffer).length
    if (size > MAX_ANSWER_BYTES) {
      body.destroy()
      throw new UpstreamBadResponseError(`the OAuth token endpoint of connection "${connection}" sent an answer larger than ${MAX_ANSWER_BYTES} bytes`)
    }
    parts.push(part as Buffer)
  }
  return Buffer.concat(parts, size).toString('utf8')
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
