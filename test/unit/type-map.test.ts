import { describe, expect, it } from 'vitest'
import type { AdapterWarning } from '../../src/kit/spec.ts'
import { TypeMap } from '../../src/service/type-map.ts'
import { hubspotTaskTypes } from '../../adapters/hubspot/task-types.ts'

const write = (map: TypeMap, type: string) => {
  const warnings: AdapterWarning[] = []
  return { stored: map.toCrm(type, (warning) => warnings.push(warning)), warnings: warnings.length }
}

describe('task types', () => {
  const builtIn = new TypeMap({}, undefined, hubspotTaskTypes)
  const configured = new TypeMap({ call: 'TODO', meeting: 'CALL' }, 'EMAIL', hubspotTaskTypes)
  const plain = new TypeMap({}, undefined)

  it.each<[string, TypeMap, string, string, number, string]>([
    // name, map, Enginy type, stored as, warnings, read back as
    ['built in: call', builtIn, 'call', 'CALL', 0, 'call'],
    ['built in: email', builtIn, 'email', 'EMAIL', 0, 'email'],
    ['built in: todo', builtIn, 'todo', 'TODO', 0, 'todo'],
    ['built in: linkedin', builtIn, 'linkedin', 'LINKED_IN', 0, 'linkedin'],
    ['built in: any case', builtIn, 'Call', 'CALL', 0, 'call'],
    ['built in: a type HubSpot does not have', builtIn, 'meeting', 'TODO', 1, 'todo'],
    ['typeMap first', configured, 'call', 'TODO', 0, 'call'],
    ['typeMap first, again', configured, 'meeting', 'CALL', 0, 'meeting'],
    ['then the built-in types', configured, 'email', 'EMAIL', 0, 'email'],
    ['then defaultType, before the fallback', configured, 'lunch', 'EMAIL', 1, 'email'],
    ['nothing configured, no built-in types: as given', plain, 'lunch', 'lunch', 0, 'lunch'],
  ])('%s', (_name, map, type, stored, warnings, read) => {
    expect(write(map, type)).toEqual({ stored, warnings })
    expect(map.fromCrm(stored)).toBe(read)
  })

  it('reads a HubSpot type no Enginy type maps to in lower case', () => {
    expect(builtIn.fromCrm('LINKED_IN_CONNECT')).toBe('linked_in_connect')
  })
})
