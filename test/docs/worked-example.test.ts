import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * The worked example of `adapters/README.md`, compiled: its ```ts blocks, split into the files
 * their `// adapters/todos/<file>` lines name, are written two folders deep inside the repository
 * (so their `../../src/kit/...` imports resolve as an adapter's do) and type-checked with the
 * project's compiler options. An example that drifts from the kit fails here, not in a reader's
 * editor.
 */
const ROOT = resolve('.')
const FILE_LINE = /^\/\/ adapters\/todos\/([\w-]+\.ts)$/

function exampleFiles(): Map<string, string> {
  const readme = readFileSync('adapters/README.md', 'utf8')
  const start = readme.indexOf('## A worked example')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  const files = new Map<string, string>()
  for (const [, block] of section.matchAll(/```ts\n([\s\S]*?)```/g)) {
    let current: string | undefined
    for (const line of block!.split('\n')) {
      const named = FILE_LINE.exec(line)
      if (named) current = named[1]!
      else if (current) files.set(current, `${files.get(current) ?? ''}${line}\n`)
    }
  }
  return files
}

describe("the README's worked example", () => {
  const folder = mkdtempSync(join(ROOT, '.worked-example-'))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('is two files, mapping.ts and index.ts', () => {
    expect([...exampleFiles().keys()].sort()).toEqual(['index.ts', 'mapping.ts'])
  })

  it('compiles against the kit', () => {
    const adapter = join(folder, 'todos')
    mkdirSync(adapter)
    const roots = [...exampleFiles()].map(([name, text]) => {
      writeFileSync(join(adapter, name), text)
      return join(adapter, name)
    })
    const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })
    if (!config) throw new Error('tsconfig.json cannot be read')
    const program = ts.createProgram(roots, { ...config.options, noEmit: true, noUnusedLocals: true })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => `${diagnostic.file ? diagnostic.file.fileName.slice(folder.length + 1) : ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`)
    expect(problems).toEqual([])
  }, 120_000)
})
