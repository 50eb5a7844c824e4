import { type SqlDatabase, marks } from './database.ts'
import type { Tables } from './migrations.ts'
import type { ReferencePort } from '../../src/kit/spec.ts'

/** Which referenced contacts and companies the tables do not hold, in one query; owners where the
 * connection lists its users. */
export function sqlReferences(db: SqlDatabase, tables: Tables, users: readonly { readonly id: string }[] | undefined): ReferencePort {
  const owners = users && new Set(users.map((user) => user.id))
  return {
    async doFindMissing({ contacts = [], companies = [], owners: named = [] }) {
      const asked = [
        { kind: 'contacts', table: tables.contacts, ids: contacts },
        { kind: 'companies', table: tables.companies, ids: companies },
      ].filter(({ ids }) => ids.length > 0)
      const rows =
        asked.length === 0
          ? []
          : await db.query(
              asked.map(({ kind, table, ids }) => `SELECT '${kind}' AS kind, id FROM ${table} WHERE id IN (${marks(ids.length)})`).join(' UNION ALL '),
              asked.flatMap(({ ids }) => ids),
            )
      const found = new Set(rows.map((row) => `${String(row.kind)}\u0000${String(row.id)}`))
      return {
        contacts: contacts.filter((id) => !found.has(`contacts\u0000${id}`)),
        companies: companies.filter((id) => !found.has(`companies\u0000${id}`)),
        owners: owners ? named.filter((id) => !owners.has(id)) : [],
      }
    },
  }
}
