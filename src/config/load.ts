import { readFile } from 'node:fs/promises'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import type { AdapterDefinition } from '../kit/spec.ts'
import { ConfigError } from '../errors.ts'
import { CONNECTION_NAME } from '../contract/ids.ts'
import { interpolate } from './interpolate.ts'
import { checkMetricsAccess } from './metrics-access.ts'
import { checkTrustProxy } from './trust-proxy.ts'
import { checkKeys } from './api-keys.ts'
import { checkLinkTokenOwners, checkLinkTokens } from './link-tokens.ts'
import { Pacer } from './pacer.ts'
import { parseYaml } from './parse-yaml.ts'
import { Problems } from './problems.ts'
import { CORE_CONNECTION_KEYS, ConnectionCore, GatewayConfigFile, TenantFile } from './schema.ts'
import { type AdapterLoaders, DEFAULT_TENANT, type GatewayConfig, type ResolvedConnection, type TenantConfig } from './types.ts'

export const DEFAULT_CONFIG_PATH = 'config/default.yaml'


/** Reads, interpolates and validates a config file; throws `ConfigError` naming every bad key. */
export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv,
  registry: AdapterLoaders,
): Promise<GatewayConfig> {
  return loadConfigText(await readConfigFile(path), path, env, registry)
}

/** A config file's text, or a `ConfigError` saying why it cannot be read. */
export async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new ConfigError('', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err })
  }
}

/** A config file's text (read by the caller, once it was whole), parsed and validated; `path` names it in messages. */
export async function loadConfigText(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv,
  registry: AdapterLoaders,
): Promise<GatewayConfig> {
  const parsed = await parseYaml(text)
  if ('error' in parsed) throw new ConfigError('', `${path} is not valid YAML: ${parsed.error}`)
  return resolveConfig(parsed.value, env, registry)
}

/**
 * Interpolates and validates a parsed config, naming every problem it finds, not only the first.
 * The connections and tenants are checked one entry at a time, pacing between them: a config of
 * 10,000 tenants is read while the gateway serves.
 */
export async function resolveConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  registry: AdapterLoaders,
  pacer = new Pacer(),
): Promise<GatewayConfig> {
  const problems = new Problems()
  const file = isRecord(raw) ? raw : {}
  const { connections: rawConnections, tenants: rawTenants, ...rest } = file
  if (!isRecord(rawConnections) || (rawTenants !== undefined && !isRecord(rawTenants))) {
    // Not the shape the entries are checked in: the whole file's check names what is wrong.
    problems.attempt(() => validate(GatewayConfigFile, interpolateSections(file, env, problems), ''))
    problems.throwIfAny()
  }
  const sections = interpolateSections(rest, env, problems)
  const input = problems.attempt(() =>
    validate(GatewayConfigFile, { ...sections, connections: {}, ...(rawTenants !== undefined && { tenants: {} }) }, ''),
  )
  if (input) {
    checkMetricsAccess(input.metrics, env, problems)
    checkTrustProxy(input.trustProxy, problems)
  }
  const known: Known = { connections: new Map(), broken: new Set() }
  // Each adapter module is loaded once, not once per connection: 10,000 tenants may name one.
  const definitions = new Map<string, Promise<AdapterDefinition>>()
  for (const [name, entry] of Object.entries(isRecord(rawConnections) ? rawConnections : {})) {
    const path = `connections.${name}`
    const resolved = await problems.attemptAsync(() =>
      resolveConnection(name, validate(ConnectionEntry, interpolate(entry, env, path, problems), path), registry, definitions),
    )
    if (resolved) known.connections.set(name, resolved)
    else known.broken.add(name)
    await pacer.pace()
  }
  let tenants: TenantConfig[] = []
  if (isRecord(rawTenants)) tenants = await resolveTenants(rawTenants, env, known, problems, pacer)
  else if (input) tenants = defaultTenant(input, env, known, problems)
  checkLinkTokenOwners(tenants, (name) => (isRecord(rawTenants) ? `tenants.${name}.linkTokens` : 'auth.linkTokens'), problems)
  problems.throwIfAny()
  const checked = input!
  return {
    limits: checked.limits,
    keyHeader: { name: checked.auth.header, lower: checked.auth.header.toLowerCase() },
    authFailures: checked.auth.failures,
    trustProxy: checked.trustProxy,
    connections: known.connections,
    tenants,
    health: checked.health,
    metrics: checked.metrics,
    coordination: checked.coordination,
  }
}

/** The connections checked so far: those that resolved, and those whose own problems are already reported. */
interface Known {
  readonly connections: Map<string, ResolvedConnection>
  readonly broken: Set<string>
}

/** Interpolates each top-level section under its own key. */
function interpolateSections(sections: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: Problems): Record<string, unknown> {
  return Object.fromEntries(Object.entries(sections).map(([key, value]) => [key, interpolate(value, env, key, problems)]))
}

function defaultTenant(input: GatewayConfigFile, env: NodeJS.ProcessEnv, known: Known, problems: Problems): TenantConfig[] {
  if (input.active === undefined) {
    problems.add('active', 'is required (or configure tenants)')
    return []
  }
  checkConnection('active', input.active, known, problems)
  const apiKeys = splitKeys(input.auth.apiKeys)
  checkKeys('auth.apiKeys', apiKeys, env, problems)
  const linkTokens = splitKeys(input.auth.linkTokens)
  checkLinkTokens('auth.linkTokens', linkTokens, env, problems)
  return [{ name: DEFAULT_TENANT, apiKeys, linkTokens, active: input.active, connections: [...known.connections.keys()] }]
}

