import type { Reporter, SerializedError, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own
 * summary, so CI logs can be read by tools that do not know vitest's format. Before it, each test
 * that skipped itself for a reason (`context.skip(note)`: a browser missing) says why, where a
 * newcomer sees it, rather than in a count.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    const notes: string[] = []
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result()
        if (result.state === 'passed') passed++
        else if (result.state === 'failed') failed++
        else skipped++
        if (result.state === 'skipped' && result.note) notes.push(`skipped: ${module.relativeModuleId} > ${test.fullName}: ${result.note}`)
      }
      // A file that failed outside its tests (a hook, an import) with none of them failed counts once.
      if (module.state() === 'failed' && ![...module.children.allTests()].some((test) => test.result().state === 'failed')) failed++
    }
    const why = notes.map((note) => `\n${note}`).join('')
    // An error outside any test (a helper's missing binary) fails the run, and is counted too.
    const errors = unhandledErrors.length > 0 ? `, ${unhandledErrors.length} errors outside tests` : ''
    process.stdout.write(`\n${why}${why && '\n'}tests: ${passed} passed, ${failed} failed, ${skipped} skipped${errors}\n`)
  }
}
