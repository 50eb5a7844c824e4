import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { headers, LINK_TOKEN, testApp } from '../../src/kit/testing.ts'
import { dropTables, postgresConnection, tempFile, uniquePrefix } from './testing.ts'

const prefix = uniquePrefix('restart')
const extras = {
  users: [{ id: 'u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }],
  links: { contacts: 'https://crm.example.com/people/{id}', companies: 'https://crm.example.com/companies/{id}' },
}
const targets: [string, Record<string, unknown>, () => Promise<void>][] = [
  ['SQLite', { adapter: 'sql', file: tempFile(), ...extras }, async () => {}],
  ['PostgreSQL', { ...postgresConnection(prefix), ...extras }, () => dropTables(prefix)],
]

describe.each(targets)('every kind survives a restart of the gateway, on %s', (_name, connection, cleanUp) => {
  const apps: FastifyInstance[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
    await cleanUp()
  })
  const gateway = async () => {
    const app = await testApp({ connections: { own: connection }, auth: { linkTokens: LINK_TOKEN } })
    apps.push(app)
    return app
  }
  const call = async (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers, ...(payload && { payload }) })
    return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers }
  }

  it('tasks, contacts, companies, associations, activities, users and links', async () => {
    const first = await gateway()
    const task = await call(first, 'POST', '/tasks', { subject: 'survives', dueDate: '2024-01-15' })
    expect(task.status).toBe(201)
    const done = await call(first, 'PATCH', `/tasks/${task.body.id}`, { completed: true })

    const companies = await call(first, 'POST', '/companies', {
      companies: [{ externalId: 'C-1', name: 'Acme  Inc', domain: 'https://www.acme.com', numberOfEmployees: 120, website: 'acme.com' }],
    })
    expect(companies.body.errors).toEqual([])
    const company = companies.body.results[0].crmId as string
    const contacts = await call(first, 'POST', '/contacts', {
      contacts: [{ externalId: 'L-1', email: 'Ana@Acme.io', firstName: 'Ana', linkedinUrl: 'https://www.linkedin.com/in/ana/', campaignOpens: 2 }],
    })
    expect(contacts.body.errors).toEqual([])
    const contact = contacts.body.results[0].crmId as string
    expect(contact).toMatch(/^own\.[A-Za-z0-9_-]{22}$/)
    const changed = await call(first, 'PUT', '/contacts', { contacts: [{ crmId: contact, title: 'CEO', campaignReplies: 1 }] })
    expect(changed.body.results).toEqual([{ crmId: contact, success: true }])
    expect((await call(first, 'POST', '/associations', { associations: [{ contactCRMId: contact, companyCRMId: company }] })).body).toEqual({
      success: true,
      created: 1,
      errors: [],
    })
    const message = { type: 'EMAIL', subject: '[1/3] hello', contactId: contact, metadata: { messageId: 'm-1', sequenceIndex: 1 } }
    const logged = await call(first, 'POST', '/activities', message)
    expect(logged.status).toBe(201)
    await first.close()

    const second = await gateway()
    expect(await call(second, 'GET', `/tasks/${task.body.id}`)).toMatchObject({ status: 200, body: done.body })

    const synced = await call(second, 'POST', '/contacts/sync', {
      contacts: [
        { externalId: 'L-1' },
        { externalId: 'X-1', email: ' ana@ACME.io ' },
        { externalId: 'X-2', linkedinUrl: 'linkedin.com/in/ANA' },
      ],
    })
    expect(synced.body.results.map((r: { crmId: string }) => r.crmId)).toEqual([contact, contact, contact])
    expect(synced.body.results[0].properties).toEqual({
      email: 'Ana@Acme.io',
      firstName: 'Ana',
      title: 'CEO',
      linkedinUrl: 'https://www.linkedin.com/in/ana/',
      campaignOpens: 2,
      campaignReplies: 1,
    })
    const again = await call(second, 'POST', '/contacts', { contacts: [{ externalId: 'L-99', email: 'ana@acme.io' }] })
    expect(again.body.results).toEqual([{ externalId: 'L-99', crmId: contact }])

    const companySync = await call(second, 'POST', '/companies/sync', {
      companies: [
        { externalId: 'X-3', domain: 'acme.com/about' },
        { externalId: 'X-4', name: ' acme inc ' },
      ],
    })
    expect(companySync.body.results.map((r: { crmId: string }) => r.crmId)).toEqual([company, company])
    expect(companySync.body.results[0].properties).toMatchObject({ name: 'Acme  Inc', numberOfEmployees: 120, website: 'acme.com' })

    expect((await call(second, 'POST', '/associations', { associations: [{ contactCRMId: contact, companyCRMId: company }] })).body).toEqual({
      success: true,
      created: 0,
      errors: [],
    })
    expect(await call(second, 'POST', '/activities', message)).toMatchObject({ status: 200, body: logged.body })

    expect((await call(second, 'GET', '/users')).body).toEqual([{ id: 'own.u-1', name: 'Ana Ruiz', email: 'ana@acme.io' }])
    const link = await second.inject({ method: 'GET', url: `/links/${LINK_TOKEN}/contacts/${contact}` })
    expect(link.statusCode).toBe(302)
    expect(link.headers.location).toBe(`https://crm.example.com/people/${contact.slice('own.'.length)}`)
  })
})
