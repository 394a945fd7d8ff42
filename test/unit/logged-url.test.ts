import { describe, expect, it } from 'vitest'
import { loggedUrl } from '../../src/http/logged-url.js'

describe('the URL an access line shows', () => {
  it.each([
    ['/cards?appid=wx1&offset=0&limit=2', '/cards?appid=wx1&offset=0&limit=2'],
    ['/cards?appid=wx1&access_token=s3cret&offset=0', '/cards?appid=wx1&offset=0'],
    ['/cards?token=s3cret', '/cards'],
    ['/cards?brand_id=1001&limit=2&x=1&', '/cards?brand_id=1001&limit=2'],
    ['/healthz', '/healthz'],
    ['/cards?appid', '/cards?appid'],
    // A name spelt differently is not a known one.
    ['/cards?app%69d=s3cret&APPID=s3cret', '/cards']
  ])('%s → %s', (url, logged) => {
    expect(loggedUrl(url)).toBe(logged)
  })
})
