import { describe, expect, it } from 'vitest'
import { loggerOptions, withTransportStarted } from '../../src/logger.js'

const found = (): string => '/x/node_modules/pino-pretty/index.js'
const missing = (): undefined => undefined

describe('loggerOptions', () => {
  it.each(['development', 'test'])('pretty-prints for a developer at a terminal (NODE_ENV=%s)', (nodeEnv) => {
    const options = loggerOptions('info', { nodeEnv, isTTY: true, resolvePretty: found })
    expect(options).toMatchObject({ level: 'info', transport: { target: '/x/node_modules/pino-pretty/index.js' } })
    // Redaction stays in the main thread, ahead of the transport.
    expect(options.redact.paths).toContain('req.headers.authorization')
  })

  it.each([
    ['production', true],
    ['staging', true],
    [undefined, true],
    ['development', false]
  ])('writes JSON lines for NODE_ENV=%s, stdout a TTY: %s', (nodeEnv, isTTY) => {
    const options = loggerOptions('info', { nodeEnv, isTTY, resolvePretty: found })
    expect(options).not.toHaveProperty('transport')
  })

  it('falls back to JSON when pino-pretty is not installed (the production image)', () => {
    expect(loggerOptions('info', { nodeEnv: 'development', isTTY: true, resolvePretty: missing })).not.toHaveProperty('transport')
  })

  it('starts no transport when nothing is logged', () => {
    expect(loggerOptions('silent', { nodeEnv: 'development', isTTY: true, resolvePretty: found })).not.toHaveProperty('transport')
  })

  it('writes JSON to an injected stream (tests), never through a transport', () => {
    const stream = { write: (): void => {} }
    const options = loggerOptions('debug', { nodeEnv: 'development', isTTY: true, resolvePretty: found, stream })
    expect(options).toMatchObject({ level: 'debug', stream })
    expect(options).not.toHaveProperty('transport')
  })

  it('finds the installed pino-pretty by itself', () => {
    const options = loggerOptions('info', { nodeEnv: 'development', isTTY: true })
    expect(options).toMatchObject({ transport: { target: expect.stringMatching(/pino-pretty/) } })
  })

  it('hands Fastify a started transport as a stream, and leaves options without one as they are', async () => {
    const plain = loggerOptions('info', { nodeEnv: 'production', isTTY: false })
    expect(withTransportStarted(plain)).toBe(plain)
    const pretty = withTransportStarted(loggerOptions('info', { nodeEnv: 'development', isTTY: true }))
    expect(pretty).not.toHaveProperty('transport')
    type Worker = { write: (line: string) => void, end: () => void, once: (event: string, done: () => void) => void }
    const stream = pretty.stream as unknown as Worker
    expect(typeof stream.write).toBe('function')
    await new Promise<void>((resolve) => { stream.once('close', resolve); stream.end() })
  })
})
