import { describe, expect, it } from 'vitest'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'
import { fromHubSpot, parseTime, toProperties } from './mapping.ts'

const due = Date.UTC(2024, 0, 15, 10)

describe('hubspot mapping', () => {
  it.each<[string, NativeTaskPatch, Record<string, string>]>([
    ['subject', { subject: 'Call' }, { hs_task_subject: 'Call' }],
    ['description as escaped HTML', { description: 'a <b> & c\nd' }, { hs_task_body: 'a &lt;b&gt; &amp; c<br>d' }],
    ['type', { type: 'CALL' }, { hs_task_type: 'CALL' }],
    ['owner', { ownerId: '111' }, { hubspot_owner_id: '111' }],
    ['due date as hs_timestamp', { dueDate: due }, { hs_timestamp: '2024-01-15T10:00:00.000Z' }],
    ['completed', { completed: true }, { hs_task_status: 'COMPLETED' }],
    ['reopened', { completed: false }, { hs_task_status: 'NOT_STARTED' }],
    ['associations are not properties', { contactId: '1', companyId: '2' }, {}],
  ])('writes %s', (_name, patch, properties) => {
    expect(toProperties(patch)).toEqual(properties)
  })

  const object = (properties: Record<string, string | null>) => ({ id: '7', properties })

  it.each<[string, Record<string, string | null>, Partial<NativeTask>]>([
    ['subject', { hs_task_subject: 'Call' }, { subject: 'Call' }],
    ['HTML body as text', { hs_task_body: '<p>a &lt;b&gt;</p><p>c</p>' }, { description: 'a <b>\nc' }],
    ['null body as no description', { hs_task_body: null }, {}],
    ['type', { hs_task_type: 'EMAIL' }, { type: 'EMAIL' }],
    ['owner', { hubspot_owner_id: '111' }, { ownerId: '111' }],
    ['ISO hs_timestamp', { hs_timestamp: '2024-01-15T10:00:00Z' }, { dueDate: due }],
    ['epoch hs_timestamp', { hs_timestamp: String(due) }, { dueDate: due }],
    ['COMPLETED with its date', { hs_task_status: 'COMPLETED', hs_task_completion_date: '2024-01-15T11:30:00Z' }, { completed: true, completedAt: Date.UTC(2024, 0, 15, 11, 30) }],
    ['IN_PROGRESS as open', { hs_task_status: 'IN_PROGRESS', hs_task_completion_date: '2024-01-15T11:30:00Z' }, { completed: false, completedAt: null }],
    ['DEFERRED as open', { hs_task_status: 'DEFERRED' }, { completed: false, completedAt: null }],
  ])('reads %s', (_name, properties, expected) => {
    expect(fromHubSpot(object({ hs_task_subject: 'Call', ...properties }), {})).toEqual({
      id: '7',
      subject: 'Call',
      completed: false,
      completedAt: null,
      ...expected,
    })
  })

  it('reads associations given to it', () => {
    expect(fromHubSpot(object({ hs_task_subject: 's' }), { contactId: '501', companyId: '701' })).toMatchObject({
      contactId: '501',
      companyId: '701',
    })
  })

  it('parses HubSpot times in both forms, and nothing else', () => {
    expect(parseTime('1705312800000')).toBe(due)
    expect(parseTime('2024-01-15T10:00:00.000Z')).toBe(due)
    expect(parseTime('')).toBeUndefined()
    expect(parseTime(null)).toBeUndefined()
    expect(parseTime('soon')).toBeUndefined()
  })
})
