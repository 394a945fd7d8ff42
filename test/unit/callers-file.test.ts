import { describe, expect, it } from 'vitest'
import { CallerDirectory, listedCallers } from '../../src/callers/caller-directory.js'
import { parseCallers } from '../../src/callers/callers-file.js'
import { tokenRule } from '../../src/config/caller-tokens.js'

const FRONTEND = 'frontend-token-0123456789abcdef'
const SYNC = 'sync-service-token-abcdef0123456789'

describe('parseCallers', () => {
  it('reads NAME TOKEN [purge] lines, skipping comments and blank lines', () => {
    const parsed = parseCallers(`# the web frontend\n\nfrontend ${FRONTEND}\n  sync-service   ${SYNC}  purge  # nightly sync\r\n`)
    expect(parsed).toEqual({
      ok: true,
      callers: [{ name: 'frontend', token: FRONTEND, purge: false }, { name: 'sync-service', token: SYNC, purge: true }]
    })
  })

  it.each([
    ['Frontend TOKEN-0123456789abcdef', /must match/],
    ['-frontend TOKEN-0123456789abcdef', /must match/],
    [`${'a'.repeat(33)} TOKEN-0123456789abcdef`, /must match/],
    ['frontend', /needs a name and a token/],
    ['frontend TOKEN-0123456789abcdef admin', /only "purge"/],
    ['frontend TOKEN-0123456789abcdef purge extra', /only "purge"/],
    ['anonymous TOKEN-0123456789abcdef', /reserved/],
    ['token-3 TOKEN-0123456789abcdef', /reserved/],
    ['frontend short', /shorter than 16 characters/],
    ['frontend aaaaaaaaaaaaaaaaaaaaaaaa', /fewer than 10 distinct characters/],
    // A token alone on its line, or where the name goes: it looks like a name, and must not be quoted as one.
    ['0123456789abcdef0123456789abcdef', /needs a name and a token/],
    ['0123456789abcdef0123456789abcdef frontend', /shorter than 16 characters/]
  ])('refuses %j, naming the line and never the token', (line, reason) => {
    const parsed = parseCallers(`# callers\nok-caller ${SYNC}\n${line}\n`, tokenRule(true))
    expect(parsed).toMatchObject({ ok: false, line: 3 })
    if (parsed.ok) return
    expect(parsed.reason).toMatch(reason)
    expect(parsed.reason).not.toContain('TOKEN-0123456789abcdef')
    expect(parsed.reason).not.toContain('0123456789abcdef')
  })

  it('takes a name on two lines (a rotation in progress) but not one token for two lines', () => {
    expect(parseCallers(`frontend ${FRONTEND}\nfrontend ${SYNC}\n`)).toMatchObject({ ok: true })
    expect(parseCallers(`frontend ${FRONTEND}\nsync ${FRONTEND}\n`)).toMatchObject({ ok: false, line: 2 })
  })
})

describe('CallerDirectory', () => {
  it('names the variables\' tokens token-1, token-2, … across both lists; API tokens may purge, admin tokens only purge', () => {
    const listed = listedCallers(['api-token-one-0123456789', 'api-token-two-0123456789'], ['admin-token-0123456789'])
    const directory = new CallerDirectory(listed)
    expect(directory.identify('api-token-one-0123456789')).toEqual({ name: 'token-1', api: true, purge: true })
    expect(directory.identify('api-token-two-0123456789')).toEqual({ name: 'token-2', api: true, purge: true })
    expect(directory.identify('admin-token-0123456789')).toEqual({ name: 'token-3', api: false, purge: true })
    expect(directory.identify('api-token-one-012345678X')).toBeUndefined()
    expect(directory.identify(undefined)).toBeUndefined()
  })

  it('replaces the file\'s callers whole: a rotated token works at once, the old one no longer does', () => {
    const fromFile = [{ name: 'frontend', token: FRONTEND, purge: false }]
    const directory = new CallerDirectory(listedCallers(['api-token-one-0123456789'], []), fromFile)
    expect(directory.identify(FRONTEND)).toEqual({ name: 'frontend', api: true, purge: false })
    expect(directory.anyCanPurge).toBe(true)
    directory.replaceFileCallers([{ name: 'frontend', token: SYNC, purge: false }])
    expect(directory.identify(SYNC)?.name).toBe('frontend')
    expect(directory.identify(FRONTEND)).toBeUndefined()
    // The variables' tokens stay whatever the file says.
    expect(directory.identify('api-token-one-0123456789')?.name).toBe('token-1')
  })

  it('knows when nobody may purge', () => {
    expect(new CallerDirectory([], [{ name: 'frontend', token: FRONTEND, purge: false }]).anyCanPurge).toBe(false)
    expect(new CallerDirectory([], [{ name: 'frontend', token: FRONTEND, purge: true }]).anyCanPurge).toBe(true)
  })
})
