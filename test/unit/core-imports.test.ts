import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Rules of the core's layout that the compiler does not see, held by reading every import of
 * `src/` (static, re-exports and dynamic `import()`).
 */
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'src'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.ts') && existsSync(file))

/** The repository paths `file` imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map(([, specifier]) => specifier!)
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)))
}

const graph = new Map(files.map((file) => [file, importsOf(file)]))

/** The composition root: the process entry points, which pick the adapters a config may name. */
const ROOTS = ['src/server.ts', 'src/cli.ts']

describe('what the core imports', () => {
  it('reads every module of src/', () => {
    expect(files).toEqual(expect.arrayContaining(['src/server.ts', 'src/config/load.ts', 'src/contract/tasks.ts']))
    expect(graph.get('src/server.ts')).toContain('adapters/index.ts')
  })

  it('takes the adapter registry only in the composition root, which hands it to the config loader', () => {
    const importers = [...graph].filter(([, targets]) => targets.includes('adapters/index.ts')).map(([file]) => file)
    expect(importers.sort()).toEqual([...ROOTS].sort())
  })

  it('reaches no adapter but through the registry', () => {
    const reaching = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => target.startsWith('adapters/') && target !== 'adapters/index.ts').map((target) => `${file} -> ${target}`),
    )
    expect(reaching).toEqual([])
  })

  it('keeps the contract a leaf: src/contract/ imports only itself and the error catalogue', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/contract/'))
      .flatMap(([file, targets]) => targets.filter((target) => !target.startsWith('src/contract/') && target !== 'src/errors.ts').map((target) => `${file} -> ${target}`))
    expect(outside).toEqual([])
  })
})
