import { readFile } from 'node:fs/promises'
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import { type AdapterRegistry, builtinAdapters } from '../../adapters/index.ts'
import type { AdapterDefinition } from '../adapter/common.ts'
import { ConfigError } from '../errors.ts'
import { CONNECTION_NAME } from '../service/ids.ts'
import { interpolate } from './interpolate.ts'
import { Pacer } from './pacer.ts'
import { parseYaml } from './parse-yaml.ts'
import { CORE_CONNECTION_KEYS, ConnectionCore, GatewayConfigFile, TenantFile } from './schema.ts'

export const DEFAULT_CONFIG_PATH = 'config/default.yaml'

export interface ResolvedConnection {
  readonly name: string
  readonly core: ConnectionCore
  /** The adapter's own options, validated by its schema. */
  readonly options: unknown
  readonly definition: AdapterDefinition
}

export interface TenantConfig {
  readonly name: string
  readonly apiKeys: readonly string[]
  readonly active: string
  /** Every connection the tenant may use, the active one included. */
  readonly connections: readonly string[]
}

export interface GatewayConfig {
  readonly limits: GatewayConfigFile['limits']
  /** The header that carries the API key, as configured and lower-cased (as Node has it). */
  readonly keyHeader: { readonly name: string; readonly lower: string }
  readonly connections: ReadonlyMap<string, ResolvedConnection>
  /** Without `tenants:` in the file, one tenant named `default` with every connection. */
  readonly tenants: readonly TenantConfig[]
  readonly health: GatewayConfigFile['health']
  readonly metrics: GatewayConfigFile['metrics']
  readonly coordination: GatewayConfigFile['coordination']
}

export const DEFAULT_TENANT = 'default'

/** Reads, interpolates and validates a config file; throws `ConfigError` naming the bad key. */
export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  registry: AdapterRegistry = builtinAdapters,
): Promise<GatewayConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new ConfigError('', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  const parsed = await parseYaml(text)
  if ('error' in parsed) throw new ConfigError('', `${path} is not valid YAML: ${parsed.error}`)
  return resolveConfig(parsed.value, env, registry)
}

/**
 * Interpolates and validates a parsed config. The connections and tenants are checked one entry at
 * a time, pacing between them: a config of 10,000 tenants is read while the gateway serves.
 */
export async function resolveConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
  registry: AdapterRegistry = builtinAdapters,
  pacer = new Pacer(),
): Promise<GatewayConfig> {
  const file = isRecord(raw) ? raw : {}
  const { connections: rawConnections, tenants: rawTenants, ...rest } = file
  if (!isRecord(rawConnections) || (rawTenants !== undefined && !isRecord(rawTenants))) {
    // Not the shape the entries are checked in: the whole file's check names what is wrong.
    validate(GatewayConfigFile, interpolate(file, env), '')
  }
  const input = validate(GatewayConfigFile, interpolate({ ...rest, connections: {}, ...(rawTenants !== undefined && { tenants: {} }) }, env), '')
  const connections = new Map<string, ResolvedConnection>()
  // Each adapter module is loaded once, not once per connection: 10,000 tenants may name one.
  const definitions = new Map<string, Promise<AdapterDefinition>>()
  for (const [name, entry] of Object.entries(rawConnections as Record<string, unknown>)) {
    const path = `connections.${name}`
    const checked = validate(ConnectionEntry, interpolate(entry, env, path), path)
    connections.set(name, await resolveConnection(name, checked, registry, definitions))
    await pacer.pace()
  }
  const tenants = rawTenants
    ? await resolveTenants(rawTenants as Record<string, unknown>, env, connections, pacer)
    : [defaultTenant(input, connections)]
  return {
    limits: input.limits,
    keyHeader: { name: input.auth.header, lower: input.auth.header.toLowerCase() },
    connections,
    tenants,
    health: input.health,
    metrics: input.metrics,
    coordination: input.coordination,
  }
}

