import { type SqlDatabase, marks } from './database.ts'
import type { Tables } from './migrations.ts'
import type { AssociationPort } from '../../src/kit/spec.ts'
import { done, missing } from '../../src/kit/utils.ts'

/** Contact-to-company links, one row per pair; a contact may have several companies. */
export function sqlAssociations(db: SqlDatabase, tables: Tables, maxBatch: number, now: () => number): AssociationPort {
  const existing = async (table: string, ids: readonly string[]) => {
    const unique = [...new Set(ids)]
    const rows = await db.query(`SELECT id FROM ${table} WHERE id IN (${marks(unique.length)})`, unique)
    return new Set(rows.map((row) => String(row.id)))
  }
  const pairKey = (contactId: string, companyId: string) => `${contactId}\u0000${companyId}`

  return {
    capabilities: { maxBatch },

    async doAssociate(pairs) {
      if (pairs.length === 0) return []
      const [contacts, companies] = await Promise.all([
        existing(tables.contacts, pairs.map((pair) => pair.contactId)),
        existing(tables.companies, pairs.map((pair) => pair.companyId)),
      ])
      // Records are never deleted, so a pair whose two records exist now still has them at the insert.
      const linkable = pairs.filter((pair) => contacts.has(pair.contactId) && companies.has(pair.companyId))
      const at = now()
      const inserted =
        linkable.length === 0
          ? []
          : await db.query(
              `INSERT INTO ${tables.associations} (contact_id, company_id, created_at) VALUES ${linkable.map(() => '(?, ?, ?)').join(', ')}
               ON CONFLICT DO NOTHING RETURNING contact_id, company_id`,
              linkable.flatMap((pair) => [pair.contactId, pair.companyId, at]),
            )
      const created = new Set(inserted.map((row) => pairKey(String(row.contact_id), String(row.company_id))))
      return pairs.map(({ contactId, companyId }) => {
        if (!contacts.has(contactId) || !companies.has(companyId)) return missing
        // A pair named twice in one batch is created once: the second is the one that existed.
        return created.delete(pairKey(contactId, companyId)) ? done('created' as const) : done('existed' as const)
      })
    },
  }
}
