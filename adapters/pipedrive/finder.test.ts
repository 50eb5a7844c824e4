import { describe, expect, it } from 'vitest'
import type { CallOptions, NativeContact } from '../../src/kit/spec.ts'
import { UpstreamUnavailableError } from '../../src/kit/utils.ts'
import { type FinderSource, find } from './finder.ts'
import { Recall } from './recall.ts'

const options: CallOptions = { signal: new AbortController().signal, deadline: Date.now() + 60_000, warn: () => {} }

/** A CRM of contacts in a Map, whose calls are counted. */
function crm(contacts: NativeContact[], changedPages = 1) {
  const calls = { search: 0, read: 0, changes: 0 }
  const changed: NativeContact[] = []
  const source: FinderSource<NativeContact> = {
    async search(_by, key) {
      calls.search++
      if (key.startsWith('fail')) throw new UpstreamUnavailableError('search failed')
      if (key.startsWith('crowd')) return { ids: ['1'], complete: false }
      return { ids: contacts.filter((c) => c.email?.toLowerCase() === key).map((c) => c.id), complete: true }
    },
    async read(ids) {
      calls.read++
      return contacts.filter((c) => ids.includes(c.id))
    },
    async changedSince(_since, maxPages) {
      calls.changes++
      return { records: [...changed], complete: changedPages <= maxPages }
    },
  }
  return { source, calls, changed }
}

describe('pipedrive finder', () => {
  const ana: NativeContact = { id: '7', email: 'Ana@Acme.example' }
  const recall = () => new Recall<NativeContact>(['email'], { ttlMs: 600_000, max: 100 })

  it('searches each key once, reads what it found in one list, then settles the same keys with one list of changes', async () => {
    const { source, calls } = crm([ana])
    const memory = recall()
    expect(await find(memory, source, 'email', ['ana@acme.example', 'bo@acme.example'], options)).toEqual([ana])
    expect(calls).toEqual({ search: 2, read: 1, changes: 0 })
    expect(await find(memory, source, 'email', ['ana@acme.example', 'bo@acme.example'], options)).toEqual([ana])
    expect(calls).toEqual({ search: 2, read: 1, changes: 1 })
  })

  it('answers a record that changed to hold a key since, from the list of changes', async () => {
    const { source, changed } = crm([])
    const memory = recall()
    expect(await find(memory, source, 'email', ['bo@acme.example'], options)).toEqual([])
    const bo = { id: '8', email: 'BO@acme.example' }
    changed.push(bo)
    expect(await find(memory, source, 'email', ['bo@acme.example'], options)).toEqual([bo])
  })

  it('searches again when the changes run past two pages per key', async () => {
    const { source, calls } = crm([ana], 3)
    const memory = recall()
    await find(memory, source, 'email', ['ana@acme.example'], options)
    expect(await find(memory, source, 'email', ['ana@acme.example'], options)).toEqual([ana])
    expect(calls).toEqual({ search: 2, read: 2, changes: 1 })
  })

  it('keeps what the other searches learned when one fails, and fails the lookup', async () => {
    const { source, calls } = crm([])
    const memory = recall()
    await expect(find(memory, source, 'email', ['nobody@acme.example', 'fail@acme.example'], options)).rejects.toThrow('search failed')
    await expect(find(memory, source, 'email', ['nobody@acme.example', 'fail@acme.example'], options)).rejects.toThrow('search failed')
    expect(calls.search, 'nobody@ is settled by the first attempt: only fail@ is searched again').toBe(3)
  })

  it('refuses to call a key absent when a partial search found more records than it reads', async () => {
    const { source } = crm([ana])
    await expect(find(recall(), source, 'email', ['crowd.example'], options)).rejects.toThrow('matched too many records')
  })

  it('remembers nothing with a TTL of 0', async () => {
    const { source, calls } = crm([ana])
    const memory = new Recall<NativeContact>(['email'], { ttlMs: 0, max: 100 })
    await find(memory, source, 'email', ['ana@acme.example'], options)
    await find(memory, source, 'email', ['ana@acme.example'], options)
    expect(calls).toEqual({ search: 2, read: 2, changes: 0 })
  })
})
