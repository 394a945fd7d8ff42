/**
 * Writes the files generated from the code's own tables: docs/configuration.md and .env.example
 * (from src/config/variables/) and docs/problems.md (from src/problems/). They are committed so
 * readers find them in the repository; test/contract/docs-drift.test.ts fails when one is stale.
 * Usage: npm run docs
 */
import { writeFileSync } from 'node:fs'
import { GENERATED_DOCS } from './docs/generated.js'

for (const [path, render] of Object.entries(GENERATED_DOCS)) {
  const target = new URL(`../${path}`, import.meta.url)
  writeFileSync(target, render())
  process.stdout.write(`wrote ${path}\n`)
}
