import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Rules of the core's layout that the compiler does not see, held by reading every import of
 * `src/` (static, re-exports and dynamic `import()`).
 */
const listed = (folder: string) =>
  execFileSync('git', ['ls-files', '-co', '--exclude-standard', folder], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && existsSync(file))
const files = listed('src')

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

  it('has no two folders of src/ that import each other', () => {
    // The spec is a leaf every layer imports; the kit's other modules are facades over the core.
    const folder = (file: string) =>
      /^src\/kit\/spec(\.ts|\/)/.test(file) ? 'kit/spec' : file.split('/').length > 2 ? file.split('/')[1]! : undefined
    const edges = new Set<string>()
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const [from, to] = [folder(file), target.startsWith('src/') ? folder(target) : undefined]
        if (from && to && from !== to) edges.add(`${from} -> ${to}`)
      }
    }
    const mutual = [...edges].filter((edge) => {
      const [from, to] = edge.split(' -> ')
      return from! < to! && edges.has(`${to} -> ${from}`)
    })
    expect(mutual).toEqual([])
  })

  it('forms no import cycle in src/ and adapters/, type imports included', () => {
    const all = new Map([...graph, ...listed('adapters').map((file): [string, string[]] => [file, importsOf(file)])])
    const cycles = stronglyConnected(all).filter((group) => group.length > 1)
    expect(cycles).toEqual([])
  })
})

/** Tarjan's strongly connected components: every group of modules that import each other, directly or not. */
function stronglyConnected(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (file: string) => {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file)!, low.get(target)!))
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!))
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        group.push(member)
      } while (member !== file)
      groups.push(group.sort())
    }
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return groups
}
