import { configDefaults, defineConfig } from 'vitest/config'

/** Tests with timing bounds that need the machine to themselves: they run after all the others. */
const ALONE = ['test/integration/fleet-rolling-restart.test.ts']

export default defineConfig({
  test: {
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Integration files share one Redis; files run in parallel workers, so each test namespaces its keys.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ALONE], sequence: { groupOrder: 0 } }
      },
      { extends: true, test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } } }
    ]
  }
})
