import { isUtf8 } from 'node:buffer'
import type { Endpoint, ErrorAnswer, PurgeQuery, PurgeScope } from '../endpoint.js'
import { CARDS_PATH } from './cards.js'

/** 查询会员卡模板信息: one template by its id (docs/wechatpay-protocol.md §0). */
export const CARD_ROUTE = `${CARDS_PATH}/{card_id}`

/** The id a template was created with: string(32), e.g. `pbLatjvWOibDc5-TBnbUk1pD12o0`. */
export const CARD_ID_PATTERN = '^[A-Za-z0-9_-]{1,32}$'

/** A validated GET /cards/{card_id}. */
export interface CardQuery { card_id: string }

// WeChat Pay's word for an id it does not know: 400 INVALID_REQUEST, 会员卡ID无效 (§3.2).
const UNKNOWN_ID_MESSAGE = '会员卡ID无效'
// Every template of the merchant in one group: a purge by appid must drop them, and a template's
// appid is known only once it has been read. `~` is in no appid, so no appid's group is this one.
const TEMPLATES = '~templates'

/**
 * A verified 2xx must be a JSON object whose `card_id` is the id asked for: the wrong template
 * under the right key would be served for a TTL. Nothing else is interpreted.
 */
function checkCardShape (body: Buffer, query: CardQuery): string | undefined {
  if (!isUtf8(body)) return 'the body is not UTF-8'
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return 'the body is not JSON'
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the body is not a JSON object'
  const { card_id: cardId } = parsed as Record<string, unknown>
  if (typeof cardId !== 'string') return 'the body has no string card_id'
  return cardId === query.card_id ? undefined : 'the body is another card template than the one asked for'
}

function purges ({ appid, card_id: cardId }: PurgeQuery): PurgeScope[] {
  const scopes: PurgeScope[] = []
  if (appid !== undefined) scopes.push({ group: TEMPLATES, scope: '' })
  if (cardId !== undefined) scopes.push({ group: TEMPLATES, scope: cardId })
  return scopes
}

/** GET /v3/marketing/membercard-open/cards/{card_id}: one of the merchant's card templates. */
export const CARD_ENDPOINT: Endpoint<CardQuery> = Object.freeze({
  label: 'card',
  route: CARD_ROUTE,
  // The id is checked against CARD_ID_PATTERN before it gets here; encoding it anyway keeps the
  // signed target and the sent one one string whatever a future pattern allows.
  target: (query: CardQuery) => `${CARDS_PATH}/${encodeURIComponent(query.card_id)}`,
  checkShape: checkCardShape,
  cacheKey: (query: CardQuery) => ({ group: TEMPLATES, item: query.card_id, scopes: ['', query.card_id] }),
  purges,
  problemFor: (error: ErrorAnswer) =>
    error.upstreamStatus === 400 && error.code === 'INVALID_REQUEST' && error.wechatMessage?.includes(UNKNOWN_ID_MESSAGE) === true
      ? 'card-not-found'
      : undefined,
  negativeTtlMs: 5_000
})
