import type { Endpoint, ErrorAnswer, PurgeQuery, PurgeScope } from '../endpoint.js'
import { CARDS_PATH } from './cards.js'
import { parseJsonObject } from './json-object.js'

/** 查询会员卡模板信息: one template by its id (docs/wechatpay-protocol.md §0). */
export const CARD_ROUTE = `${CARDS_PATH}/{card_id}`

export const CARD_ID_PATTERN = '^[A-Za-z0-9_-]{1,32}$'

export interface CardQuery { card_id: string }

// WeChat Pay's word for an id it does not know: 400 INVALID_REQUEST, 会员卡ID无效 (§3.2).
const UNKNOWN_ID_MESSAGE = '会员卡ID无效'
// One group: a template's appid is known only once read. `~` is in no appid.
const TEMPLATES = '~templates'

/** The wrong template under the right key would be served for a TTL. */
function checkCardShape (body: Buffer, query: CardQuery): string | undefined {
  const card = parseJsonObject(body)
  if (typeof card === 'string') return card
  if (typeof card.card_id !== 'string') return 'the body has no string card_id'
  return card.card_id === query.card_id ? undefined : 'the body is another card template than the one asked for'
}

function purges ({ appid, card_id: cardId }: PurgeQuery): PurgeScope[] {
  const scopes: PurgeScope[] = []
  if (appid !== undefined) scopes.push({ group: TEMPLATES, scope: '' })
  if (cardId !== undefined) scopes.push({ group: TEMPLATES, scope: cardId })
  return scopes
}

export const CARD_ENDPOINT: Endpoint<CardQuery> = Object.freeze({
  label: 'card',
  route: CARD_ROUTE,
  // Encoded anyway, so the signed and sent targets stay one string whatever a future pattern allows.
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
