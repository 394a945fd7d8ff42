import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { WalkSlots } from '../../src/cards/walk-slots.js'

/** A response that is open until `close()`: all WalkSlots looks at. */
type TestResponse = ServerResponse & { close: () => void }
function response (closed = false): TestResponse {
  const emitter = Object.assign(new EventEmitter(), { closed })
  return Object.assign(emitter, { close: () => { emitter.closed = true; emitter.emit('close') } }) as unknown as TestResponse
}

const refusal = (run: () => unknown): string | undefined => {
  try {
    run()
    return undefined
  } catch (err) {
    return (err as { problem?: string }).problem
  }
}

describe('WalkSlots', () => {
  it('refuses a caller\'s walk past its own limit first, then any walk past the replica\'s', () => {
    const slots = new WalkSlots(3, 2)
    slots.admit('a', response())
    slots.admit('a', response())
    slots.admit('b', response())
    // The replica is full too, but the caller's own limit is what it can act on.
    expect(refusal(() => slots.admit('a', response()))).toBe('too-many-walks')
    expect(refusal(() => slots.admit('c', response()))).toBe('walks-busy')
  })

  it('counts a walk until both it and its response are over, in either order, and only once', () => {
    const slots = new WalkSlots(1, 1)
    const answered = response()
    const walkOver = slots.admit('a', answered)
    walkOver()
    expect(refusal(() => slots.admit('b', response()))).toBe('walks-busy')
    answered.close()
    answered.emit('close')

    const gone = response()
    const next = slots.admit('b', gone)
    gone.close()
    // The caller went away; the walk itself still runs.
    expect(refusal(() => slots.admit('c', response()))).toBe('walks-busy')
    next()
    expect(refusal(() => slots.admit('c', response()))).toBeUndefined()
  })

  it('counts a walk whose response was already closed until the walk is over', () => {
    const slots = new WalkSlots(1, 1)
    const walkOver = slots.admit('a', response(true))
    expect(refusal(() => slots.admit('b', response()))).toBe('walks-busy')
    walkOver()
    expect(refusal(() => slots.admit('a', response()))).toBeUndefined()
  })
})
