import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import * as yaml from 'yaml'

/** Above this size a config is parsed in a worker thread: parsing 1 MB of YAML takes a second. */
const WORKER_FROM_BYTES = 64 * 1024

type Parsed = { readonly value: unknown } | { readonly error: string }

/**
 * A YAML config as plain data, or the first reason it is not valid YAML. A key given twice in one
 * mapping is refused: a second `acme:` tenant must not silently replace the first. The `yaml`
 * package's own check for that compares every pair of keys (5 s for 10,000 tenants), so it is
 * off and each mapping's keys are checked against a set instead. It runs as it is in the worker,
 * so it uses nothing but its arguments.
 */
function parseChecked(lib: typeof yaml, text: string): Parsed {
  const doc = lib.parseDocument(text, { uniqueKeys: false, prettyErrors: false })
  if (doc.errors.length > 0) {
    const { offset, reason } = locate(text, doc.errors)
    return { error: pointAt(text, offset, reason) }
  }
  let duplicate: string | undefined
  lib.visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        const name = lib.isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        if (seen.has(name)) {
          duplicate = `the key "${name.slice(0, 64)}" appears twice in one mapping`
          return lib.visit.BREAK
        }
        seen.add(name)
      }
      return undefined
    },
  })
  if (duplicate) return { error: duplicate }
  return { value: doc.toJS() }
}

/**
 * Where the first YAML error is and why. A line indented deeper than the one above it, after a
 * `key: value`, is read by the parser as that value going on over two lines, which a key cannot
 * do: it names the value on the line before ("Nested mappings are not allowed in compact
 * mappings"). That one is pointed at the first character of the line with the indent, and said
 * in an operator's words. Also run in the worker: see above.
 */
function locate(text: string, errors: readonly yaml.YAMLError[]): { offset: number; reason: string } {
  const [first] = errors
  const multiline = first!.code === 'BLOCK_AS_IMPLICIT_KEY' ? errors.find((error) => error.code === 'MULTILINE_IMPLICIT_KEY') : undefined
  if (multiline) {
    const [start, end] = multiline.pos
    const line = text.lastIndexOf('\n', end - 1) + 1
    if (line > start) {
      return {
        offset: line + (/^ */.exec(text.slice(line))?.[0].length ?? 0),
        reason: 'bad indentation: this line is indented deeper than the line above, whose key already has a value',
      }
    }
  }
  return { offset: first!.pos[0], reason: first!.message.split('\n')[0]! }
}

/**
 * `reason` with where it happened: the line and column, the line itself and a caret under the
 * column (the line cut to 200 characters around it). A `${VAR}` in a flow mapping or sequence,
 * the usual cause of a bare `{` error, gets its fix named. Also run in the worker: see above.
 */
function pointAt(text: string, offset: number, reason: string): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1
  const end = text.indexOf('\n', offset)
  const line = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '')
  const number = text.slice(0, start).split('\n').length
  const column = offset - start
  const from = Math.max(0, column - 100)
  const shown = line.slice(from, from + 200).replace(/\t/g, ' ')
  const hint = text[offset] === '{' && text[offset - 1] === '$' ? ' (a ${VARIABLE} inside { } or [ ] must be quoted: "${VARIABLE}")' : ''
  return `${reason} at line ${number}, column ${column + 1}${hint}:\n  ${shown}\n  ${' '.repeat(column - from)}^`
}

const require = createRequire(import.meta.url)

function inWorker(text: string): Promise<Parsed> {
  // `__name`: what a TypeScript loader that keeps function names (tsx, vitest) puts in the source.
  const code = `const { parentPort, workerData } = require('node:worker_threads')
const __name = (f) => f
const pointAt = ${pointAt.toString()}
const locate = ${locate.toString()}
parentPort.postMessage(JSON.stringify((${parseChecked.toString()})(require(${JSON.stringify(require.resolve('yaml'))}), workerData)))`
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: text })
    // As JSON text: JSON.parse of 10,000 tenants takes a third of the time structured cloning
    // takes, and it is the one part that runs on the main thread.
    worker.once('message', (parsed: string) => {
      resolve(JSON.parse(parsed) as Parsed)
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

/**
 * Parses a config file's text. A big one is parsed off the main thread, so that a reload does not
 * stop the gateway answering for as long as the parse takes.
 */
export async function parseYaml(text: string): Promise<Parsed> {
  return Buffer.byteLength(text) >= WORKER_FROM_BYTES ? inWorker(text) : parseChecked(yaml, text)
}
