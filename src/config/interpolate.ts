import type { Problems } from './problems.ts'

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces `${NAME}` and `${NAME:-fallback}` in every string of a parsed config with the
 * environment's value, so no secret has to sit in the file. Interpolating after parsing keeps a
 * value with YAML syntax in it (a token with `:` or `#`) from changing the file's structure.
 * Every unset variable is named in `problems`, not only the first, and stays in the value as a
 * placeholder, so that the rest of the config is still checked.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: Problems): unknown {
  return walk(value, env, path, problems)
}

function walk(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: Problems): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
      const found = env[name]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      problems.unset(path, name)
      return whole
    })
  }
  if (Array.isArray(value)) return value.map((item, i) => walk(item, env, `${path}[${i}]`, problems))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, walk(item, env, path ? `${path}.${key}` : key, problems)]),
    )
  }
  return value
}
