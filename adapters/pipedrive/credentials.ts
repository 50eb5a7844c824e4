import { type Static, Type } from '@sinclair/typebox'
import type { AdapterContext, Credentials } from '../../src/kit/spec.ts'
import { ConfigError } from '../../src/kit/utils.ts'

export const PIPEDRIVE_TOKEN_URL = 'https://oauth.pipedrive.com/oauth/token'

/** A connection's credentials: an API token, or an OAuth app's grant, which the gateway refreshes. */
export const CredentialOptions = {
  apiToken: Type.Optional(Type.String({ minLength: 1, description: 'an API token, sent as x-api-token' })),
  clientId: Type.Optional(Type.String({ minLength: 1, description: "the OAuth app's client id" })),
  clientSecret: Type.Optional(Type.String({ minLength: 1, description: "the OAuth app's client secret" })),
  refreshToken: Type.Optional(
    Type.String({ minLength: 1, description: 'the refresh token the OAuth app was authorized with; the gateway refreshes the access token with it' }),
  ),
  accessToken: Type.Optional(Type.String({ minLength: 1, description: 'an OAuth access token obtained with refreshToken, sent as Bearer until it expires' })),
  tokenUrl: Type.String({ default: PIPEDRIVE_TOKEN_URL, description: "Pipedrive's OAuth token endpoint" }),
  tokenFile: Type.Optional(
    Type.String({ minLength: 1, description: 'where the rotated tokens are kept (mode 0600) when the gateway has no coordination.redis' }),
  ),
}
const CredentialSettings = Type.Object(CredentialOptions)
type CredentialSettings = Static<typeof CredentialSettings>

const OAUTH_APP = "an OAuth app's clientId, clientSecret and refreshToken"

/**
 * What the upstream client sends: the API token as a fixed header, or an OAuth access token that
 * the gateway refreshes (Pipedrive's expire after an hour, and each refresh rotates the refresh
 * token). A lone `accessToken` is refused: it would stop working an hour after the start.
 */
export function pipedriveAuth(options: CredentialSettings, ctx: AdapterContext): { headers: Record<string, string>; credentials?: Credentials } {
  const where = `connections.${ctx.connection}`
  const { apiToken, clientId, clientSecret, refreshToken, accessToken, tokenFile } = options
  if (apiToken !== undefined) {
    if ([clientId, clientSecret, refreshToken, accessToken, tokenFile].some((value) => value !== undefined)) {
      throw new ConfigError(where, `set apiToken, or ${OAUTH_APP}, not both`)
    }
    return { headers: { 'x-api-token': apiToken } }
  }
  if (refreshToken === undefined) {
    throw new ConfigError(
      where,
      accessToken === undefined
        ? `set apiToken, or ${OAUTH_APP}`
        : `an OAuth accessToken expires after an hour: set ${OAUTH_APP} too, for the gateway to refresh it (or use apiToken)`,
    )
  }
  if (clientId === undefined || clientSecret === undefined) {
    throw new ConfigError(where, "refreshToken needs the OAuth app's clientId and clientSecret, to refresh the access token with")
  }
  return { headers: {}, credentials: ctx.oauth({ tokenUrl: options.tokenUrl, clientId, clientSecret, refreshToken, accessToken, tokenFile }) }
}
