import type { LightMyRequestResponse } from 'fastify'
import type { AdapterV2 } from '../../src/kit/spec.ts'
import { encodeId } from '../../src/contract/ids.ts'
import type { ConformanceTarget } from './target.ts'

/** The kinds the suite names a missing record of. */
export type MissingKind = 'tasks' | 'contacts' | 'companies'
/** Each kind's missing native id, or why the target gives none the suite can use (`served`: the
 * adapter has a port of the kind, so the target should). */
export type MissingIds = Readonly<Record<MissingKind, { readonly id: string } | { readonly problem: string; readonly served: boolean }>>

const FIELD = { tasks: 'missingNativeId', contacts: 'missingContactId', companies: 'missingCompanyId' } as const
const SINGULAR = { tasks: 'task', contacts: 'contact', companies: 'company' } as const

type Send = (method: 'GET' | 'PUT', url: string, payload?: unknown) => Promise<LightMyRequestResponse>

/**
 * The target's missing id of each kind the adapter serves, checked before any check uses it: given,
 * of the port's form (its `isNativeId`), and not held by the CRM, asked through the gateway (a
 * task's get does not answer it; an update of a record that changes nothing does not succeed).
 * An id of another form would be "not found" without the CRM being asked, and a check of "not
 * found" would pass whatever the adapter does.
 */
export async function missingIds(target: ConformanceTarget, adapter: AdapterV2, connection: string, send: Send): Promise<MissingIds> {
  const check = async (kind: MissingKind) => {
    const field = FIELD[kind]
    const rule = `(rule: target, ${field})`
    const port = adapter[kind]
    if (!port) return { problem: `the adapter has no ${kind} port`, served: false }
    const id = target[field]
    if (id === undefined) return { problem: `the target names no ${SINGULAR[kind]} the CRM does not hold: set ${field} ${rule}`, served: true }
    if (!port.isNativeId(id)) return { problem: `the target's ${field} ${JSON.stringify(id)} is not of the ${kind} port's form (its isNativeId) ${rule}`, served: true }
    const gatewayId = encodeId(connection, id)
    if (gatewayId === undefined) return { problem: `the target's ${field} ${JSON.stringify(id)} cannot be a gateway id ${rule}`, served: true }
    const res =
      kind === 'tasks' ? await send('GET', `/tasks/${encodeURIComponent(gatewayId)}`) : await send('PUT', `/${kind}`, { [kind]: [{ crmId: gatewayId }] })
    // Any other answer is the adapter's to explain, in the checks that use the id.
    const held = kind === 'tasks' ? res.statusCode === 200 : res.statusCode === 200 && (res.json() as { results: { success: boolean }[] }).results[0]?.success === true
    if (held) return { problem: `the target's ${field} ${JSON.stringify(id)} is not missing: the CRM holds it ${rule}`, served: true }
    return { id }
  }
  return { tasks: await check('tasks'), contacts: await check('contacts'), companies: await check('companies') }
}
