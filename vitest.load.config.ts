import { defineConfig } from 'vitest/config'
import SummaryLineReporter from './test/support/summary-reporter.ts'

/**
 * The timing-sensitive load tests (rate limits against fakes that count rolling windows, three
 * replicas sharing Redis): run after the main suite, one file at a time, so the jitter other
 * tests cause on two cores does not decide them.
 */
export default defineConfig({
  test: {
    include: ['test/load/**/*.load.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', new SummaryLineReporter()],
  },
})
