import { HttpFake, type SeenRequest, type Step } from '../../../src/kit/testing.ts'

export const PIPEDRIVE_CLIENT = { id: 'fake-client-id-0a1b2c', secret: 'fake-client-secret-3d4e5f6a' }

/** One call to the token endpoint: the refresh token presented, and the status answered. */
export interface Refresh {
  readonly refreshToken: string
  readonly status: number
}

/**
 * Pipedrive's OAuth server (`POST /oauth/token`, the refresh grant), as its documentation
 * describes it: client authentication by HTTP Basic, a form body, and an answer of
 * `{access_token, token_type, refresh_token, scope, expires_in, api_domain}`. Each refresh rotates
 * the refresh token: the one presented is spent, and presenting it again is an `invalid_grant`,
 * so a gateway that spends one twice shows in `refreshes`. Access tokens work until their expiry,
 * on `Date.now()`'s clock, or until `revokeAccessTokens`; `accepts` tells the fake API which.
 */
export class PipedriveOAuthFake {
  readonly refreshes: Refresh[] = []
  /** Every token it issued, to check that none reaches a log line or an answer. */
  readonly issued: string[] = []
  expiresInS = 3599
  /** The refresh token the app was authorized with, and an access token obtained with it. */
  readonly initial: { readonly refreshToken: string; readonly accessToken: string }
  private live: string
  private readonly access = new Map<string, number>()
  private serial = 0

  private constructor(readonly http: HttpFake) {
    this.initial = { refreshToken: this.token('refresh'), accessToken: this.token('access') }
    this.live = this.initial.refreshToken
    this.access.set(this.initial.accessToken, Date.now() + this.expiresInS * 1000)
  }

  static async start(): Promise<PipedriveOAuthFake> {
    let fake: PipedriveOAuthFake | undefined
    const http = await HttpFake.start((request) => fake!.handle(request))
    fake = new PipedriveOAuthFake(http)
    return fake
  }

  get tokenUrl(): string {
    return `${this.http.url}/oauth/token`
  }

  /** The refresh token that works now. */
  get refreshToken(): string {
    return this.live
  }

  /** Whether the API takes the request's `Authorization: Bearer`. */
  accepts(request: SeenRequest): boolean {
    const token = request.headers.authorization?.replace(/^Bearer /, '')
    const expiresAt = token === undefined ? undefined : this.access.get(token)
    return expiresAt !== undefined && Date.now() < expiresAt
  }

  /** Every access token issued so far stops working (the user revoked and re-granted, or it expired early). */
  revokeAccessTokens(): void {
    this.access.clear()
  }

  /** The app is uninstalled: the refresh token in force stops working too. */
  revokeRefreshToken(): void {
    this.live = this.token('revoked')
  }

  close(): Promise<void> {
    return this.http.close()
  }

  private handle(request: SeenRequest): Step {
    if (request.method !== 'POST' || request.path !== '/oauth/token') return { status: 404, body: { success: false, error: 'Not found' } }
    const basic = `Basic ${Buffer.from(`${PIPEDRIVE_CLIENT.id}:${PIPEDRIVE_CLIENT.secret}`).toString('base64')}`
    if (request.headers.authorization !== basic) return { status: 401, body: { success: false, error: 'invalid_client', message: 'Invalid client' } }
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400, body: { success: false, error: 'invalid_request' } }
    const form = new URLSearchParams(String(request.body))
    if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { success: false, error: 'unsupported_grant_type' } }
    const presented = form.get('refresh_token') ?? ''
    if (presented !== this.live) {
      this.refreshes.push({ refreshToken: presented, status: 400 })
      return { status: 400, body: { success: false, error: 'invalid_grant', message: 'Invalid grant: refresh token is invalid' } }
    }
    const accessToken = this.token('access')
    this.live = this.token('refresh')
    this.access.set(accessToken, Date.now() + this.expiresInS * 1000)
    this.refreshes.push({ refreshToken: presented, status: 200 })
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        refresh_token: this.live,
        scope: 'base,contacts:full,activities:full,users:read,search:read',
        expires_in: this.expiresInS,
        api_domain: 'https://enginy-sandbox.pipedrive.com',
      },
    }
  }

  private token(kind: string): string {
    const token = `pd-${kind}-${++this.serial}-${Math.random().toString(36).slice(2, 12)}`
    this.issued.push(token)
    return token
  }
}
