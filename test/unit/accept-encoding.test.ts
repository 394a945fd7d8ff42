import { describe, expect, it } from 'vitest'
import { acceptsGzip } from '../../src/http/accept-encoding.js'

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br, zstd', true],
    ['deflate, gzip', true],
    ['GZIP', true],
    ['gzip;q=0.5', true],
    ['*', true],
    ['br;q=1, *;q=0.1', true],
    [undefined, false],
    ['', false],
    ['identity', false],
    ['br', false],
    ['gzip;q=0', false],
    ['*, gzip;q=0', false],
    ['*;q=0', false],
    ['gzip;q=x', false]
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected)
  })
})
