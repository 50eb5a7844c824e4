import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

interface Report {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }[] }[]
}

/** The test kit is tested too: deliberately broken adapters must fail it, naming rule and field. */
describe('the conformance suite', () => {
  it('fails a broken adapter with a message that names the contract rule and the field', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'conformance-')), 'report.json')
    const code = await run(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/conformance/fixtures/vitest.config.ts', '--reporter=json', `--outputFile=${output}`],
      { timeout: 120_000 },
    ).then(
      () => 0,
      (error: { code: number }) => error.code,
    )
    expect(code, 'the broken adapters must fail the suite').toBe(1)
    const report = JSON.parse(readFileSync(output, 'utf8')) as Report
    const results = report.testResults.flatMap((file) => file.assertionResults)
    const failed = (adapter: string) =>
      results.filter((r) => r.status === 'failed' && r.ancestorTitles.some((t) => t.includes(adapter)))

    const dueDate = failed('drops dueDate')
    expect(dueDate.map((r) => r.title)).toContain('create: every field comes back, due date in UTC, not completed')
    expect(dueDate.flatMap((r) => r.failureMessages).join('\n')).toContain("create returns dueDate as sent (rule: the task's fields)")

    const missing = failed('errors on missing ids')
    expect(missing.map((r) => r.title)).toContain(
      'batch get: more ids than one native batch, order of first appearance, missing left out',
    )
    expect(missing.flatMap((r) => r.failureMessages).join('\n')).toContain('missing ids are left out, never an error')

    const passed = results.filter((r) => r.status === 'passed').map((r) => r.title)
    expect(passed, 'checks the broken part does not touch still pass').toContain(
      'not found: unknown and malformed ids are 404 on get and update',
    )
  }, 150_000)
})
