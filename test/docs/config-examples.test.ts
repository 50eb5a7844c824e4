import { builtinAdapters } from '../../adapters/index.ts'
import { readFileSync, readdirSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/config/load.ts'

/**
 * Every config example in the documentation is a config the gateway accepts: a YAML block with
 * a top-level `connections` key is validated as it stands, every `${VARIABLE}` set.
 */
const DOCUMENTS = ['README.md', 'adapters/README.md', ...readdirSync('docs').filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)]

const anyVariable = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? `value-of-${name.toLowerCase()}` : undefined) }) as NodeJS.ProcessEnv

function examples(file: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = []
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```yaml') continue
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end]!.trim() !== '```') end++
    const text = lines.slice(start, end).join('\n')
    if (/^connections:/m.test(text)) found.push({ line: start, text })
    i = end
  }
  return found
}

describe('config examples in the documentation', () => {
  const all = DOCUMENTS.flatMap((file) => examples(file).map((example) => ({ file, ...example })))

  it('finds the examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(5)
  })

  it.each(all.map((example) => [`${example.file}:${example.line}`, example] as const))('%s is a valid config', async (_where, example) => {
    await expect(resolveConfig(parse(example.text), anyVariable, builtinAdapters)).resolves.toBeDefined()
  })
})
