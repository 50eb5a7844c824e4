import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own
 * summary, so CI logs can be read by tools that do not know vitest's format. Before it, each test
 * that skipped itself for a reason (`context.skip(note)`: a browser missing) says why, where a
 * newcomer sees it, rather than in a count.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
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
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
    }
    const why = notes.map((note) => `\n${note}`).join('')
    process.stdout.write(`\n${why}${why && '\n'}tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
