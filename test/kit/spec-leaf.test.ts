import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The spec is the seam: `src/kit/spec.ts` and its files under `src/kit/spec/` hold types and the
 * version constant only, and import nothing but one another and the types of TypeBox and pino.
 * Were one of them to import the core, the core could no longer change behind the seam, and the
 * import cycles through the adapter types (17 of them, before the spec became a leaf) would be back.
 */
const SPEC = ['src/kit/spec.ts', ...readdirSync('src/kit/spec').map((file) => join('src/kit/spec', file))]
const PACKAGES = ['@sinclair/typebox', 'pino']

interface Found {
  readonly from: string
  readonly typeOnly: boolean
}

function importsOf(file: string): Found[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: Found[] = []
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? (node.importClause?.isTypeOnly ?? false) : node.isTypeOnly
      found.push({ from: node.moduleSpecifier.text, typeOnly })
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ from: node.argument.literal.text, typeOnly: true })
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const [argument] = node.arguments
      found.push({ from: argument && ts.isStringLiteral(argument) ? argument.text : '(computed)', typeOnly: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The imports of `file` that leave the spec. */
function outside(file: string): Found[] {
  return importsOf(file).filter(({ from, typeOnly }) => {
    if (PACKAGES.includes(from)) return !typeOnly
    if (!from.startsWith('.')) return true
    return !SPEC.includes(relative('.', resolve(dirname(file), from)))
  })
}

/** What a file declares at its top level that is not a type: a statement a type-only module has none of. */
function valuesOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  return source.statements
    .filter((statement) => !ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement))
    .filter((statement) => !((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && isTypeOnly(statement)))
    .map((statement) => statement.getText(source).split('\n')[0]!)
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  return ts.isImportDeclaration(statement) ? (statement.importClause?.isTypeOnly ?? false) : statement.isTypeOnly
}

describe('the spec is a leaf', () => {
  it('finds the spec and its files', () => {
    expect(SPEC).toEqual(expect.arrayContaining(['src/kit/spec.ts', 'src/kit/spec/tasks.ts', 'src/kit/spec/upstream.ts', 'src/kit/spec/context.ts']))
  })

  it.each(SPEC)('%s imports nothing outside the spec but the types of TypeBox and pino', (file) => {
    expect(outside(file)).toEqual([])
  })

  it.each(SPEC)('%s holds types only (and spec.ts the version constant)', (file) => {
    const expected = file === 'src/kit/spec.ts' ? ["export const ADAPTER_SPEC_VERSION = 'v2'"] : []
    expect(valuesOf(file)).toEqual(expected)
  })

  it('hands adapters a client without the connection\'s breaker or limiter', () => {
    const file = 'src/kit/spec/upstream.ts'
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
    const client = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'UpstreamClient')
    expect([...new Set(client?.members.map((member) => member.name?.getText(source)))]).toEqual(['send', 'json', 'scrub'])
  })

  it('the checks see what they must refuse, in a module of the core', () => {
    // The core's result builders import the errors and are values: as a spec file, both checks fail.
    expect(outside('src/adapter/results.ts')).toEqual([{ from: '../errors.ts', typeOnly: true }])
    expect(valuesOf('src/adapter/results.ts')).toHaveLength(3)
  })
})
