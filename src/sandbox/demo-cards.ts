import { createHash } from 'node:crypto'

/**
 * Deterministic demo member-card templates shaped like the example on the endpoint page
 * (docs/wechatpay-protocol.md §0, from the endpoint page's 返回示例): every field of the example is present.
 * The same appid always yields the same cards, so cached and fresh pages compare equal.
 */
export interface DemoBrand {
  brand_id: string
  display_name: string
}

export type CardStatus = 'NOT_APPROVE' | 'APPROVE_FAIL' | 'APPROVED' | 'DELETED'

export interface DemoCard {
  card_id: string
  create_time: string
  update_time: string
  remain_quantity: number
  status: CardStatus
  brand: DemoBrand
  appid: string
  logo_url: string
  title: string
  background_picture_url: string
  description: string
  service_phone: string
  code_type: string
  total_quantity: number
  date_information: {
    type: string
    available_begin_time?: string
    available_end_time?: string
    available_day_after_receive?: number
    wait_days_after_receive?: number
  }
  code_mode: string
  need_display_level: boolean
  init_level: string
  out_request_no: string
  balance_information: { need_balance: boolean, balance_appid: string, balance_path: string, balance_url: string }
  user_information_form: {
    can_modify_after_activate: boolean
    common_field_list: string[]
    custom_field_list: { type: string, name: string, values: string[] }
    additional_statement: { title: string, url: string, appid: string, path: string }
  }
}

export const DEMO_BRANDS: readonly DemoBrand[] = Object.freeze([
  Object.freeze({ brand_id: '1001622624', display_name: '示例咖啡' }),
  Object.freeze({ brand_id: '1001622625', display_name: '示例书店' })
])

// Mostly APPROVED, but every status of the endpoint page occurs within any 7 consecutive cards.
const STATUSES: CardStatus[] = ['APPROVED', 'APPROVED', 'NOT_APPROVE', 'APPROVED', 'APPROVE_FAIL', 'APPROVED', 'DELETED']
const TIERS = ['金卡', '银卡', '白金卡', '钻石卡']
const LEVELS = ['白银会员', '黄金会员', '普通会员']
const BASE_MS = Date.UTC(2023, 2, 1, 1, 0, 0) // 2023-03-01 09:00 +08:00
const HOUR = 3_600_000

/** RFC 3339 in China Standard Time with milliseconds, the way WeChat Pay writes times. */
function beijingTime (ms: number): string {
  return new Date(ms + 8 * HOUR).toISOString().replace('Z', '+08:00')
}

function describe (brand: DemoBrand, index: number): string {
  // HTML-like characters and '&' prove the service passes bodies through byte for byte: any
  // escaping (e.g. \u003c) or re-serialisation on the way would change them.
  if (index % 5 === 0) return `<b>会员日</b>每周三 & 周六：${brand.display_name}全场9折，积分翻倍 ☕`
  return `使用本会员卡表示你同意${brand.display_name}的会员协议，解释权归${brand.display_name}所有`
}

function demoCard (appid: string, index: number): DemoCard {
  const hash = createHash('sha256').update(`${appid}#${index}`).digest()
  const byte = (i: number): number => hash[i] ?? 0
  const brand = DEMO_BRANDS[index % 3 === 2 ? 1 : 0] ?? { brand_id: '', display_name: '' }
  const created = BASE_MS + index * 37 * HOUR + byte(0) * 60_000 + byte(1)
  const total = (1 + (byte(2) % 50)) * 1000
  const slug = hash.subarray(8, 28).toString('base64url')
  const permanent = index % 4 === 3
  return {
    // 28 chars like 'pbLatjvWOibDc5-TBnbUk1pD12o0': 'p' + 27 base64url chars of the hash.
    card_id: 'p' + hash.toString('base64url').slice(0, 27),
    create_time: beijingTime(created),
    update_time: beijingTime(created + (byte(3) % 72) * HOUR + 120),
    remain_quantity: total - (byte(4) * 7) % total,
    status: STATUSES[index % STATUSES.length] ?? 'APPROVED',
    brand: { ...brand },
    appid,
    logo_url: `https://wxpaylogo.qpic.cn/wxpaylogo/${slug}/0`,
    title: `${brand.display_name} ${TIERS[index % TIERS.length] ?? ''} ${index + 1}`,
    background_picture_url: `https://wxpaylogo.qpic.cn/wxpaylogo/${slug}bg/0`,
    description: describe(brand, index),
    service_phone: `400-820-${String(1000 + (byte(5) * 31) % 9000)}`,
    code_type: index % 2 === 0 ? 'BAR_CODE' : 'QRCODE',
    total_quantity: total,
    date_information: permanent
      ? { type: 'PERMANENT' }
      : {
          type: 'FIX_TIME_RANGE',
          available_begin_time: beijingTime(created),
          available_end_time: beijingTime(created + 3 * 365 * 24 * HOUR),
          available_day_after_receive: 200,
          wait_days_after_receive: byte(6) % 3
        },
    code_mode: 'SYSTEM_ALLOCATE',
    need_display_level: index % 3 !== 1,
    init_level: LEVELS[index % LEVELS.length] ?? '普通会员',
    out_request_no: `${brand.brand_id}${beijingTime(created).slice(0, 10).replaceAll('-', '')}${String(index).padStart(4, '0')}`,
    balance_information: {
      need_balance: index % 2 === 1,
      balance_appid: appid,
      balance_path: 'pages/balance/balance',
      balance_url: 'https://example.com/member/balance'
    },
    user_information_form: {
      can_modify_after_activate: false,
      common_field_list: ['USER_FORM_FLAG_MOBILE', 'USER_FORM_FLAG_SEX', 'USER_FORM_FLAG_NAME', 'USER_FORM_FLAG_BIRTHDAY'],
      custom_field_list: { type: 'TEXT', name: '喜欢的饮品', values: ['拿铁', '美式', '抹茶'] },
      additional_statement: {
        title: `${brand.display_name}会员卡使用须知`,
        url: 'https://example.com/member/statement',
        appid,
        path: 'pages/statement/statement'
      }
    }
  }
}

/** Two full pages of 10 and a short third, or one page of 20 and a short one. */
export const DEMO_CARDS_PER_APPID = 23

/** The first `count` of an appid's cards: the first n are the same whatever the count. */
export function demoCards (appid: string, count = DEMO_CARDS_PER_APPID): DemoCard[] {
  const cards: DemoCard[] = []
  for (let i = 0; i < count; i++) cards.push(demoCard(appid, i))
  return cards
}
