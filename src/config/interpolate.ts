import { Problems } from './problems.ts'

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces `${NAME}` and `${NAME:-fallback}` in every string of a parsed config with the
 * environment's value, so no secret has to sit in the file. Interpolating after parsing keeps a
 * value with YAML syntax in it (a token with `:` or `#`) from changing the file's structure.
 * Every unset variable is named, not only the first.
 */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  const problems = new Problems()
  const result = walk(value, env, path, problems)
  problems.throwIfAny()
  return result
}

function walk(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: Problems): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
      const found = env[name]
      if (found !== undefined && found !== '') return found
      if (fallback !== undefined) return fallback
      problems.add(path, `environment variable ${name} is not set`)
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
