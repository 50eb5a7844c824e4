/**
 * The keys that appear twice in one object of a JSON text, with their path. `JSON.parse` keeps
 * the last of them without a word, and so do most log viewers: a line that says
 * `"connection":"a","connection":"b"` reads as whichever one the tool picked.
 */
export function duplicateKeys(json: string): string[] {
  const duplicates: string[] = []
  // One entry per open object (its keys seen, whether a key comes next) or array (no keys); `path`
  // is what its children's names are prefixed with.
  const open: { keys?: Set<string>; keyNext: boolean; path: string }[] = []
  let last = ''
  for (let i = 0; i < json.length; i++) {
    const char = json[i]!
    const top = open.at(-1)
    if (char === '"') {
      let end = i + 1
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1
      const text = JSON.parse(json.slice(i, end + 1)) as string
      if (top?.keys && top.keyNext) {
        if (top.keys.has(text)) duplicates.push(`${top.path}${text}`)
        top.keys.add(text)
        top.keyNext = false
        last = text
      }
      i = end
    } else if (char === '{' || char === '[') {
      const path = top === undefined ? '' : top.keys ? `${top.path}${last}` : top.path.slice(0, -1)
      open.push(char === '{' ? { keys: new Set(), keyNext: true, path: path && `${path}.` } : { keyNext: false, path: `${path}[].` })
    } else if (char === '}' || char === ']') {
      open.pop()
    } else if (char === ',' && top?.keys) {
      top.keyNext = true
    }
  }
  return duplicates
}
