import { describe, expect, it } from 'vitest'
import type { Lookup } from '../../src/kit/spec.ts'
import { chooseMatch, normalize } from '../../src/service/matching.ts'

describe('matching records', () => {
  it.each<[Lookup, string, string | undefined]>([
    ['email', 'ana@acme.io', 'ana@acme.io'],
    ['email', 'Ana@Acme.IO', 'ana@acme.io'],
    ['email', '  ana@acme.io\t', 'ana@acme.io'],
    ['email', ' ANA@ACME.IO ', 'ana@acme.io'],
    ['email', '   ', undefined],
    ['linkedinUrl', 'https://www.linkedin.com/in/ana-ruiz', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', 'http://linkedin.com/in/ana-ruiz/', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', 'linkedin.com/in/ana-ruiz', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', 'www.linkedin.com/in/ana-ruiz//', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', 'https://www.linkedin.com/in/Ana-Ruiz/?utm_source=x', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', 'https://es.linkedin.com/in/ana-ruiz#about', 'linkedin.com/in/ana-ruiz'],
    ['linkedinUrl', '  HTTPS://LINKEDIN.COM/company/acme/  ', 'linkedin.com/company/acme'],
    ['linkedinUrl', 'https://', undefined],
    ['domain', 'acme.com', 'acme.com'],
    ['domain', 'https://www.Acme.com/about', 'acme.com'],
    ['domain', 'http://acme.com', 'acme.com'],
    ['domain', 'www.acme.com', 'acme.com'],
    ['domain', 'ACME.COM', 'acme.com'],
    ['domain', 'acme.com:8080', 'acme.com'],
    ['domain', 'https://acme.com:443/path?q=1#x', 'acme.com'],
    ['domain', 'acme.com.', 'acme.com'],
    ['domain', ' acme.com/ ', 'acme.com'],
    ['domain', 'shop.acme.com', 'shop.acme.com'],
    ['domain', 'https://user@www.acme.com', 'acme.com'],
    ['domain', 'www.', undefined],
    ['name', 'Acme', 'acme'],
    ['name', '  Acme   Inc ', 'acme inc'],
    ['name', 'ACME INC', 'acme inc'],
    ['name', '', undefined],
  ])('%s %j is %j', (by, value, key) => {
    expect(normalize[by](value)).toBe(key)
  })

  it('chooses the oldest of several matches, then the smallest id, numerically where ids are numbers', () => {
    expect(chooseMatch([{ id: 'b', createdAt: 2 }, { id: 'a', createdAt: 3 }, { id: 'c', createdAt: 1 }])?.id).toBe('c')
    expect(chooseMatch([{ id: '100' }, { id: '99' }, { id: '101' }])?.id).toBe('99')
    expect(chooseMatch([{ id: 'zz' }, { id: 'ab' }])?.id).toBe('ab')
    expect(chooseMatch([{ id: '5' }, { id: '4', createdAt: 10 }])?.id).toBe('4')
    expect(chooseMatch([])).toBeUndefined()
  })
})
