import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headers, testApp } from '../helpers/app.ts'

describe('GET, PATCH and PUT /tasks/:taskId', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await testApp()
  })
  afterAll(() => app.close())

  const create = async (body: object = { subject: 'task' }) =>
    (await app.inject({ method: 'POST', url: '/tasks', headers, payload: body })).json()

  it('gets a task by the id create returned', async () => {
    const task = await create({ subject: 'Follow up', ownerId: 'user-1' })
    const res = await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual(task)
  })

  it.each(['local.doesnotexist', 'nosuchconnection.abc', 'no-separator', 'local~!!', 'x'.repeat(300), '%00'])(
    'answers 404 in JSON for the id %s',
    async (id) => {
      const res = await app.inject({ method: 'GET', url: `/tasks/${encodeURIComponent(id)}`, headers })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'task not found', code: 'TASK_NOT_FOUND' })
    },
  )

  it('updates every writable field with PATCH, and PUT means the same', async () => {
    const task = await create()
    const exported = async (kind: string) =>
      (await app.inject({ method: 'POST', url: `/${kind}`, headers, payload: { [kind]: [{ externalId: `${kind}-1` }] } })).json().results[0].crmId
    const contact = await exported('contacts')
    const company = await exported('companies')
    const patch = {
      subject: 'new subject',
      description: 'new description',
      type: 'email',
      ownerId: 'o',
      contactId: contact.slice('local.'.length),
      companyId: company,
      dueDate: '2030-05-01T08:00:00-04:00',
    }
    const res = await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: patch })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      ...patch,
      id: task.id,
      ownerId: 'local.o',
      contactId: contact,
      companyId: company,
      dueDate: '2030-05-01T12:00:00Z',
      completed: false,
      completedAt: null,
    })
    const put = await app.inject({ method: 'PUT', url: `/tasks/${task.id}`, headers, payload: { subject: 'via put' } })
    expect(put.statusCode).toBe(200)
    expect(put.json().subject).toBe('via put')
  })

  it('completes with completedAt now, keeps the first completedAt, reopens with null', async () => {
    const task = await create()
    const before = Date.now()
    const done = (await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { completed: true } })).json()
    expect(done.completed).toBe(true)
    expect(Date.parse(done.completedAt)).toBeGreaterThanOrEqual(before - 1000)
    expect(done.completedAt).toMatch(/Z$/)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const again = (await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { completed: true } })).json()
    expect(again.completedAt).toBe(done.completedAt)
    const reopened = (await app.inject({ method: 'PATCH', url: `/tasks/${task.id}`, headers, payload: { completed: false } })).json()
    expect(reopened).toMatchObject({ completed: false, completedAt: null })
  })

  it('answers 400 to an update with no known field, before looking the task up', async () => {
    for (const payload of [{}, { unknown: 1 }]) {
      const res = await app.inject({ method: 'PATCH', url: '/tasks/local.missing', headers, payload })
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toMatch(/at least one of: completed, subject/)
    }
  })

  it('answers 400 naming the field for a wrong type, and changes nothing', async () => {
    const task = await create({ subject: 'unchanged' })
    const res = await app.inject({
      method: 'PATCH',
      url: `/tasks/${task.id}`,
      headers,
      payload: { subject: 'changed', completed: 'yes' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toBe('body/completed must be boolean')
    const read = (await app.inject({ method: 'GET', url: `/tasks/${task.id}`, headers })).json()
    expect(read).toEqual(task)
  })

  it('answers 404 to an update of an unknown task', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/tasks/local.missing', headers, payload: { completed: true } })
    expect(res.statusCode).toBe(404)
  })
})
