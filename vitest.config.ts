import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Integration files share one Redis; files run in parallel workers, so each test namespaces its keys.
    pool: 'forks'
  }
})
