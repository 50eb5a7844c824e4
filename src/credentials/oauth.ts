import { accessSync, constants } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { SharedTokens } from './shared-tokens.ts'
import type { Coordination } from '../coordination/redis.ts'
import { ConfigError } from '../errors.ts'
import type { Credentials } from '../upstream/credentials.ts'
import { RefreshingToken } from './refreshing-token.ts'
import { refreshGrant } from './token-endpoint.ts'
import { TokenFile } from './token-file.ts'
import { chainOf } from './token-set.ts'
import type { TokenStore } from './token-store.ts'

/** An OAuth app's grant, as an adapter reads it from its connection's options. */
export interface OAuthGrant {
  /** The token endpoint (`https://oauth.pipedrive.com/oauth/token`). */
  readonly tokenUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** The refresh token the app was authorized with: the start of the chain of rotated ones. */
  readonly refreshToken: string
  /** An access token obtained with it, used until it is refused; without it, the first call
   * refreshes. */
  readonly accessToken?: string
  /** Where the rotated tokens are kept without Redis; with Redis, read once if Redis holds none. */
  readonly tokenFile?: string
}

/** Makes a connection's refreshing credential (`AdapterContext.oauth`). */
export type OAuthFactory = (grant: OAuthGrant) => Credentials

export interface OAuthSetting {
  readonly connection: string
  readonly logger: Logger
  readonly coordination?: Coordination
  readonly dispatcher?: Dispatcher
  /** The connection's timeouts and answer bound, which its token calls keep too. */
  readonly timeouts: { readonly headersMs: number; readonly bodyMs: number }
  readonly maxResponseBytes: number
}

/**
 * The credential of an OAuth grant, its tokens kept where every replica and the next start find
 * them: Redis when the gateway has `coordination`, else the operator's `tokenFile`. A grant with
 * neither is refused, as its rotated refresh token would be lost at the next start.
 */
export function oauthFactory(setting: OAuthSetting): OAuthFactory {
  const { connection, logger } = setting
  return (grant) => {
    const chain = chainOf(grant.tokenUrl, grant.clientId, grant.refreshToken)
    const endpoint = { url: grant.tokenUrl, clientId: grant.clientId, clientSecret: grant.clientSecret }
    return new RefreshingToken({
      connection,
      logger,
      store: storeOf(setting, grant, chain),
      configured: {
        chain,
        accessToken: grant.accessToken ?? '',
        refreshToken: grant.refreshToken,
        expiresAt: grant.accessToken === undefined ? 0 : null,
        renewAt: null,
        generation: 0,
      },
      spend: (refreshToken) => refreshGrant(endpoint, refreshToken, setting),
      secrets: [grant.clientSecret],
    })
  }
}

function storeOf(setting: OAuthSetting, grant: OAuthGrant, chain: string): TokenStore {
  const file = grant.tokenFile === undefined ? undefined : new TokenFile(resolve(grant.tokenFile), chain)
  if (setting.coordination) return new SharedTokens(setting.coordination, chain, file)
  if (file) return writable(file, setting.connection)
  throw new ConfigError(
    `connections.${setting.connection}`,
    'an OAuth refresh token is replaced at every refresh: set coordination.redis, or tokenFile, so the new one is kept where every replica and the next start find it',
  )
}

/** Refused at start rather than at the first refresh, when a refresh token would already be spent. */
function writable(file: TokenFile, connection: string): TokenFile {
  const folder = dirname(file.where)
  try {
    accessSync(folder, constants.W_OK)
  } catch (error) {
    throw new ConfigError(`connections.${connection}.tokenFile`, `the gateway cannot write in ${folder}`, { cause: error })
  }
  return file
}
