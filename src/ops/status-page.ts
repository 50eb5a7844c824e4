import { createHash } from 'node:crypto'
import { formatUtc } from '../contract/dates.ts'
import { Markup, html } from './html.ts'
import { budgetChart, callsChart } from './status-charts.ts'
import type { ConnectionStatus, StatusReport, TenantStatus } from './status-report.ts'

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232b;background:#f5f6f8}
header,main,footer{padding:12px 24px}
header{background:#fff;border-bottom:1px solid #d9dde3}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:0 0 8px}
.meta,footer{color:#5b6470;font-size:13px}
form{margin-top:8px}
input{font:inherit;padding:2px 6px}
.tenant{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:12px 16px;margin:0 0 16px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-top:1px solid #eceef1}
th{font-weight:600;font-size:12px;color:#5b6470;border-top:0}
.badge{font-size:11px;background:#1f6feb;color:#fff;border-radius:3px;padding:0 4px;margin-left:4px}
.ok{color:#1a7f37}.failed{color:#cf222e}.none{color:#5b6470}
.open{color:#cf222e;font-weight:600}.half-open{color:#9a6700}
.notice{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px}
.chart .frame{fill:#f5f6f8}.chart .calls{fill:#1f6feb}.chart .throttled{fill:#cf222e}
.chart .budget{fill:none;stroke:#1a7f37;stroke-width:1.5}.chart .budget-dot{fill:#1a7f37}
.names{columns:16em}
.axis{display:flex;justify-content:space-between;width:288px;font-size:11px;color:#5b6470}
`

/**
 * The page's headers: its one stylesheet allowed by its hash, nothing else loaded, no script, no
 * frame; never cached, since it names tenants.
 */
export const STATUS_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
}

const utc = (ms: number) => `${(formatUtc(ms) ?? new Date(ms).toISOString()).replace('T', ' ').replace('Z', '')} UTC`

function lastCheck(connection: ConnectionStatus): Markup {
  const check = connection.lastCheck
  if (!check) {
    return html`<span class="none">${connection.active ? 'not checked yet' : 'not checked: only active connections are checked'}</span>`
  }
  const when = check.at.replace('T', ' ').replace('Z', ' UTC')
  if (check.ok) return html`<span class="ok">ok</span> at ${when}`
  return html`<span class="failed">failed</span> at ${when}<br>${check.code}: ${check.message}`
}

function hour({ hour: sums }: ConnectionStatus): Markup {
  const waited = sums.waitedMs >= 1000 ? `${(sums.waitedMs / 1000).toFixed(1)} s` : `${Math.round(sums.waitedMs)} ms`
  return html`${sums.calls} calls<br><span class="${sums.throttled > 0 ? 'failed' : ''}">${sums.throttled} answered 429</span><br>${sums.waits} waited for the rate limit (${waited})<br>${sums.failed} failed`
}

function mirror({ mirror: kinds }: ConnectionStatus, now: number): Markup {
  if (!kinds) return html`<span class="none">off</span>`
  return html`${kinds.map((kind, i) => {
    const state = kind.serving
      ? html`<span class="ok">answers</span>`
      : kind.built
        ? html`<span class="failed">stale: calls go to the CRM</span>`
        : html`<span class="none">building: calls go to the CRM</span>`
    const fresh = kind.freshAt === undefined ? '' : `, swept ${Math.max(0, Math.round((now - kind.freshAt) / 1000))} s ago`
    return html`${i > 0 && html`<br>`}${kind.kind}: ${state} (${kind.listed} listed${fresh}${kind.failures > 0 ? `, ${kind.failures} failed sweeps` : ''})`
  })}`
}

const AXIS = html`<div class="axis"><span>24 h ago</span><span>now</span></div>`

function connectionRow(connection: ConnectionStatus, now: number): Markup {
  const budget = budgetChart(connection.day)
  return html`<tr>
<td>${connection.name}${connection.active && html`<span class="badge">active</span>`}</td>
<td>${connection.adapter}</td>
<td>${lastCheck(connection)}</td>
<td class="${connection.breaker ?? 'none'}">${connection.breaker ?? 'none (no HTTP calls)'}</td>
<td>${hour(connection)}</td>
<td>${mirror(connection, now)}</td>
<td>${callsChart(connection.day)}${AXIS}</td>
<td>${budget ? html`${budget}${AXIS}` : html`<span class="none">not sent by this CRM</span>`}</td>
</tr>`
}

function tenantSection(tenant: TenantStatus, now: number): Markup {
  return html`<section class="tenant">
<h2>Tenant ${tenant.name}</h2>
<table>
<thead><tr><th>Connection</th><th>Adapter</th><th>Last check</th><th>Breaker</th><th>Last hour</th><th>Mirror</th><th>CRM calls, 24 h (429s in red)</th><th>Daily budget left, 24 h</th></tr></thead>
<tbody>${tenant.connections.map((connection) => connectionRow(connection, now))}</tbody>
</table>
</section>`
}

/** The status page: server-rendered, every value escaped, inline CSS and SVG only. */
export function renderStatusPage(report: StatusReport, asked?: string): string {
  const names = report.names?.map((name) => html`<li><a href="${`?tenant=${encodeURIComponent(name)}`}">${name}</a></li>`)
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Status · Enginy CRM gateway</title>
<style>${new Markup(CSS)}</style>
</head>
<body>
<header>
<h1>Enginy CRM gateway: status</h1>
<div class="meta">Config version ${report.configVersion}, in force since ${utc(report.loadedAt)} · coordination ${report.coordination} · ${report.tenantCount} tenant(s) · page made ${utc(report.now)}</div>
<form method="get"><label>Tenant <input name="tenant" value="${asked ?? ''}" maxlength="128"></label> <button type="submit">Show</button> <a href="?">all tenants</a></form>
</header>
<main>
${report.unknown !== undefined && html`<p class="notice">No tenant is named “${report.unknown}”.</p>`}
${names && html`<p>${report.tenantCount} tenants: pick one.</p><ul class="names">${names}</ul>`}
${report.tenants.map((tenant) => tenantSection(tenant, report.now))}
</main>
<footer>Counts and charts are this replica's own, in 10-minute buckets over the last 24 hours; the last hour is the bucket under way and the five before it. A daily budget is drawn where the CRM's answers say it (HubSpot's daily limit, Pipedrive's daily tokens).</footer>
</body>
</html>
`.text
}
