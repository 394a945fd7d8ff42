import type { Endpoint } from '../endpoint.js'
import { CARD_ENDPOINT } from './card.js'
import { CARDS_ENDPOINT } from './cards.js'

/**
 * Every endpoint the service caches and serves: the cache keeps one store of answers per entry,
 * and a purge asks each what it drops. A new endpoint is a module beside this one, a line here, and
 * its route.
 */
export const ENDPOINTS: ReadonlyArray<Endpoint<any>> = [CARDS_ENDPOINT, CARD_ENDPOINT]
