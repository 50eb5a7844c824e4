import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { GatewayConfig, TenantConfig } from './types.ts'
import type { Problems } from './problems.ts'

/**
 * Link tokens: the capability in the path of every record link (`/links/<token>/contacts/{{crmId}}`),
 * one or several per tenant (rotation). A browser opens links without a key, so the token is what
 * ties a link to its tenant: anyone without it gets a 404, whatever the id.
 */

/** The shortest token production takes: a link token is guessed from outside, at leisure. */
export const MIN_PRODUCTION_LINK_TOKEN_LENGTH = 32
const MAX_LINK_TOKEN_LENGTH = 256
/** RFC 3986's unreserved characters: the token sits in a URL path as it is, with no escaping. */
const LINK_TOKEN = /^[A-Za-z0-9._~-]+$/
const MAKE_ONE = 'make one with: openssl rand -hex 24'

/** The rules for the tokens at `place`, each named by its place in the list, never by its value: the message is logged. */
export function checkLinkTokens(place: string, tokens: readonly string[], env: NodeJS.ProcessEnv, problems: Problems): void {
  for (const [i, token] of tokens.entries()) {
    if (!LINK_TOKEN.test(token) || token.length > MAX_LINK_TOKEN_LENGTH) {
      problems.add(`${place}[${i}]`, `must be at most ${MAX_LINK_TOKEN_LENGTH} of the characters A-Z a-z 0-9 - . _ ~, as it sits in a URL as it is (${MAKE_ONE})`)
    } else if (env.NODE_ENV === 'production' && token.length < MIN_PRODUCTION_LINK_TOKEN_LENGTH) {
      problems.add(`${place}[${i}]`, `is shorter than ${MIN_PRODUCTION_LINK_TOKEN_LENGTH} characters, which production refuses (${MAKE_ONE})`)
    }
  }
}

/**
 * Refuses a link token that two tenants share (a link would name two tenants) or that is also an
 * API key (a link travels in URLs, browser histories and Enginy's records: a key must never be
 * one). `place` gives where a tenant's tokens are configured.
 */
export function checkLinkTokenOwners(tenants: readonly TenantConfig[], place: (tenant: string) => string, problems: Problems): void {
  const keys = new Set(tenants.flatMap((tenant) => tenant.apiKeys))
  const owners = new Map<string, string>()
  for (const tenant of tenants) {
    for (const token of tenant.linkTokens) {
      if (keys.has(token)) problems.add(place(tenant.name), 'a link token is also an API key; links travel in URLs and browser histories, so no key may be one')
      const other = owners.get(token)
      if (other === undefined) owners.set(token, tenant.name)
      else if (other !== tenant.name) problems.add(place(tenant.name), `a link token is also a link token of tenant "${other}"; tokens must be unique`)
    }
  }
}

/**
 * Outside production, a config of one tenant without a link token gets one made up and logged
 * once, with the templates to paste into Enginy, so links work on the first `npm start`; a reload
 * keeps it, as `ensureApiKeys` keeps a made-up key. Otherwise a tenant without a token has its
 * links off (every link a 404), and one warning at start, or at a reload that changes which
 * tenants they are, says how to turn them on.
 */
export function ensureLinkTokens(config: GatewayConfig, logger: Pick<Logger, 'warn'>, env: NodeJS.ProcessEnv, previous?: GatewayConfig): GatewayConfig {
  const without = config.tenants.filter((tenant) => tenant.linkTokens.length === 0)
  if (without.length === 0) return config
  const [tenant, ...others] = config.tenants
  if (env.NODE_ENV !== 'production' && tenant && others.length === 0) {
    const [before, ...othersBefore] = previous?.tenants ?? []
    if (before?.linkTokenGenerated && othersBefore.length === 0 && before.name === tenant.name) {
      return { ...config, tenants: [{ ...tenant, linkTokens: before.linkTokens, linkTokenGenerated: true }] }
    }
    const token = randomBytes(32).toString('base64url')
    logger.warn(
      { generatedLinkToken: token, contactLinkTemplate: `https://<gateway>/links/${token}/contacts/{{crmId}}`, companyLinkTemplate: `https://<gateway>/links/${token}/companies/{{crmId}}` },
      'no link token configured: generated one for this run, for the record links Enginy opens (set GATEWAY_LINK_TOKENS to choose your own; production turns links off without one)',
    )
    return { ...config, tenants: [{ ...tenant, linkTokens: [token], linkTokenGenerated: true }] }
  }
  const names = without.map((entry) => entry.name)
  const before = previous?.tenants.filter((entry) => entry.linkTokens.length === 0).map((entry) => entry.name)
  if (before && before.length === names.length && before.every((name, i) => name === names[i])) return config
  const listed = names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`
  logger.warn(
    { tenants: names.length },
    `record links are off for ${names.length === 1 ? 'tenant' : 'tenants'} ${listed}: no link token is configured, so every link answers 404; to turn them on, set linkTokens of the tenant (auth.linkTokens, or GATEWAY_LINK_TOKENS, without tenants:) and paste the templates of docs/contract.md into Enginy`,
  )
  return config
}
