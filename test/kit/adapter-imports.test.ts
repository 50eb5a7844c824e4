import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Adapters import the gateway through the kit and nothing else of `src/` or `test/`, so the core
 * may move behind it without breaking an integrator's adapter: its code takes the spec and the
 * utils (`src/kit/spec.ts`, `src/kit/utils.ts`); its tests, its fake CRM, its conformance targets
 * and its test helpers take the test kit (`src/kit/testing.ts`) besides.
 */
const CODE_KIT = ['src/kit/spec.ts', 'src/kit/utils.ts']
const TEST_KIT = [...CODE_KIT, 'src/kit/testing.ts']

/** An adapter's test code: what only its tests run. */
const isTestCode = (file: string) => /\.test\.ts$|\/fake\/|\/conformance\.ts$|\/testing\.ts$/.test(file)

/** Every module `file` names (static imports and re-exports, dynamic imports), as paths from the repository's root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const named = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm)].map(([, a, b, c]) => (a ?? b ?? c)!)
  return named.filter((path) => path.startsWith('.')).map((path) => relative('.', resolve(dirname(file), path)))
}

/** What `file` imports of the gateway (`src/`, `test/`) that its kind of file may not. */
function outsideKit(file: string, testCode = isTestCode(file)): string[] {
  const allowed = testCode ? TEST_KIT : CODE_KIT
  return importsOf(file).filter((path) => /^(src|test)\//.test(path) && !allowed.includes(path))
}

describe('what adapters import', () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'adapters'], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && existsSync(file))

  it('finds the adapters, their tests and their fakes', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'adapters/hubspot/index.ts',
        'adapters/memory/index.ts',
        'adapters/sql/index.ts',
        'adapters/hubspot/requests.test.ts',
        'adapters/pipedrive/fake/pipedrive.ts',
        'adapters/sql/testing.ts',
      ]),
    )
  })

  it.each(files)('%s imports from src/ and test/ only through the kit', (file) => {
    expect(outsideKit(file)).toEqual([])
  })

  it('refuses what it must: test code reaching into the core, adapter code taking the test kit', () => {
    // The kit's own test helpers reach into the core: checked as an adapter's test code, they fail.
    expect(outsideKit('test/conformance/adapter-harness.ts', true)).toEqual(
      expect.arrayContaining(['src/app.ts', 'src/config/load.ts', 'src/runtime/connections.ts']),
    )
    // A fake CRM takes the test kit: the same imports in an adapter's own code fail.
    expect(outsideKit('adapters/hubspot/fake/hubspot.ts', false)).toEqual(['src/kit/testing.ts'])
  })
})
