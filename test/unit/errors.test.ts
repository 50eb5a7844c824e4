import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as errors from '../../src/errors.ts'
import { causeChain } from '../../src/http/plugins/error-handler.ts'

describe('the error catalogue', () => {
  type AnyGatewayError = new (a: string, b: number) => errors.GatewayError
  const classes = (Object.values(errors) as unknown[]).filter(
    (value) => typeof value === 'function' && value.prototype instanceof errors.GatewayError,
  ) as AnyGatewayError[]
  const instances = classes.map((Class) => new Class('conn', 1))

  it('gives every error class a declared code and an HTTP status', () => {
    for (const error of instances) {
      expect(errors.ERROR_CODES).toContain(error.code)
      expect(error.statusCode).toBeGreaterThanOrEqual(400)
      expect(error.statusCode).toBeLessThan(600)
    }
    expect(new Set(instances.map((error) => error.code))).toEqual(new Set(errors.ERROR_CODES))
  })

  it('lists the same codes, with the same statuses, in the error table of docs/contract.md', () => {
    const readme = readFileSync('docs/contract.md', 'utf8')
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(
      ([, code, status]): [string, number] => [code!, Number(status)],
    )
    const declared = instances.map((error): [string, number] => [error.code, error.statusCode])
    expect(new Map(rows)).toEqual(new Map(declared))
  })
})

describe('statuses and causes', () => {
  it('takes every status from the one catalogue, which also documents it', () => {
    expect(new errors.BadRequestError('x').statusCode).toBe(errors.ERROR_DOCS.BAD_REQUEST.status)
    expect(new errors.UpstreamTimeoutError('crm').statusCode).toBe(504)
    expect(new errors.LookupCutShortError(new errors.UpstreamRateLimitedError('crm', 3), [], ['k']).statusCode).toBe(503)
    for (const code of errors.ERROR_CODES) expect(errors.ERROR_DOCS[code].when.length, code).toBeGreaterThan(0)
  })

  it('keeps what a wrapped error stands for', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    const wrapped = [
      new errors.UpstreamUnavailableError('unreachable', 'closed at crm:443', { cause: socket }),
      new errors.UpstreamTimeoutError('crm', undefined, { cause: socket }),
      new errors.UpstreamRateLimitedError('crm', 2, false, { cause: socket }),
      new errors.InternalError('a bug', { cause: socket }),
      new errors.BadRequestError('malformed', { cause: socket }),
      new errors.IdempotencyStoreUnavailableError(2, { cause: socket }),
      new errors.IdempotencyKeyInDoubtError('Redis is away', 1, { cause: socket }),
      new errors.ConfigError('key', 'cannot read', { cause: socket }),
    ]
    for (const error of wrapped) expect(error.cause, error.constructor.name).toBe(socket)
    const limited = new errors.UpstreamRateLimitedError('crm', 3)
    expect(new errors.LookupCutShortError(limited, [], []).cause).toBe(limited)
  })

  it('logs the chain outermost first, scrubbed, and stops on a loop', () => {
    const inner = new Error('secret-token-1 refused at 10.0.0.5:443')
    const middle = new Error('upstream transport broken (ECONNRESET)', { cause: inner })
    const outer = new errors.UpstreamUnavailableError('the CRM is unreachable', undefined, { cause: middle })
    expect(causeChain(outer, (text) => text.replace('secret-token-1', '[redacted]'))).toEqual([
      'Error: upstream transport broken (ECONNRESET)',
      'Error: [redacted] refused at 10.0.0.5:443',
    ])
    expect(causeChain(new errors.InternalError('x', { cause: 'a reason, not an error' }))).toEqual(['a reason, not an error'])
    const looped = new Error('a')
    looped.cause = looped
    expect(causeChain(new errors.InternalError('x', { cause: looped })).length).toBe(8)
    expect(causeChain(new errors.TaskNotFoundError())).toEqual([])
  })
})
