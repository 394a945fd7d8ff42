/**
 * Query rules of GET /v3/marketing/membercard-open/cards, as the endpoint page states them
 * (docs/wechatpay-protocol.md §0, from the endpoint page's 请求参数): appid 必填 string(32), offset 必填 int
 * (a page index from 0), limit 必填 int (max 20), brand_id 选填 string(16). docs/wechatpay-protocol.md §0 notes the
 * docs disagree on appid; like the newer pages, the simulator requires it.
 */
export interface CardsQuery {
  appid: string
  offset: number
  limit: number
  brandId?: string
}

export interface QueryProblem {
  message: string
  detail: { field: string, value: string, issue: string, location: 'query' }
}

const APPID = /^[A-Za-z0-9_]{1,32}$/
const INTEGER = /^\d{1,9}$/
const MAX_LIMIT = 20
const MAX_BRAND_ID = 16

function problem (field: string, value: string | undefined, issue: string, message = '参数错误'): { problem: QueryProblem } {
  return { problem: { message, detail: { field, value: value ?? '', issue, location: 'query' } } }
}

/** The single value of `name`; a repeated parameter is ambiguous, so it is reported, not guessed. */
function single (params: URLSearchParams, name: string): { value?: string, repeated: boolean } {
  const all = params.getAll(name)
  return { value: all[0], repeated: all.length > 1 }
}

/**
 * Validates the raw query string (the part after '?'). URLSearchParams never throws, even on bad
 * percent-encoding, so a hostile query can only produce a PARAM_ERROR.
 */
export function parseCardsQuery (search: string): { query: CardsQuery } | { problem: QueryProblem } {
  const params = new URLSearchParams(search)

  const appid = single(params, 'appid')
  if (appid.repeated) return problem('appid', appid.value, 'appid must be given once', 'AppID有误')
  if (appid.value === undefined || !APPID.test(appid.value)) {
    return problem('appid', appid.value, 'appid is required: 1-32 letters, digits or _', 'AppID有误')
  }

  const offset = single(params, 'offset')
  if (offset.repeated || offset.value === undefined || !INTEGER.test(offset.value)) {
    return problem('offset', offset.value, 'offset is required: an integer page index >= 0')
  }

  const limit = single(params, 'limit')
  const limitNumber = Number(limit.value)
  if (limit.repeated || limit.value === undefined || !INTEGER.test(limit.value) || limitNumber < 1 || limitNumber > MAX_LIMIT) {
    return problem('limit', limit.value, `limit is required: an integer from 1 to ${MAX_LIMIT}`)
  }

  const brand = single(params, 'brand_id')
  if (brand.repeated || (brand.value !== undefined && (brand.value === '' || brand.value.length > MAX_BRAND_ID))) {
    return problem('brand_id', brand.value, `brand_id must be 1-${MAX_BRAND_ID} characters`)
  }

  const query: CardsQuery = { appid: appid.value, offset: Number(offset.value), limit: limitNumber }
  if (brand.value !== undefined) query.brandId = brand.value
  return { query }
}
