import { builtinAdapters } from '../adapters/index.ts'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { ensureLinkTokens } from '../src/config/link-tokens.ts'
import { loadConfigFile, resolveConfig } from '../src/config/load.ts'
import { ConfigError } from '../src/errors.ts'
import { KEY, capturedLogger, headers } from './helpers/app.ts'

const LONG = 'a-link-token-long-enough-0123456789abcdef'
const production = { NODE_ENV: 'production' }
const memory = { adapter: 'memory', links: { contacts: 'https://crm.example/people/{id}' } }
const single = (linkTokens: unknown) => ({ auth: { apiKeys: [KEY], linkTokens }, connections: { local: memory }, active: 'local' })
const tenants = (acme: unknown, globex: unknown, acmeKeys: string[] = ['acme-key-0123456789']) => ({
  connections: { local: memory },
  tenants: {
    acme: { apiKeys: acmeKeys, linkTokens: acme, active: 'local' },
    globex: { apiKeys: ['globex-key-0123456789'], linkTokens: globex, active: 'local' },
  },
})
const problems = (error: unknown) => (error as ConfigError).problems.filter((p) => p.key.includes('linkTokens'))

describe('link tokens in the config', () => {
  it('refuses, in production, a token shorter than 32 characters, naming its place and never the token; outside production takes it', async () => {
    const short = single(`${LONG}, short-token-0123456789`)
    const refused = await resolveConfig({ ...short, metrics: { public: true } }, production, builtinAdapters).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ConfigError)
    expect(problems(refused)).toEqual([{ key: 'auth.linkTokens[1]', problem: expect.stringContaining('is shorter than 32 characters, which production refuses') }])
    expect((refused as Error).message).not.toContain('short-token-0123456789')
    await expect(resolveConfig({ ...tenants('tiny', LONG), metrics: { public: true } }, production, builtinAdapters)).rejects.toThrow('tenants.acme.linkTokens[0]: is shorter than 32 characters')
    expect((await resolveConfig(short, {}, builtinAdapters)).tenants[0]!.linkTokens, 'outside production').toEqual([LONG, 'short-token-0123456789'])
  })

  it('refuses a token a URL would have to escape, or longer than 256 characters', async () => {
    const refused = await resolveConfig(single([`${LONG}/x`, 'a+b=', 'x'.repeat(257)]), {}, builtinAdapters).catch((error: unknown) => error)
    expect(problems(refused).map((p) => p.key)).toEqual(['auth.linkTokens[0]', 'auth.linkTokens[1]', 'auth.linkTokens[2]'])
    expect(problems(refused)[0]!.problem).toContain('A-Z a-z 0-9 - . _ ~')
  })

  it('refuses a token two tenants share, and one that is also an API key, of its tenant or another', async () => {
    await expect(resolveConfig(tenants(LONG, [LONG]), {}, builtinAdapters)).rejects.toThrow('tenants.globex.linkTokens: a link token is also a link token of tenant "acme"; tokens must be unique')
    await expect(resolveConfig(tenants('globex-key-0123456789', LONG), {}, builtinAdapters)).rejects.toThrow('tenants.acme.linkTokens: a link token is also an API key')
    await expect(resolveConfig(single(KEY), {}, builtinAdapters)).rejects.toThrow('auth.linkTokens: a link token is also an API key')
    const config = await resolveConfig(tenants([LONG, `${LONG}-next`], `${LONG}-globex`), {}, builtinAdapters)
    expect(config.tenants.map((tenant) => tenant.linkTokens), 'several at once, for rotation').toEqual([[LONG, `${LONG}-next`], [`${LONG}-globex`]])
  })

  it('in production, turns the links of a tenant without a token off, with one warning that says how to turn them on', async () => {
    const { logger, lines } = capturedLogger('info')
    const config = await resolveConfig({ ...single([]), metrics: { public: true } }, production, builtinAdapters)
    expect(ensureLinkTokens(config, logger, production).tenants[0]!.linkTokens).toEqual([])
    const again = await resolveConfig({ ...single([]), metrics: { public: true } }, production, builtinAdapters)
    ensureLinkTokens(again, logger, production, config)
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!).msg).toContain('record links are off for tenant default: no link token is configured, so every link answers 404; to turn them on, set linkTokens')
  })

  it('outside production, makes up no token for several tenants: it names those without one', async () => {
    const { logger, lines } = capturedLogger('info')
    const config = ensureLinkTokens(await resolveConfig(tenants([], LONG), {}, builtinAdapters), logger, {})
    expect(config.tenants.map((tenant) => tenant.linkTokens)).toEqual([[], [LONG]])
    expect(JSON.parse(lines[0]!).msg).toContain('record links are off for tenant acme')
  })
})

describe('a link token generated outside production', () => {
  let app: FastifyInstance | undefined
  afterEach(() => app?.close())

  it('is logged once with the templates, serves links, and is kept by a reload; a configured token replaces it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'gateway-link-tokens-')), 'gateway.yaml')
    const yaml = (linkTokens: string) =>
      `auth:\n  apiKeys: ${KEY}\n  linkTokens: ${linkTokens}\nhealth:\n  intervalMs: 0\nconnections:\n  local:\n    adapter: memory\n    links:\n      contacts: https://crm.example/people/{id}\nactive: local\n`
    await writeFile(path, yaml('[]'))
    const { logger, lines } = capturedLogger('info')
    app = await buildApp({ config: ensureLinkTokens(await loadConfigFile(path, {}, builtinAdapters), logger, {}), logger, reload: { path, env: {}, registry: builtinAdapters } })
    const generated = () => lines.map((line) => JSON.parse(line)).filter((line) => line.generatedLinkToken)
    expect(generated()).toHaveLength(1)
    const token = generated()[0].generatedLinkToken as string
    expect(token.length).toBeGreaterThanOrEqual(32)
    expect(generated()[0].contactLinkTemplate).toBe(`https://<gateway>/links/${token}/contacts/{{crmId}}`)

    const contact = (await app.inject({ method: 'POST', url: '/contacts', headers, payload: { contacts: [{ externalId: 'E-1' }] } })).json().results[0].crmId
    const link = (with_: string) => app!.inject({ method: 'GET', url: `/links/${with_}/contacts/${contact}` })
    expect((await link(token)).statusCode).toBe(302)

    await writeFile(path, yaml('[]'))
    expect(await app.reloadConfig('test')).toBe(true)
    expect(generated(), 'kept, not made anew').toHaveLength(1)
    expect((await link(token)).statusCode).toBe(302)

    await writeFile(path, yaml(LONG))
    expect(await app.reloadConfig('test')).toBe(true)
    expect((await link(token)).statusCode, 'a configured token revokes the generated one').toBe(404)
    expect((await link(LONG)).statusCode).toBe(302)
  })
})
