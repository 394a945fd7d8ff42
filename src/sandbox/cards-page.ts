/**
 * The body of one page of 查询会员卡模板列表 as WeChat Pay sends it (docs/wechatpay-protocol.md §0), byte for
 * byte what the simulator answers; the benchmark builds the pages it primes Redis with from it too.
 */
export interface CardsPage {
  data: readonly unknown[]
  totalCount: number
  offset: number
  limit: number
}

export function cardsPageBody ({ data, totalCount, offset, limit }: CardsPage): Buffer {
  return Buffer.from(JSON.stringify({ data, need_dynamic_code: false, total_count: totalCount, offset, limit }), 'utf8')
}
