import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as errors from '../../src/errors.ts'
import { ERROR_DOCS } from '../../src/errors.ts'
import { errorAnswers } from '../../src/contract/error-answers.ts'

describe("the error codes the OpenAPI document lists", () => {
  it("have the statuses of their classes in src/errors.ts", () => {
    const classes = (Object.values(errors) as unknown[]).filter(
      (value) => typeof value === 'function' && value.prototype instanceof errors.GatewayError,
    ) as (new (a: string, b: number) => errors.GatewayError)[]
    const declared = Object.fromEntries(classes.map((Class) => new Class('conn', 1)).map((error) => [error.code, error.statusCode]))
    expect(Object.fromEntries(Object.entries(ERROR_DOCS).map(([code, doc]) => [code, doc.status]))).toEqual(declared)
  })

  it("say when each comes in the words of docs/contract.md's error table", () => {
    const table = readFileSync('docs/contract.md', 'utf8')
    const rows = Object.fromEntries([...table.matchAll(/^\| `([A-Z_]+)` \| \d{3} \| (.*) \|$/gm)].map(([, code, when]) => [code, when]))
    expect(Object.fromEntries(Object.entries(ERROR_DOCS).map(([code, doc]) => [code, doc.when]))).toEqual(rows)
  })

  it('group by status, each answer naming only its own codes', () => {
    const answers = errorAnswers('UNAUTHORIZED', 'UPSTREAM_RATE_LIMITED', 'UPSTREAM_CIRCUIT_OPEN', 'UPSTREAM_TIMEOUT', 'UNAUTHORIZED')
    expect(Object.keys(answers)).toEqual(['401', '503', '504'])
    expect(answers[503]!.properties.code!.enum).toEqual(['UPSTREAM_RATE_LIMITED', 'UPSTREAM_CIRCUIT_OPEN'])
    expect(Object.keys(answers[503]!.headers)).toEqual(['retry-after'])
    expect(Object.keys(answers[401]!.headers)).toEqual(['www-authenticate'])
    expect(answers[504]!.headers).toBeUndefined()
  })
})
