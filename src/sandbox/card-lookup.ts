import { errorAnswer, type Answer } from './answer-writer.js'
import { setNewest } from '../bounded-map.js'

// Templates remembered at once; the oldest go first. A sandbox lists 23 per appid.
const MAX_KNOWN = 10_000

/**
 * The templates the simulator has listed (for any appid) or been given, by card_id: what
 * 查询会员卡模板信息 finds. WeChat Pay knows a merchant's templates whatever was listed before;
 * the simulator's demo ids are digests of the appid, so it learns them as it lists them.
 */
export class KnownCards {
  readonly #cards = new Map<string, unknown>()

  add (cards: readonly unknown[]): void {
    for (const card of cards) {
      const id = (card as { card_id?: unknown }).card_id
      if (typeof id !== 'string') continue
      setNewest(this.#cards, id, card, MAX_KNOWN)
    }
  }

  get (cardId: string): unknown {
    return this.#cards.get(cardId)
  }

  clear (): void {
    this.#cards.clear()
  }
}

/** The template as WeChat Pay answers it, or its answer for an id it does not know (400 INVALID_REQUEST, 会员卡ID无效). */
export function cardAnswer (card: unknown): Answer {
  if (card === undefined) return errorAnswer(400, 'INVALID_REQUEST', '会员卡ID无效', undefined, true)
  return { status: 200, body: Buffer.from(JSON.stringify(card), 'utf8'), contentType: 'application/json; charset=utf-8', signed: true }
}
