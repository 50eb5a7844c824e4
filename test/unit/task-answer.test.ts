import { describe, expect, it } from 'vitest'
import type { AdapterWarning, NativeTask } from '../../src/kit/spec.ts'
import type { Connection } from '../../src/runtime/connections.ts'
import { UpstreamBadResponseError } from '../../src/errors.ts'
import { isDigitsId } from '../../src/adapter/native-ids.ts'
import { fromNative } from '../../src/service/task-answer.ts'
import { TypeMap } from '../../src/service/type-map.ts'

const connection = { name: 'crm', adapter: { tasks: { isNativeId: isDigitsId } }, types: new TypeMap({}, undefined) } as unknown as Connection

function read(native: Partial<NativeTask>, asked?: string) {
  const warnings: AdapterWarning[] = []
  const task = fromNative(
    connection,
    { id: '7', subject: 's', completed: false, completedAt: null, ...native },
    { signal: AbortSignal.timeout(1000), deadline: Date.now() + 1000, warn: (warning) => warnings.push(warning) },
    asked,
  )
  return { task, warnings }
}

describe('a CRM task held to the contract', () => {
  it.each([
    ['subject', 1000],
    ['description', 65_536],
    ['type', 64],
  ] as const)('cuts a %s longer than %d characters, with a warning naming the field', (field, max) => {
    const { task, warnings } = read({ [field]: 'x'.repeat(max + 10) })
    expect(task[field]).toBe('x'.repeat(max))
    expect(warnings).toEqual([expect.objectContaining({ field, type: 'compatibility' })])
  })

  it('keeps text within the limits as it is, with no warning', () => {
    const { task, warnings } = read({ subject: 'x'.repeat(1000), description: 'd'.repeat(65_536) })
    expect(task.subject).toHaveLength(1000)
    expect(warnings).toEqual([])
  })

  it('never cuts between the two halves of a character outside the BMP', () => {
    const { task } = read({ subject: `${'x'.repeat(999)}😀` })
    expect(task.subject).toBe('x'.repeat(999))
  })

  it("hands references out as the gateway's ids of those records", () => {
    expect(read({ ownerId: '111', contactId: '501', companyId: 'a/b' }).task).toMatchObject({
      ownerId: 'crm.111',
      contactId: 'crm.501',
      companyId: `crm~${Buffer.from('a/b').toString('base64url')}`,
    })
  })

  it.each(['ownerId', 'contactId', 'companyId'] as const)('answers 502 for a %s longer than 256 characters, never a cut reference', (field) => {
    expect(() => read({ [field]: '1'.repeat(257) })).toThrow(UpstreamBadResponseError)
    expect(read({ [field]: '1'.repeat(256) }).task[field]).toHaveLength(256)
  })

  it.each([
    ['an id of another form than the CRM’s', { id: '../7' }, undefined],
    ['an id other than the one asked for', { id: '8' }, '7'],
    ['a due date outside time', { dueDate: 1e20 }, undefined],
    ['a completion time that is not a number', { completed: true, completedAt: Number.NaN }, undefined],
  ])('answers 502 for %s', (_name, native, asked) => {
    expect(() => read(native, asked)).toThrow(UpstreamBadResponseError)
  })
})
