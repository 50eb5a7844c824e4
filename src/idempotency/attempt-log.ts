import type { CallOptions, WriteLog } from '../kit/spec.ts'

/** The writes of one create attempt: in doubt while one of them may have taken effect. */
export class AttemptLog implements WriteLog {
  private open = 0

  sending(): { refused(): void } {
    this.open++
    let settled = false
    return {
      refused: () => {
        if (settled) return
        settled = true
        this.open--
      },
    }
  }

  get inDoubt(): boolean {
    return this.open > 0
  }
}

/** `options`, with `writes` told of every write made under them. The signal is read when used,
 * as `RequestCallOptions` makes it on first use. */
export function withWrites(options: CallOptions, writes: WriteLog): CallOptions {
  return {
    get signal() {
      return options.signal
    },
    deadline: options.deadline,
    warn: options.warn,
    writes,
    trace: options.trace,
  }
}
