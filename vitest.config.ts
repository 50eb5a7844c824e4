import { defineConfig } from 'vitest/config'
import SummaryLineReporter from './test/support/summary-reporter.ts'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'adapters/**/*.test.ts'],
    // Timing-sensitive load tests run afterwards, alone: vitest.load.config.ts.
    exclude: ['test/load/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file runs in a process of its own; fake CRMs listen on their own loopback ports.
    pool: 'forks',
    reporters: ['default', new SummaryLineReporter()],
  },
})
