import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../src/contract/ids.ts'

describe('task ids', () => {
  it('keeps safe native ids readable and encodes the rest', () => {
    expect(encodeId('hubspot', '12345')).toBe('hubspot.12345')
    expect(encodeId('sql', 'a/b c')).toBe(`sql~${Buffer.from('a/b c').toString('base64url')}`)
  })

  it('round-trips any native id, using only unreserved characters, or refuses one too long', () => {
    fc.assert(
      fc.property(fc.constantFrom('a', 'hubspot', 'crm-2'), fc.string({ unit: 'binary', minLength: 1, maxLength: 120 }), (connection, nativeId) => {
        const id = encodeId(connection, nativeId)
        if (id === undefined) return
        expect(id.length).toBeLessThanOrEqual(128)
        expect(id).toMatch(/^[A-Za-z0-9._~-]+$/)
        expect(decodeId(id)).toEqual({ connection, nativeId })
      }),
      { numRuns: 2000 },
    )
  })

  it.each(['', '.', 'hubspot', 'hubspot.', '.123', 'Hub.1', 'hub spot.1', 'hubspot.1/2', 'hubspot~', 'hubspot~!!',
    // base64url of a plain id: not canonical, since the plain form exists.
    `hubspot~${Buffer.from('123').toString('base64url')}`, `a.${'x'.repeat(127)}`])('refuses %j', (id) => {
    expect(decodeId(id)).toBeUndefined()
  })
})
