import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The kit's surface, name by name: what an adapter may use of the gateway. Widening the seam is a
 * decision, taken here in review by adding the name to its list; narrowing it breaks adapters, and
 * is a new `ADAPTER_SPEC_VERSION`. Names are read by the TypeScript compiler, as an adapter's
 * import sees them: a type is written `type X`, a value (a class is one) `X`.
 */
const KIT = ['src/kit/spec.ts', 'src/kit/utils.ts', 'src/kit/testing.ts'] as const

function exportsOf(): Record<(typeof KIT)[number], string[]> {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
  if (!config) throw new Error('tsconfig.json cannot be read')
  const program = ts.createProgram([...KIT], { ...config.options, noEmit: true })
  const checker = program.getTypeChecker()
  const listed = {} as Record<(typeof KIT)[number], string[]>
  for (const file of KIT) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
    listed[file] = checker
      .getExportsOfModule(module)
      .map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
        return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`
      })
      .sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''), 'en'))
  }
  return listed
}

const SPEC = [
  'type ActivityKind',
  'type ActivityPort',
  'ADAPTER_SPEC_VERSION',
  'type AdapterContext',
  'type AdapterDefinition',
  'type AdapterError',
  'type AdapterV2',
  'type AdapterWarning',
  'type AssociationPair',
  'type AssociationPort',
  'type CallOptions',
  'type Change',
  'type ChangeFeed',
  'type ChangePage',
  'type CompanyFields',
  'type CompanyPort',
  'type ContactFields',
  'type ContactPort',
  'type CreateAttempt',
  'type CreatedActivityLookup',
  'type CreatedLookup',
  'type CreatedTaskLookup',
  'type CredentialHeaders',
  'type Credentials',
  'type DailyBudget',
  'type ErrorMessagePicker',
  'type FieldMap',
  'type HttpMethod',
  'type ItemResult',
  'type Kind',
  'type Lookup',
  'type NativeActivity',
  'type NativeActivityInput',
  'type NativeCompany',
  'type NativeContact',
  'type NativeRecord',
  'type NativeTask',
  'type NativeTaskInput',
  'type NativeTaskPatch',
  'type NativeUser',
  'type NotFound',
  'type OAuthFactory',
  'type OAuthGrant',
  'type OptionalTaskField',
  'type RateLimitConfig',
  'type RateLimitSignals',
  'type RecordCapabilities',
  'type RecordInput',
  'type RecordPatch',
  'type RecordPort',
  'type ReferencedIds',
  'type ReferencePort',
  'type TaskAdapterV1',
  'type TaskCapabilities',
  'type TaskPort',
  'type TaskTypes',
  'type Timeouts',
  'type UpstreamClient',
  'type UpstreamClientFactory',
  'type UpstreamClientOptions',
  'type UpstreamRequest',
  'type UpstreamResponse',
  'type UserPort',
  'type WebhookChange',
  'type WebhookPort',
  'type WebhookTarget',
  'type WriteLog',
]

const UTILS = [
  'BoundedMap',
  'chunks',
  'ConfigError',
  'countHeader',
  'DIGITS_ID',
  'DigitsId',
  'done',
  'extraFieldKeys',
  'failed',
  'fillLink',
  'fromTaskAdapterV1',
  'GatewayError',
  'header',
  'htmlToText',
  'isCreatedFrom',
  'isDigitsId',
  'isRandomId',
  'isSafeIntegerId',
  'isStandardField',
  'LinkOptions',
  'LinkTemplate',
  'LookupCutShortError',
  'type MigrationStep',
  'missing',
  'normalize',
  'parseObject',
  'type PoolLimits',
  'postgresDriver',
  'type Query',
  'randomId',
  'RecordNotFoundError',
  'type Row',
  'runMigrations',
  'SafeIntegerId',
  'SharedLookup',
  'type SqlDriver',
  'sqliteDriver',
  'textToHtml',
  'UpstreamAuthError',
  'UpstreamBadResponseError',
  'UpstreamRateLimitedError',
  'UpstreamRejectedError',
  'UpstreamTimeoutError',
  'UpstreamUnavailableError',
  'UserOptions',
  'withCreatedLookup',
]

const TESTING = [
  'adapterOf',
  'type AdapterWarning',
  'answer200',
  'breakerState',
  'capturedLogger',
  'type CheckGroup',
  'type ConformanceTarget',
  'type ConformanceTargets',
  'describeAdapterConformance',
  'failFirstCreate',
  'type FakeFailures',
  'fakeHooks',
  'type Handler',
  'headers',
  'HttpFake',
  'KEY',
  'LINK_TOKEN',
  'loseFirstCreate',
  'LOSING_TIMEOUTS',
  'MIRROR_TABLES',
  'openTestAdapter',
  'type RecordKind',
  'refusedPort',
  'type SeenRequest',
  'silentLogger',
  'type Step',
  'sweepMirror',
  'testApp',
  'testAppFromConfig',
  'type TestAppOptions',
  'testConfig',
  'TestRedis',
  'type UpstreamFailure',
  'waitFor',
  'withCrmFailures',
]

describe('the kit exports what its lists say, and nothing more', () => {
  let listed: ReturnType<typeof exportsOf>
  beforeAll(() => {
    listed = exportsOf()
  }, 120_000)

  it(`spec.ts: ${SPEC.length} names, all types but the version`, () => {
    expect(listed['src/kit/spec.ts']).toEqual(SPEC)
  })

  it(`utils.ts: ${UTILS.length} names`, () => {
    expect(listed['src/kit/utils.ts']).toEqual(UTILS)
  })

  it(`testing.ts: ${TESTING.length} names`, () => {
    expect(listed['src/kit/testing.ts']).toEqual(TESTING)
  })
})
