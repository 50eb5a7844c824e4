import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HUBSPOT_TOKEN, HubSpotFake } from '../../adapters/hubspot/fake/hubspot.ts'
import { NO_CHROMIUM, findChromium } from '../helpers/chromium.ts'
import { KEY, testApp } from '../helpers/app.ts'

const run = promisify(execFile)
const CHROMIUM = findChromium()
const TOKEN = 'status-token-5f2c9a7d31'
const OTHER_KEY = 'other-tenant-key-0123456789'
/** A tenant name from a config is text, never markup: the page must show it as written. */
const HOSTILE = '<script>alert(1)</script>&"\''
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('/status, the page for support staff', () => {
  let hubspot: HubSpotFake
  let app: FastifyInstance
  let base: string
  const page = (headers: Record<string, string> = {}, url = '/status') => app.inject({ method: 'GET', url, headers })

  beforeAll(async () => {
    // Two calls per 10 s: the third is a 429. The connection's own window is wider, so it sends the
    // third rather than wait for the window HubSpot's headers say is full.
    hubspot = await HubSpotFake.start({ daily: 5000, perWindow: 2 })
    app = await testApp({
      connections: {
        crm: {
          adapter: 'hubspot',
          accessToken: HUBSPOT_TOKEN,
          baseUrl: hubspot.url,
          retry: { maxRetries: 0 },
          rateLimit: { requests: 100, intervalMs: 10_000 },
        },
        old: { adapter: 'memory' },
      },
      tenants: {
        acme: { apiKeys: [KEY], active: 'crm', connections: ['old'] },
        [HOSTILE]: { apiKeys: [OTHER_KEY], active: 'old' },
      },
      metrics: { token: TOKEN },
    })
    base = await app.listen({ port: 0, host: '127.0.0.1' })
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/health', headers: { 'x-api-key': KEY } })
  })
  afterAll(async () => {
    await app.close()
    await hubspot.close()
  })

  it('asks a browser for the metrics token as HTTP Basic, and takes it as Basic or Bearer, never from the URL', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: basic('support', 'wrong') }, { authorization: `Bearer ${TOKEN}x` }, { authorization: basic(TOKEN, '') }]) {
      const refused = await page(headers)
      expect(refused.statusCode, JSON.stringify(headers)).toBe(401)
      expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="enginy-gateway status"/)
      expect(refused.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
      expect(refused.body).not.toContain('acme')
    }
    const inUrl = await page({}, `/status?token=${TOKEN}&tenant=acme`)
    expect(inUrl.statusCode).toBe(401)
    for (const authorization of [basic('support', TOKEN), basic('', TOKEN), `Bearer ${TOKEN}`]) {
      const shown = await page({ authorization })
      expect(shown.statusCode, authorization).toBe(200)
      expect(shown.headers['content-type']).toBe('text/html; charset=utf-8')
    }
  })

  it('is one self-contained page: a strict CSP, no script, no external asset, never cached', async () => {
    const shown = await page({ authorization: `Bearer ${TOKEN}` })
    const csp = String(shown.headers['content-security-policy'])
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/)
    expect(shown.headers['cache-control']).toBe('no-store')
    expect(shown.body).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|https?:\/\//i)
  })

  it("shows each tenant's connections with their adapters, checks, the last hour's 429s and waits, and 24-hour charts", async () => {
    const body = (await page({ authorization: basic('support', TOKEN) })).body
    expect(body).toContain('Config version 1, in force since ')
    const acme = body.slice(body.indexOf('<h2>Tenant acme</h2>'), body.indexOf('</section>', body.indexOf('<h2>Tenant acme</h2>')))
    expect(acme).toMatch(/<td>crm<span class="badge">active<\/span><\/td>\s*<td>hubspot<\/td>\s*<td><span class="ok">ok<\/span> at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/td>/)
    expect(acme).toMatch(/<td>old<\/td>\s*<td>memory<\/td>\s*<td><span class="none">not checked: only active connections are checked/)
    // Three checks: two answered, the third a 429.
    expect(acme).toContain('3 calls<br><span class="failed">1 answered 429</span><br>0 waited for the rate limit (0 ms)<br>0 failed')
    expect(acme.match(/<svg class="chart"/g)).toHaveLength(3)
    expect(acme).toMatch(/aria-label="Daily budget left over 24 hours: \d+ of 5000 at /)
    expect(acme).toContain('not sent by this CRM')
  })

  it('escapes every name, and names no key, token or CRM URL', async () => {
    const body = (await page({ authorization: basic('support', TOKEN) })).body
    expect(body).toContain('<h2>Tenant &lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;</h2>')
    expect(body).not.toContain('<script>')
    for (const secret of [TOKEN, KEY, OTHER_KEY, HUBSPOT_TOKEN, hubspot.url, '127.0.0.1']) expect(body).not.toContain(secret)
  })

  it('shows one tenant when asked, and answers 404 for a tenant it does not have', async () => {
    const one = await page({ authorization: `Bearer ${TOKEN}` }, '/status?tenant=acme')
    expect(one.statusCode).toBe(200)
    expect(one.body.match(/<h2>Tenant /g)).toHaveLength(1)
    const none = await page({ authorization: `Bearer ${TOKEN}` }, `/status?tenant=${encodeURIComponent(HOSTILE)}x`)
    expect(none.statusCode).toBe(404)
    expect(none.body).toContain('No tenant is named “&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;x”.')
  })

  it('is open without a token, as /metrics is outside production, and lists the names of many tenants as links', async () => {
    const tenants = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i} & co`, { apiKeys: [`key-of-tenant-${i}-0123456789`], active: 'local' }]))
    const open = await testApp({ metrics: {}, tenants })
    try {
      const shown = await open.inject({ method: 'GET', url: '/status' })
      expect(shown.statusCode).toBe(200)
      expect(shown.body).toContain('30 tenants: pick one.')
      expect(shown.body).toContain('<li><a href="?tenant=t29%20%26%20co">t29 &amp; co</a></li>')
      expect(shown.body).not.toContain('<h2>Tenant')
      const one = await open.inject({ method: 'GET', url: '/status?tenant=t7%20%26%20co' })
      expect(one.body.match(/<h2>Tenant t7 &amp; co<\/h2>/g)).toHaveLength(1)
    } finally {
      await open.close()
    }
  })

  // Without a browser this check cannot run: it says so, and the run's last lines repeat it.
  it('renders in a real headless browser, token sent by Basic, with its charts, and leaves a screenshot', async (context) => {
    if (!CHROMIUM) return context.skip(NO_CHROMIUM)
    const artifacts = join(process.cwd(), 'test-artifacts')
    mkdirSync(artifacts, { recursive: true })
    const screenshot = join(artifacts, 'status.png')
    // The browser turns the URL's user info into an Authorization: Basic header, as after a prompt.
    const url = base.replace('http://', `http://support:${TOKEN}@`)
    const chromium = (...args: string[]) =>
      run(
        CHROMIUM!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--hide-scrollbars',
          `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
          ...args,
          `${url}/status`,
        ],
        { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
      )
    const { stdout: dom } = await chromium('--dump-dom')
    expect(dom).toContain('<h1>Enginy CRM gateway: status</h1>')
    expect(dom.match(/<svg class="chart"/g)?.length).toBeGreaterThanOrEqual(3)
    expect(dom).toMatch(/<rect class="calls"/)
    expect(dom).toMatch(/<polyline class="budget"|<circle class="budget-dot"/)
    for (const secret of [TOKEN, KEY, HUBSPOT_TOKEN, hubspot.url]) expect(dom).not.toContain(secret)
    await chromium(`--screenshot=${screenshot}`, '--window-size=1400,900')
    expect(statSync(screenshot).size).toBeGreaterThan(10_000)
  }, 150_000)
})
