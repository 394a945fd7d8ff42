declare const PREPAID: unique symbol

/**
 * A turn of the merchant's upstream budget already taken, atomically with a page's fill lock, by
 * the lock's script (src/redis/fleet-lock.ts): the fill's first attempt spends it instead of asking
 * the budget again. Only that script's answer makes one (a test holds every call of `prepaidTurn`
 * to src/redis/), so nothing can claim a turn it did not take.
 */
export interface PrepaidTurn { readonly [PREPAID]: true }

export function prepaidTurn (): PrepaidTurn {
  return Object.freeze({}) as PrepaidTurn
}
