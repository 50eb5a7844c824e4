import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InternalError } from '../../src/errors.ts'
import { fillRoute } from '../../src/upstream/path.ts'
import { HttpFake } from '../conformance/fakes/http-fake.ts'
import { client, within } from './helpers.ts'

describe('upstream paths from templates', () => {
  it.each([
    ['/crm/v3/objects/tasks/{taskId}', { taskId: '123' }, '/crm/v3/objects/tasks/123'],
    ['/a/{x}/b/{y}', { x: '1', y: '2' }, '/a/1/b/2'],
    ['/tasks/{id}', { id: 'a/b' }, '/tasks/a%2Fb'],
    ['/tasks/{id}', { id: '1?archived=true' }, '/tasks/1%3Farchived%3Dtrue'],
    ['/tasks/{id}', { id: '1#x' }, '/tasks/1%23x'],
    ['/tasks/{id}', { id: '%2e%2e' }, '/tasks/%252e%252e'],
    ['/tasks/{id}', { id: '..\\..' }, '/tasks/..%5C..'],
    ['/tasks/{id}', { id: '...' }, '/tasks/...'],
    ['/tasks/{id}', { id: '1 2' }, '/tasks/1%202'],
    ['/crm/objects/2026-09/tasks', {}, '/crm/objects/2026-09/tasks'],
    ['/task/{id}/', { id: 'task_1' }, '/task/task_1/'],
    ['/data/search/', {}, '/data/search/'],
  ])('fills %s with %j as %s', (route, params, path) => {
    expect(fillRoute(route, params)).toBe(path)
  })

  it.each([
    ['a dot segment', '/tasks/{id}', { id: '.' }],
    ['a double-dot segment', '/tasks/{id}', { id: '..' }],
    ['an empty value', '/tasks/{id}', { id: '' }],
    ['a newline', '/tasks/{id}', { id: '1\n' }],
    ['a tab', '/tasks/{id}', { id: '1\t2' }],
    ['a NUL', '/tasks/{id}', { id: '\u0000' }],
    ['a C1 control', '/tasks/{id}', { id: '1\u0085' }],
    ['a lone surrogate', '/tasks/{id}', { id: '\ud800' }],
    ['a value past 1,024 characters', '/tasks/{id}', { id: '1'.repeat(1025) }],
    ['a missing parameter', '/tasks/{id}', {}],
    ['a parameter the route does not have', '/tasks/{id}', { id: '1', other: '2' }],
    ['a template with a dot segment', '/tasks/../owners', {}],
    ['a template with a query', '/tasks?x=1', {}],
    ['a template with an escape', '/tasks/%2e%2e', {}],
    ['a template not starting with /', 'tasks/{id}', { id: '1' }],
    ['a placeholder inside a segment', '/tasks/id-{id}', { id: '1' }],
    ['an empty segment inside a template', '/tasks//{id}', { id: '1' }],
    ['two trailing slashes', '/tasks//', {}],
    ['the root alone', '/', {}],
  ])('refuses %s', (_name, route, params) => {
    expect(() => fillRoute(route, params)).toThrow(InternalError)
  })

  describe('through the client', () => {
    let fake: HttpFake
    beforeAll(async () => {
      fake = await HttpFake.start(() => ({ body: { ok: true } }))
    })
    afterAll(() => fake.close())

    it('refuses an unsafe parameter before any byte is sent, with a 500 whose detail is logged, not sent', async () => {
      const c = client(fake.url)
      const error = await c.send({ method: 'DELETE', route: '/tasks/{id}', params: { id: '..' }, options: within(1000) }).catch((e) => e)
      expect(error).toBeInstanceOf(InternalError)
      expect(error.message).toBe('internal error')
      expect(error.detail).toContain('/tasks/{id}')
      expect(fake.requests).toHaveLength(0)
      await c.close()
    })

    it('keeps an encoded parameter in its segment on the wire, under a base URL with a path', async () => {
      const c = client(`${fake.url}/prefix/`)
      await c.send({ method: 'GET', route: '/tasks/{id}', params: { id: '../../owners?x=1#y' }, query: { q: 'a&b=c' }, options: within(1000) })
      expect(fake.requests.at(-1)).toMatchObject({ path: '/prefix/tasks/..%2F..%2Fowners%3Fx%3D1%23y' })
      expect(fake.requests.at(-1)!.query.get('q')).toBe('a&b=c')
      await c.close()
    })
  })
})
