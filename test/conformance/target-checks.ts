import { expect } from 'vitest'
import type { Harness } from './harness.ts'

/** The target itself, before the checks that rely on it: what it says the CRM does not hold. */
export function describeTargetChecks(h: Harness) {
  h.check("target: one missing id per kind the adapter serves, of its port's form, that the CRM does not hold", async () => {
    const problems = Object.values(h.missingIds).flatMap((found) => ('problem' in found && found.served ? [found.problem] : []))
    expect(problems, `the missing ids the target gives (rule: target): ${problems.join('; ')}`).toEqual([])
  })
}
