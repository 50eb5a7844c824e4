import { afterAll, beforeAll, describe } from 'vitest'
import { describeActivityChecks } from './activities.ts'
import { describeAssociationChecks } from './associations.ts'
import { describeFailureChecks } from './failures.ts'
import { Harness } from './harness.ts'
import { describeLostRecordChecks } from './lost-records.ts'
import { describeRecordExtraChecks } from './record-extras.ts'
import { describeRecordReadChecks } from './record-reads.ts'
import { describeRecordChecks } from './records.ts'
import { describeReferenceChecks } from './references.ts'
import type { ConformanceTarget } from './target.ts'
import { describeTargetChecks } from './target-checks.ts'
import { describeTaskChecks } from './tasks.ts'
import { describeUserChecks, describeUnservedKinds } from './users.ts'

/** The groups of checks, each of one part of the contract. */
const GROUPS = {
  target: describeTargetChecks,
  tasks: describeTaskChecks,
  contacts: (h: Harness) => {
    describeRecordChecks(h, 'contacts')
    describeRecordExtraChecks(h, 'contacts')
    describeRecordReadChecks(h, 'contacts')
    describeLostRecordChecks(h, 'contacts')
  },
  companies: (h: Harness) => {
    describeRecordChecks(h, 'companies')
    describeRecordExtraChecks(h, 'companies')
    describeRecordReadChecks(h, 'companies')
    describeLostRecordChecks(h, 'companies')
  },
  associations: describeAssociationChecks,
  activities: describeActivityChecks,
  references: describeReferenceChecks,
  users: describeUserChecks,
  unserved: describeUnservedKinds,
  failures: describeFailureChecks,
} satisfies Record<string, (h: Harness) => void>

/** A group of checks, each of one part of the contract: `target`, `tasks`, `contacts`, `companies`,
 * `associations`, `activities`, `references`, `users`, `unserved` (kinds without a port), `failures`. */
export type CheckGroup = keyof typeof GROUPS

/**
 * The contract suite every adapter runs, from the registry (`registry.ts`): it drives the adapter
 * through the whole gateway with `inject()` and checks each rule of Enginy's custom-CRM interface
 * (tasks, contacts, companies, associations, activities, users, upstream failures); a failure names
 * the rule and the field, and shows what the gateway logged meanwhile. It reads the ports and
 * capabilities the adapter declares and branches on them, never on the adapter's name; a check the
 * target cannot run is reported as skipped, with the reason. `only` runs some groups of checks
 * (the target's are always run), for a second configuration of an adapter that differs in one kind.
 */
export function describeAdapterConformance(name: string, setup: () => Promise<ConformanceTarget>, only?: readonly CheckGroup[]) {
  describe(`adapter conformance: ${name}`, () => {
    const h = new Harness()
    beforeAll(async () => {
      await h.start(await setup())
    })
    afterAll(async () => {
      await h.stop()
    })
    for (const [group, describeGroup] of Object.entries(GROUPS)) {
      if (!only || group === 'target' || only.includes(group as CheckGroup)) describeGroup(h)
    }
  })
}
