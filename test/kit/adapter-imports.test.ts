import { existsSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

/**
 * Adapters import the gateway from the spec and utils modules, `src/kit/spec.ts` and `src/kit/utils.ts`, and nothing else of
 * `src/`: the core may then move behind it without breaking an integrator's adapter.
 */
const KIT = ['src/kit/spec.ts', 'src/kit/utils.ts']

describe('what adapters import', () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'adapters'], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && existsSync(file))

  it('finds the adapters', () => {
    expect(files).toEqual(expect.arrayContaining(['adapters/hubspot/index.ts', 'adapters/memory/index.ts', 'adapters/sql/index.ts']))
  })

  it.each(files)('%s imports from src/ only through the kit', (file) => {
    const text = readFileSync(file, 'utf8')
    const fromSrc = [...text.matchAll(/from '((?:\.\.\/)+src\/[^']+)'/g)].map(([, path]) => path!.replace(/^(\.\.\/)+/, ''))
    // An adapter's fake CRM and its conformance targets are test code: they take the test kit.
    const kits = /\/fake\/|\/conformance\.ts$/.test(file) ? [...KIT, 'src/kit/testing.ts'] : KIT
    expect(fromSrc.filter((path) => !kits.includes(path))).toEqual([])
  })
})
