import { type SqlDatabase, marks } from './database.ts'
import { type Row, parseObject } from '../../src/kit/utils.ts'
import type { RecordTable } from './record-tables.ts'
import type { ItemResult, Lookup, NativeRecord, RecordPatch, RecordPort } from '../../src/kit/spec.ts'
import { UpstreamRejectedError, UpstreamUnavailableError, done, failed, fillLink, isRandomId, missing, normalize, randomId } from '../../src/kit/utils.ts'

/**
 * Contacts or companies in a table: a column per standard field, extra fields as JSON text, and
 * a column per lookup holding the key normalized as the core's matching rules say, so `doFind`
 * is an indexed equality and the unique indexes see two spellings of one e-mail as one.
 */
export function sqlRecords<F extends object>(db: SqlDatabase, table: RecordTable<F>, maxBatch: number, now: () => number, link?: string): RecordPort<F> {
  const fields = Object.entries(table.columns) as [keyof F & string, string][]
  const keyed = Object.entries(table.keys) as [Lookup, string][]
  const keyColumn = table.keys as Readonly<Record<string, string | undefined>>
  const numbers = new Set<string>(table.numbers)

  const fromRow = (row: Row): NativeRecord<F> => {
    const record: Record<string, unknown> = { id: String(row.id) }
    for (const [field, column] of fields) {
      const value = row[column]
      if (value !== null && value !== undefined) record[field] = numbers.has(field) ? Number(value) : String(value)
    }
    record.extra = parseObject(row.extra) ?? {}
    record.createdAt = Number(row.created_at)
    return record as NativeRecord<F>
  }
  const select = async (column: string, values: readonly string[]) =>
    values.length === 0 ? [] : db.query(`SELECT * FROM ${table.name} WHERE ${column} IN (${marks(values.length)})`, values)

  /** For each input a create skipped, the record it conflicted with, by index. */
  const conflicting = async (lost: readonly { index: number; values: Record<string, unknown> }[]) => {
    const found = new Map<number, NativeRecord<F>>()
    for (const by of table.unique) {
      const pending = lost.flatMap(({ index, values }) => {
        const key = keyOf(by, values[by])
        return found.has(index) || key === null ? [] : [{ index, key }]
      })
      const column = table.keys[by]!
      const rows = await select(column, [...new Set(pending.map(({ key }) => key))])
      const byKey = new Map(rows.map((row) => [String(row[column]), fromRow(row)]))
      for (const { index, key } of pending) {
        const record = byKey.get(key)
        if (record) found.set(index, record)
      }
    }
    return found
  }

  const update = async ({ id, fields: patch }: RecordPatch<F>): Promise<ItemResult<NativeRecord<F>>> => {
    const { extra, ...known } = patch as Record<string, unknown> & { extra?: Record<string, unknown> }
    const sets: string[] = []
    const params: unknown[] = []
    for (const [field, column] of fields) {
      const value = known[field]
      if (value === undefined) continue
      sets.push(`${column} = ?`)
      params.push(value)
      const key = keyColumn[field]
      if (key) {
        sets.push(`${key} = ?`)
        params.push(keyOf(field as Lookup, value))
      }
    }
    sets.push('updated_at = ?')
    params.push(now())
    // Extra fields merge into what is there, in the statement itself: of two updates at once
    // (another gateway process, another request), neither loses the other's fields.
    if (extra && Object.keys(extra).length > 0) {
      sets.push(`extra = ${db.mergeObject('extra')}`)
      params.push(JSON.stringify(extra))
    }
    const [row] = await db.query(`UPDATE ${table.name} SET ${sets.join(', ')} WHERE id = ? RETURNING *`, [...params, id])
    return row ? done(fromRow(row)) : missing
  }

  return {
    capabilities: {
      maxBatchCreate: maxBatch,
      maxBatchUpdate: maxBatch,
      maxBatchFind: maxBatch,
      lookups: keyed.map(([by]) => by),
      keepsExtraFields: true,
    },
    isNativeId: isRandomId,

    async doCreateMany(inputs) {
      if (inputs.length === 0) return []
      const at = now()
      const rows = inputs.map((input) => ({ id: randomId(), values: input as Record<string, unknown> }))
      const columns = ['id', ...fields.map(([, column]) => column), ...keyed.map(([, column]) => column), 'extra', 'created_at', 'updated_at']
      const params = rows.flatMap(({ id, values }) => [
        id,
        ...fields.map(([field]) => values[field] ?? null),
        ...keyed.map(([by]) => keyOf(by, values[by])),
        JSON.stringify(values.extra ?? {}),
        at,
        at,
      ])
      // A row that meets a unique index is skipped, not an error: another gateway process (or an
      // earlier request the core could not see) created that record first, and it is the answer.
      const inserted = await db.query(
        `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES ${rows.map(() => `(${marks(columns.length)})`).join(', ')}
         ON CONFLICT DO NOTHING RETURNING *`,
        params,
      )
      const created = new Map(inserted.map((row) => [String(row.id), fromRow(row)]))
      const existing = await conflicting(rows.flatMap(({ id, values }, index) => (created.has(id) ? [] : [{ index, values }])))
      return rows.map(({ id }, index) => {
        const record = created.get(id) ?? existing.get(index)
        return record
          ? done(record)
          : failed(new UpstreamUnavailableError(`the database refused a new record of ${table.name} and holds none it conflicts with`))
      })
    },

    async doUpdateMany(patches) {
      return Promise.all(
        patches.map((patch) =>
          update(patch).catch((error: unknown) => {
            // A key another record holds, or a value the database cannot hold, fails this record
            // only; a database failure fails the batch.
            if (error instanceof UpstreamRejectedError) return failed(error)
            throw error
          }),
        ),
      )
    },

    async doFind(by, keys) {
      const column = table.keys[by]
      return column ? (await select(column, keys)).map(fromRow) : []
    },

    ...(link && { linkTo: (id: string) => fillLink(link, id) }),
  }
}

function keyOf(by: Lookup, value: unknown): string | null {
  return typeof value === 'string' ? (normalize[by](value) ?? null) : null
}
