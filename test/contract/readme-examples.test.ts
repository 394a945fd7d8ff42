import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config/config.js'
import { TEST_ENV } from '../helpers/app.js'

// The README's tour shows answers as comments under each curl: they must be what the service sends.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The JSON commented under the curl of `query`, its `# ` prefixes removed. */
function shownAnswer (query: string): unknown {
  const lines = README.split('\n')
  const at = lines.findIndex((line) => line.startsWith('curl ') && line.includes(query))
  expect(at).toBeGreaterThan(-1)
  const comment = []
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith('# ')) break
    comment.push(line.slice(2).trim())
  }
  return JSON.parse(comment.join(''))
}

let app: FastifyInstance
beforeAll(async () => { app = await buildApp(loadConfig({ ...TEST_ENV, LOG_LEVEL: 'silent' })) })
afterAll(async () => { await app?.close() })

describe('README.md\'s bad-input example', () => {
  it('shows the problem the service sends for it, but for the request id', async () => {
    const query = '/cards?appid=wx-1&offset=-1&limit=50'
    const res = await app.inject({ url: query })
    const sent = res.json<{ instance: string }>()
    expect(res.statusCode).toBe(400)
    expect({ ...sent, instance: 'urn:request:<X-Request-Id>' }).toEqual(shownAnswer(query))
  })
})