function defaultTenant(input: GatewayConfigFile, connections: ReadonlyMap<string, ResolvedConnection>): TenantConfig {
  if (input.active === undefined) throw new ConfigError('active', 'is required (or configure tenants)')
  checkConnection('active', input.active, connections)
  return { name: DEFAULT_TENANT, apiKeys: splitKeys(input.auth.apiKeys), active: input.active, connections: [...connections.keys()] }
}

async function resolveTenants(
  tenants: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  connections: ReadonlyMap<string, ResolvedConnection>,
  pacer: Pacer,
): Promise<TenantConfig[]> {
  const owners = new Map<string, string>()
  const resolved: TenantConfig[] = []
  for (const [name, entry] of Object.entries(tenants)) {
    const path = `tenants.${name}`
    const tenant = validate(TenantFile, interpolate(entry, env, path), path)
    checkConnection(`${path}.active`, tenant.active, connections)
    const allowed = tenant.connections ?? []
    for (const [i, connection] of allowed.entries()) checkConnection(`${path}.connections[${i}]`, connection, connections)
    const apiKeys = splitKeys(tenant.apiKeys)
    if (apiKeys.length === 0) throw new ConfigError(`${path}.apiKeys`, 'a tenant needs at least one API key')
    for (const key of apiKeys) {
      const other = owners.get(key)
      if (other) throw new ConfigError(`${path}.apiKeys`, `a key is also a key of tenant "${other}"; keys must be unique`)
      owners.set(key, name)
    }
    resolved.push({ name, apiKeys, active: tenant.active, connections: [...new Set([tenant.active, ...allowed])] })
    await pacer.pace()
  }
  return resolved
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function checkConnection(key: string, name: string, connections: ReadonlyMap<string, ResolvedConnection>): void {
  if (connections.has(name)) return
  // A message, not a listing: a config may have 10,000 connections.
  const names = [...connections.keys()]
  const known = names.length === 0 ? 'none' : names.length <= 10 ? names.join(', ') : `${names.slice(0, 10).join(', ')} and ${names.length - 10} more`
  throw new ConfigError(key, `"${name}" is not a configured connection (configured: ${known})`)
}

async function resolveConnection(
  name: string,
  entry: object,
  registry: AdapterRegistry,
  definitions: Map<string, Promise<AdapterDefinition>>,
): Promise<ResolvedConnection> {
  const path = `connections.${name}`
  if (!CONNECTION_NAME.test(name)) {
    throw new ConfigError(path, 'a connection name is 1-32 lower-case letters, digits or "-", starting with a letter or digit')
  }
  const core = validate(ConnectionCore, pick(entry, CORE_CONNECTION_KEYS), path)
  const load = Object.hasOwn(registry, core.adapter) ? registry[core.adapter] : undefined
  if (!load) {
    throw new ConfigError(
      `${path}.adapter`,
      `unknown adapter "${core.adapter}" (known: ${Object.keys(registry).join(', ')})`,
    )
  }
  const loading = definitions.get(core.adapter) ?? load()
  definitions.set(core.adapter, loading)
  const definition = await loading
  const adapterKeys = Object.keys(entry).filter((key) => !CORE_CONNECTION_KEYS.includes(key))
  const options = validate(definition.options, pick(entry, adapterKeys), path)
  return { name, core, options, definition }
}

/** What each entry of `connections` must be before its adapter's options are checked. */
const ConnectionEntry = Type.Object({ adapter: Type.String() })

/** Compiled once per schema: a config of 10,000 connections checks each against the same few. */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

function validate<S extends TSchema>(schema: S, value: unknown, path: string): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(value))
  let check = compiled.get(schema)
  if (!check) {
    check = TypeCompiler.Compile(schema)
    compiled.set(schema, check)
  }
  if (check.Check(withDefaults)) return withDefaults as Static<S>
  const first = check.Errors(withDefaults).First()
  if (first) {
    const at = first.path.split('/').filter(Boolean).join('.')
    const key = [path, at].filter(Boolean).join('.')
    throw new ConfigError(key, first.value === undefined ? 'is required' : describe(first.message, first.schema))
  }
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
