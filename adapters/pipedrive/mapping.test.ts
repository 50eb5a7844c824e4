import { describe, expect, it } from 'vitest'
import type { NativeTask, NativeTaskPatch } from '../../src/kit/spec.ts'
import { type ActivityBody, fromActivity, toActivity } from './mapping.ts'
import type { Activity } from './schemas.ts'

describe('pipedrive mapping', () => {
  it.each<[string, NativeTaskPatch, ActivityBody]>([
    ['subject', { subject: 'Call' }, { subject: 'Call' }],
    ['type', { type: 'meeting' }, { type: 'meeting' }],
    ['description as an escaped note', { description: '<i>x</i> & y\nz' }, { note: '&lt;i&gt;x&lt;/i&gt; &amp; y<br>z' }],
    ['owner and organization as integers, the person as the primary participant', { ownerId: '7', contactId: '8', companyId: '9' }, { owner_id: 7, participants: [{ person_id: 8, primary: true }], org_id: 9 }],
    ['due date and time in UTC', { dueDate: Date.UTC(2024, 0, 15, 10, 5) }, { due_date: '2024-01-15', due_time: '10:05' }],
    ['due time with seconds', { dueDate: Date.UTC(2024, 0, 15, 10, 5, 9) }, { due_date: '2024-01-15', due_time: '10:05:09' }],
    ['completed as done', { completed: true }, { done: true }],
  ])('writes %s', (_name, patch, body) => {
    expect(toActivity(patch)).toEqual(body)
  })

  it.each(['ownerId', 'contactId', 'companyId'] as const)('refuses a %s that is not a positive integer', (field) => {
    for (const value of ['abc', '-1', '0', '1.5', '12345678901234567']) {
      expect(() => toActivity({ [field]: value })).toThrow(`${field} must be a Pipedrive`)
    }
  })

  const activity = (fields: Partial<Activity>): Activity => ({ id: 5, subject: 'Call', done: false, ...fields })

  it.each<[string, Partial<Activity>, Partial<NativeTask>]>([
    ['ids as strings', { owner_id: 7, person_id: 8, org_id: 9 }, { ownerId: '7', contactId: '8', companyId: '9' }],
    ['null references as absent', { person_id: null, org_id: null }, {}],
    ['the person from the primary participant when person_id is absent', { participants: [{ person_id: 3, primary: false }, { person_id: 8, primary: true }] }, { contactId: '8' }],
    ['note as text', { note: '<p>a &amp; b</p><p>c</p>' }, { description: 'a & b\nc' }],
    ['due date with time', { due_date: '2024-01-15', due_time: '10:05' }, { dueDate: Date.UTC(2024, 0, 15, 10, 5) }],
    ['due date without time as midnight UTC', { due_date: '2024-01-15', due_time: null }, { dueDate: Date.UTC(2024, 0, 15) }],
    ['done with its time', { done: true, marked_as_done_time: '2024-01-15T11:30:00Z' }, { completed: true, completedAt: Date.UTC(2024, 0, 15, 11, 30) }],
    ['done with a v1-style time', { done: true, marked_as_done_time: '2024-01-15 11:30:00' }, { completed: true, completedAt: Date.UTC(2024, 0, 15, 11, 30) }],
    ['not done as no completedAt', { done: false, marked_as_done_time: '2024-01-15T11:30:00Z' }, { completed: false, completedAt: null }],
  ])('reads %s', (_name, fields, expected) => {
    expect(fromActivity(activity(fields))).toEqual({ id: '5', subject: 'Call', completed: false, completedAt: null, ...expected })
  })
})
