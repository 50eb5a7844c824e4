import { existsSync } from 'node:fs'
import { describe, it } from 'vitest'
import type { AdapterRegistry } from '../../adapters/index.ts'
import { describeAdapterConformance } from './suite.ts'
import type { ConformanceTargets } from './target.ts'

/** The folder of the adapters: each declares its targets in `<name>/conformance.ts`. */
const ADAPTERS = new URL('../../adapters/', import.meta.url)

/**
 * The suite for every adapter of `registry`, as knex runs its specs for every dialect: each with
 * the targets its own folder declares (`adapters/<name>/conformance.ts`, whose default export is
 * its `ConformanceTargets`), so an adapter is covered the day it is registered, and a registered
 * adapter without targets fails. `only` (the `ADAPTERS` variable: `ADAPTERS=hubspot,sql`) narrows
 * the run to some adapters, as knex's `DB` does.
 */
export async function describeRegistryConformance(registry: AdapterRegistry, folder = ADAPTERS, only = process.env.ADAPTERS): Promise<void> {
  const chosen = only?.split(',').map((name) => name.trim())
  for (const name of Object.keys(registry).filter((name) => !chosen || chosen.includes(name))) {
    const file = new URL(`${name}/conformance.ts`, folder)
    const targets = existsSync(file) ? ((await import(file.href)) as { default?: ConformanceTargets }).default : undefined
    if (!targets || Object.keys(targets).length === 0) {
      describe(`adapter conformance: ${name}`, () => {
        it('declares its targets in its own folder (conformance.ts)', () => {
          throw new Error(
            `adapter "${name}" is registered, but adapters/${name}/conformance.ts exports no targets: every registered adapter runs the conformance suite (rule: registry, conformance.ts)`,
          )
        })
      })
      continue
    }
    for (const [label, setup] of Object.entries(targets)) describeAdapterConformance(label, setup)
  }
}