async function resolveTenants(
  tenants: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  known: Known,
  problems: Problems,
  pacer: Pacer,
): Promise<TenantConfig[]> {
  if (Object.keys(tenants).length === 0) {
    problems.add('tenants', 'no tenant is configured, so every request would get 401; configure one, or leave tenants out and use auth.apiKeys and active')
    return []
  }
  const owners = new Map<string, string>()
  const resolved: TenantConfig[] = []
  for (const [name, entry] of Object.entries(tenants)) {
    const path = `tenants.${name}`
    const tenant = problems.attempt(() => validate(TenantFile, interpolate(entry, env, path, problems), path))
    await pacer.pace()
    if (!tenant) continue
    checkConnection(`${path}.active`, tenant.active, known, problems)
    const allowed = tenant.connections ?? []
    for (const [i, connection] of allowed.entries()) checkConnection(`${path}.connections[${i}]`, connection, known, problems)
    const apiKeys = splitKeys(tenant.apiKeys)
    if (apiKeys.length === 0) problems.add(`${path}.apiKeys`, 'a tenant needs at least one API key')
    else checkKeys(`${path}.apiKeys`, apiKeys, env, problems)
    for (const key of apiKeys) {
      const other = owners.get(key)
      if (other) problems.add(`${path}.apiKeys`, `a key is also a key of tenant "${other}"; keys must be unique`)
      else owners.set(key, name)
    }
    const linkTokens = splitKeys(tenant.linkTokens)
    checkLinkTokens(`${path}.linkTokens`, linkTokens, env, problems)
    resolved.push({ name, apiKeys, linkTokens, active: tenant.active, connections: [...new Set([tenant.active, ...allowed])] })
  }
  return resolved
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A connection whose own entry is broken counts as configured here: its problems are already named. */
function checkConnection(key: string, name: string, known: Known, problems: Problems): void {
  if (known.connections.has(name) || known.broken.has(name)) return
  // A message, not a listing: a config may have 10,000 connections.
  const names = [...known.connections.keys(), ...known.broken]
  const listed = names.length === 0 ? 'none' : names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`
  problems.add(key, `"${name}" is not a configured connection (configured: ${listed})`)
}

async function resolveConnection(
  name: string,
  entry: object,
  registry: AdapterLoaders,
  definitions: Map<string, Promise<AdapterDefinition>>,
): Promise<ResolvedConnection> {
  const path = `connections.${name}`
  const problems = new Problems()
  if (!CONNECTION_NAME.test(name)) {
    problems.add(path, 'a connection name is 1-32 lower-case letters, digits or "-", starting with a letter or digit')
  }
  const core = problems.attempt(() => validate(ConnectionCore, pick(entry, CORE_CONNECTION_KEYS), path))
  if (core?.mirror && core.mirror.maxStalenessMs <= core.mirror.pollMs) {
    problems.add(`${path}.mirror.maxStalenessMs`, `must be longer than mirror.pollMs (${core.mirror.pollMs}): a mirror swept less often than it may be old would never answer`)
  }
  const adapter = core?.adapter ?? (entry as { adapter: string }).adapter
  const load = Object.hasOwn(registry, adapter) ? registry[adapter] : undefined
  if (!load) {
    problems.add(`${path}.adapter`, `unknown adapter "${adapter}" (known: ${Object.keys(registry).join(', ')})`)
    throw problems.error()
  }
  const loading = definitions.get(adapter) ?? load()
  definitions.set(adapter, loading)
  const definition = await loading
  const adapterKeys = Object.keys(entry).filter((key) => !CORE_CONNECTION_KEYS.includes(key))
  const options = problems.attempt(() => validate(definition.options, pick(entry, adapterKeys), path))
  problems.throwIfAny()
  return { name, core: core!, options, definition }
}

/** What each entry of `connections` must be before its adapter's options are checked. */
const ConnectionEntry = Type.Object({ adapter: Type.String() })

/** Compiled once per schema: a config of 10,000 connections checks each against the same few. */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/** `value` with its schema's defaults, or a `ConfigError` naming each key that is wrong (once). */
function validate<S extends TSchema>(schema: S, value: unknown, path: string): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(value))
  let check = compiled.get(schema)
  if (!check) {
    check = TypeCompiler.Compile(schema)
    compiled.set(schema, check)
  }
  if (check.Check(withDefaults)) return withDefaults as Static<S>
  const problems = new Problems()
  const seen = new Set<string>()
  for (const error of check.Errors(withDefaults)) {
    const at = error.path.split('/').filter(Boolean).join('.')
    const key = [path, at].filter(Boolean).join('.')
    if (seen.has(key)) continue
    seen.add(key)
    problems.add(key, error.value === undefined ? 'is required' : describe(error.message, error.schema))
  }
  problems.throwIfAny()
  return withDefaults as Static<S>
}

function describe(message: string, schema: TSchema): string {
  if (message.startsWith('Unexpected property')) return 'is not a known key'
  return schema.description ? `${message} (${schema.description})` : message
}

function pick(entry: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => keys.includes(key)))
}

function splitKeys(keys: string | string[]): string[] {
  const list = Array.isArray(keys) ? keys : keys.split(',')
  return list.map((key) => key.trim()).filter((key) => key.length > 0)
}
