import { ConfigError, type ConfigProblem } from '../errors.ts'

/**
 * Gathers what is wrong with a config instead of stopping at the first thing: an operator fixing
 * a file wants every typo named in one go, not one per attempt.
 */
export class Problems {
  private readonly found: ConfigProblem[] = []

  get any(): boolean {
    return this.found.length > 0
  }

  add(key: string, problem: string): void {
    this.found.push({ key, problem })
  }

  /** Runs `step`; a `ConfigError` it throws is kept and `undefined` returned, anything else is thrown. */
  attempt<T>(step: () => T): T | undefined {
    try {
      return step()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.found.push(...error.problems)
      return undefined
    }
  }

  /** As `attempt`, for a step that awaits. */
  async attemptAsync<T>(step: () => Promise<T>): Promise<T | undefined> {
    try {
      return await step()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.found.push(...error.problems)
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
