import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as errors from '../../src/errors.ts'

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
