import { randomBytes } from 'node:crypto'

/**
 * A fresh appid: every test that wants a real upstream call asks for a page no earlier test
 * cached, so tests stay independent of their order and of the cache.
 */
export function uniqueAppid (): string {
  return `wx${randomBytes(8).toString('hex')}`
}
