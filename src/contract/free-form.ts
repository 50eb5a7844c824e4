/**
 * The bounds of free-form values: the fields of a contact or company beyond its known ones, and
 * an activity's `metadata`. They are stored and answered back as they came, so a value must be
 * one every later answer can carry: `JSON.stringify` (the sql adapter, the serializer) recurses,
 * and a value nested 100,000 levels, which `JSON.parse` reads without trouble, makes it overflow
 * its stack. The walk below is a loop over a list, never a recursion, so no value can make it
 * overflow either.
 */
export const FREE_FORM = {
  /** Objects and arrays inside one field: `{"a": {"b": 1}}` nests 2 levels. */
  depth: 32,
  /** Characters of one text. */
  text: 65_536,
  /** Keys of one object: a record's own fields included. */
  keys: 1000,
  /** Characters of one key. */
  key: 256,
  /** Items of one array. */
  items: 1000,
} as const

/** The bounds in words, for the schemas' descriptions. */
export const FREE_FORM_RULE = `any JSON value, nested at most ${FREE_FORM.depth} levels, with texts of at most ${FREE_FORM.text} characters, objects of at most ${FREE_FORM.keys} keys (of at most ${FREE_FORM.key} characters) and arrays of at most ${FREE_FORM.items} items`

/** What is wrong with a free-form object's fields, and where (a JSON pointer from it). */
export interface FreeFormProblem {
  readonly path: string
  readonly message: string
}

/**
 * The first bound the fields of `object` not in `known` break, naming the field; `undefined`
 * when there is none. The object's own key count includes its known fields.
 */
export function freeFormProblem(object: Record<string, unknown>, known: ReadonlySet<string>): FreeFormProblem | undefined {
  const keys = Object.keys(object)
  if (keys.length > FREE_FORM.keys) return { path: '', message: `must NOT have more than ${FREE_FORM.keys} fields` }
  for (const key of keys) {
    if (known.has(key)) continue
    if (key.length > FREE_FORM.key) return { path: '', message: `must NOT have a field name longer than ${FREE_FORM.key} characters` }
    const message = valueProblem(object[key])
    if (message) return { path: `/${pointer(key)}`, message }
  }
  return undefined
}

function valueProblem(value: unknown): string | undefined {
  const pending: [unknown, number][] = [[value, 1]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next
    if (typeof item === 'string') {
      if (item.length > FREE_FORM.text) return `must hold no text longer than ${FREE_FORM.text} characters`
      continue
    }
    if (typeof item !== 'object' || item === null) continue
    if (depth > FREE_FORM.depth) return `must nest at most ${FREE_FORM.depth} levels`
    if (Array.isArray(item)) {
      if (item.length > FREE_FORM.items) return `must hold no array of more than ${FREE_FORM.items} items`
      for (const inner of item) pending.push([inner, depth + 1])
      continue
    }
    const keys = Object.keys(item)
    if (keys.length > FREE_FORM.keys) return `must hold no object of more than ${FREE_FORM.keys} keys`
    for (const key of keys) {
      if (key.length > FREE_FORM.key) return `must hold no key longer than ${FREE_FORM.key} characters`
      pending.push([(item as Record<string, unknown>)[key], depth + 1])
    }
  }
  return undefined
}

/** A key as one segment of a JSON pointer, as Ajv writes the paths of its own messages. */
function pointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}
