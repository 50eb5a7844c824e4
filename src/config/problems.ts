import { ConfigError, type ConfigProblem } from '../errors.ts'

/**
 * Gathers what is wrong with a config instead of stopping at the first thing: an operator fixing
 * a file wants every typo named in one go, not one per attempt. A key whose environment variable
 * is unset is checked on with a placeholder, so the rest of its entry is checked too; what the
 * placeholder itself fails (a URL that is not one, a key too short) is left out, since the unset
 * variable already says it.
 */
export class Problems {
  private readonly found: ConfigProblem[] = []
  private readonly placeholders: string[] = []

  get any(): boolean {
    return this.found.length > 0
  }

  add(key: string, problem: string): void {
    this.keep([{ key, problem }])
  }

  /** `key` holds a placeholder for the unset variable `name`. */
  unset(key: string, name: string): void {
    this.found.push({ key, problem: `environment variable ${name} is not set` })
    this.placeholders.push(key)
  }

  private keep(problems: readonly ConfigProblem[]): void {
    for (const problem of problems) {
      const covered = this.placeholders.some(
        (at) => problem.key === at || problem.key.startsWith(`${at}.`) || problem.key.startsWith(`${at}[`),
      )
      if (!covered) this.found.push(problem)
    }
  }

  /** Runs `step`; a `ConfigError` it throws is kept and `undefined` returned, anything else is thrown. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.keep(error.problems)
      return undefined
    }
  }

  /** As `attempt`, for a step that awaits. */
  async attemptAsync<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.keep(error.problems)
      return undefined
    }
  }

  /** Every problem found, as one `ConfigError`. */
  error(): ConfigError {
    return new ConfigError([...this.found])
  }

  throwIfAny(): void {
    if (this.any) throw this.error()
  }
}

/** A problem as a JSON log line holds it: a YAML error's excerpt (its line and caret) as lines of their own. */
export interface LoggedProblem {
  readonly key: string
  readonly problem: string
  readonly excerpt?: readonly string[]
}

/**
 * `error` for a JSON log line: each problem's first line as `problem`, the rest as `excerpt`, and
 * the message made of first lines only. A caret under a column means nothing once its line break
 * is written as `\n`.
 */
export function forLog(error: ConfigError): { message: string; problems: LoggedProblem[] } {
  const problems = error.problems.map(({ key, problem }) => {
    const [first, ...excerpt] = problem.split('\n')
    return excerpt.length === 0 ? { key, problem } : { key, problem: first!, excerpt }
  })
  return { message: new ConfigError(problems).message, problems }
}
