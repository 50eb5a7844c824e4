import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MockAttio, COMPANY, PERSON, acme, ana, options, record } from './fake/mock-answers.ts'

/** The exact requests of the record, lookup and association calls (`fake/mock-answers.ts`). */
let mock: MockAttio

beforeEach(async () => {
  mock = await MockAttio.start()
})

afterEach(() => mock.close())

describe('attio requests: records', () => {
  it('exports a contact with an e-mail by asserting on email_addresses, values in Attio’s write forms', async () => {
    mock.expect('PUT', '/v2/objects/people/records?matching_attribute=email_addresses', 200, { data: ana })
    const [result] = await mock.adapter.contacts!.doCreateMany(
      [{ externalId: ' L-1 ', email: ' Ana@ACME.io ', firstName: 'Ana', lastName: 'Ruiz', title: 'Head of Sales', phone: '+34 600 000 000', linkedinUrl: 'https://www.linkedin.com/in/ana ' }],
      options(),
    )
    expect(mock.bodies()).toEqual([
      {
        data: {
          values: {
            email_addresses: ['ana@acme.io'],
            name: [{ first_name: 'Ana', last_name: 'Ruiz', full_name: 'Ana Ruiz' }],
            job_title: 'Head of Sales',
            phone_numbers: [{ original_phone_number: '+34 600 000 000' }],
            linkedin: 'https://www.linkedin.com/in/ana',
            enginy_id: 'L-1',
          },
        },
      },
    ])
    expect(result).toEqual({
      ok: { id: PERSON, createdAt: Date.parse('2026-12-06T10:00:00.123Z'), externalId: 'L-1', email: 'ana@acme.io', firstName: 'Ana', lastName: 'Ruiz', title: 'Head of Sales' },
    })
  })

  it('exports a company without a domain with a plain create', async () => {
    mock.expect('POST', '/v2/objects/companies/records', 200, { data: acme })
    await mock.adapter.companies!.doCreateMany([{ externalId: 'C-1', name: 'Acme', industry: 'Software' }], options())
    expect(mock.bodies()).toEqual([{ data: { values: { name: 'Acme', enginy_id: 'C-1', industry_text: 'Software' } } }])
  })

  it('updates one part of a name by reading the person first: the other part stays', async () => {
    mock.expect('GET', `/v2/objects/people/records/${PERSON}`, 200, { data: ana })
    mock.expect('PATCH', `/v2/objects/people/records/${PERSON}`, 200, { data: ana })
    await mock.adapter.contacts!.doUpdateMany([{ id: PERSON, fields: { firstName: 'Anabel' } }], options())
    expect(mock.bodies()).toEqual([undefined, { data: { values: { name: [{ first_name: 'Anabel', last_name: 'Ruiz', full_name: 'Anabel Ruiz' }] } } }])
  })

  it('answers an update of a record Attio does not hold as missing', async () => {
    mock.expect('PATCH', `/v2/objects/people/records/${PERSON}`, 404, { status_code: 404, type: 'invalid_request_error', code: 'not_found', message: 'Record not found.' })
    expect(await mock.adapter.contacts!.doUpdateMany([{ id: PERSON, fields: { title: 'CEO' } }], options())).toEqual([{ missing: true }])
  })

  it('looks up by e-mail, externalId, LinkedIn URL and name with one query each', async () => {
    const query = '/v2/objects/people/records/query'
    mock.expect('POST', query, 200, { data: [ana] })
    mock.expect('POST', query, 200, { data: [] })
    mock.expect('POST', query, 200, { data: [] })
    mock.expect('POST', '/v2/objects/companies/records/query', 200, { data: [] })
    const found = await mock.adapter.contacts!.doFind('email', ['ana@acme.io', 'bo@acme.io'], options())
    await mock.adapter.contacts!.doFind('externalId', ['L-1', 'L-2'], options())
    await mock.adapter.contacts!.doFind('linkedinUrl', ['linkedin.com/in/ana'], options())
    await mock.adapter.companies!.doFind('name', ['acme', 'acme inc'], options())
    expect(found.map((r) => r.id)).toEqual([PERSON])
    expect(mock.bodies()).toEqual([
      { filter: { $or: [{ email_addresses: { email_address: { $eq: 'ana@acme.io' } } }, { email_addresses: { email_address: { $eq: 'bo@acme.io' } } }] }, limit: 500, offset: 0 },
      { filter: { enginy_id: { value: { $in: ['L-1', 'L-2'] } } }, limit: 500, offset: 0 },
      { filter: { linkedin: { value: { $contains: 'linkedin.com/in/ana' } } }, limit: 500, offset: 0 },
      { filter: { $or: [{ name: { value: { $contains: 'acme' } } }, { name: { value: { $contains: 'acme inc' } } }] }, limit: 500, offset: 0 },
    ])
  })

  it('finds the record of a lost create by its creation time and keys', async () => {
    mock.expect('POST', '/v2/objects/people/records/query', 200, { data: [ana] })
    const createdAfter = Date.parse('2026-12-06T09:59:59Z')
    const found = await mock.adapter.contacts!.createdLookup!.doFind({ input: { externalId: 'L-1', email: 'ana@acme.io', firstName: 'Ana' }, createdAfter }, options())
    expect(found.map((r) => r.id)).toEqual([PERSON])
    expect(mock.bodies()).toEqual([
      {
        filter: {
          $and: [
            { created_at: { $gte: '2026-12-06T09:59:59.000Z' } },
            { enginy_id: { value: { $in: ['L-1'] } } },
            { email_addresses: { email_address: { $eq: 'ana@acme.io' } } },
          ],
        },
        limit: 500,
        offset: 0,
      },
    ])
  })

  it('associates: one query of the people, one of the companies, a PATCH of each person not yet linked', async () => {
    const other = '88888888-8888-4888-8888-888888888888'
    mock.expect('POST', '/v2/objects/people/records/query', 200, { data: [ana, record(other, {})] })
    mock.expect('POST', '/v2/objects/companies/records/query', 200, { data: [acme] })
    mock.expect('PATCH', `/v2/objects/people/records/${other}`, 200, { data: record(other, {}) })
    const results = await mock.adapter.associations!.doAssociate(
      [
        { contactId: PERSON, companyId: COMPANY },
        { contactId: other, companyId: COMPANY },
        { contactId: PERSON, companyId: '00000000-0000-0000-0000-000000000000' },
      ],
      options(),
    )
    expect(results).toEqual([{ ok: 'existed' }, { ok: 'created' }, { missing: true }])
    expect(mock.bodies()).toEqual([
      { filter: { record_id: { $in: [PERSON, other] } }, limit: 500, offset: 0 },
      { filter: { record_id: { $in: [COMPANY, '00000000-0000-0000-0000-000000000000'] } }, limit: 500, offset: 0 },
      { data: { values: { company: [{ target_object: 'companies', target_record_id: COMPANY }] } } },
    ])
  })
})
