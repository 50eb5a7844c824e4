import { describe, expect, it } from 'vitest'
import { noteOf } from './activities.ts'
import { fieldPlan } from './field-plan.ts'
import { fromContent, taskContent } from './task-content.ts'

describe('attio mapping', () => {
  it('keeps a task’s subject and description in one content, and reads them back', () => {
    expect(taskContent('Call Ana', undefined)).toBe('Call Ana')
    expect(taskContent('Call Ana', '')).toBe('Call Ana')
    expect(fromContent(taskContent('Call Ana', 'Line one\n\nLine three'))).toEqual({ subject: 'Call Ana', description: 'Line one\n\nLine three' })
    expect(fromContent('Made in Attio')).toEqual({ subject: 'Made in Attio' })
  })

  it('refuses a subject and description longer together than Attio’s 2,000 characters, naming the description', () => {
    expect(taskContent('s'.repeat(1000), 'd'.repeat(998))).toHaveLength(2000)
    expect(() => taskContent('s'.repeat(1000), 'd'.repeat(999))).toThrow(/^body\/description: .* 2001$/)
  })

  it('titles a note with its kind, direction, moment and subject, and keeps the message as text', () => {
    const note = noteOf({ type: 'LINKEDIN_INMAIL', direction: 'INBOUND', subject: 'Re: hello', body: '<p>Sure &amp; thanks</p>', occurredAt: Date.UTC(2025, 2, 2, 9, 15, 7, 500) })
    expect(note).toEqual({ title: 'LinkedIn InMail (inbound) · 2025-03-02 09:15:07 UTC · Re: hello', content: 'Sure & thanks' })
    expect(noteOf({ type: 'CALL', occurredAt: 0 }).title).toBe('CALL · 1970-01-01 00:00:00 UTC')
  })

  it('declares unsupported what no attribute holds, and looks records up by externalId only where it is mapped', () => {
    const bare = fieldPlan({ contacts: {}, companies: {} })
    expect(bare.contacts).toMatchObject({ lookups: ['email', 'linkedinUrl'], unsupported: ['ownerId', 'company'], extra: [] })
    expect(bare.companies).toMatchObject({ lookups: ['domain', 'linkedinUrl', 'name'], unsupported: ['ownerId', 'industry', 'numberOfEmployees'] })
    const mapped = fieldPlan({
      contacts: { externalId: 'enginy_id', company: 'company_name', campaignStatus: 'status' },
      companies: { externalId: 'enginy_id', industry: 'industry_text', employeeCount: 'employees' },
    })
    expect(mapped.contacts).toMatchObject({ lookups: ['externalId', 'email', 'linkedinUrl'], unsupported: ['ownerId'], extra: ['status'], company: 'company_name' })
    expect(mapped.companies).toMatchObject({ lookups: ['externalId', 'domain', 'linkedinUrl', 'name'], unsupported: ['ownerId'], numberOfEmployees: 'employees' })
  })
})
