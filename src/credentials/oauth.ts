import { accessSync, constants } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Logger } from 'pino'
import type { Dispatcher } from 'undici'
import { SharedTokens } from '../coordination/shared-tokens.ts'
import type { Coordination } from '../coordination/redis.ts'
import { ConfigError } from '../errors.ts'
import type { OAuthFactory, OAuthGrant } from '../kit/spec.ts'
import { RefreshingToken } from './refreshing-token.ts'
import { refreshGrant } from './token-endpoint.ts'
import { TokenFile } from './token-file.ts'
import { chainOf } from './token-set.ts'
import type { TokenStore } from './token-store.ts'

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
