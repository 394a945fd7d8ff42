import type { IncomingHttpHeaders } from 'node:http'
import { errorAnswer, type Answer } from './answer-writer.js'
import { parseCardsQuery, type CardsQuery } from './cards-query.js'
import type { AuthCheck } from './request-auth.js'

export const CARDS_PATH = '/v3/marketing/membercard-open/cards'
export const CERTIFICATES_PATH = '/v3/certificates'

// WeChat echoes a truncated copy of the 签名串 it expected (§3.1 real 401 example).
const SIGN_MESSAGE_ECHO = 128

export interface RequestFacts {
  method: string
  url: string
  headers: IncomingHttpHeaders
  bodyTooLarge: boolean
  auth: AuthCheck
  /** Whether a Wechatpay-Serial names a key WeChat Pay has for this merchant (public key id or platform certificate). */
  knownSerial: (serial: string) => boolean
}

export type CheckedRequest =
  | { route: 'cards', query: CardsQuery }
  | { route: 'card', cardId: string }
  | { route: 'certificates' }
  | { reject: Answer }

/*
 * The simulator signs its own 400/401/404/405 rejections. WeChat Pay signs ordinary 4xx answers
 * (only some 5xx and edge failures arrive unsigned, docs/wechatpay-protocol.md §2.6), and a client must not need a
 * signature on an error anyway (§7.7). Unsigned error answers are available through the `error` fault.
 */
function reject (status: number, code: string, message: string, detail?: unknown, headers?: Record<string, string>): { reject: Answer } {
  const answer = errorAnswer(status, code, message, detail, true)
  if (headers !== undefined) answer.headers = headers
  return { reject: answer }
}

function present (value: string | string[] | undefined): boolean {
  return value !== undefined && value !== ''
}

function signError (facts: RequestFacts): { reject: Answer } {
  const { auth, method, url } = facts
  const message = auth.signMessage
  const truncated = message.length > SIGN_MESSAGE_ECHO ? message.slice(0, SIGN_MESSAGE_ECHO) + '…' : message
  return reject(401, 'SIGN_ERROR', '签名错误，请检查后再试', {
    field: auth.field,
    location: 'authorization',
    detail: { issue: auth.issue },
    sign_information: {
      method,
      url,
      sign_message_length: Buffer.byteLength(message, 'utf8'),
      truncated_sign_message: truncated
    }
  })
}

/**
 * Steps 2–6 of every exchange, in WeChat's order: required headers (§1.5), Authorization (§1.1–§1.4),
 * Wechatpay-Serial (§1.5, §2.4 B), routing, then the query rules of the endpoint page.
 */
export function checkRequest (facts: RequestFacts): CheckedRequest {
  const { headers } = facts
  if (!present(headers.accept) || !present(headers['user-agent'])) {
    return reject(400, 'INVALID_REQUEST', 'Http头缺少Accept或User-Agent')
  }
  if (facts.bodyTooLarge) return reject(400, 'INVALID_REQUEST', '请求体过大', undefined, { Connection: 'close' })
  if (!facts.auth.summary.ok) return signError(facts)

  const serial = headers['wechatpay-serial']
  if (serial !== undefined && (typeof serial !== 'string' || !facts.knownSerial(serial))) {
    return reject(400, 'PARAM_ERROR', 'Wechatpay-Serial 无效', {
      field: 'Wechatpay-Serial', value: String(serial), issue: 'unknown WeChat Pay public key id or certificate serial', location: 'header'
    })
  }

  const cut = facts.url.indexOf('?')
  const path = cut === -1 ? facts.url : facts.url.slice(0, cut)
  // 查询会员卡模板信息: one path segment after the list's path, the card_id.
  const cardId = path.startsWith(`${CARDS_PATH}/`) ? path.slice(CARDS_PATH.length + 1) : undefined
  const isCard = cardId !== undefined && cardId !== '' && !cardId.includes('/')
  if (path !== CARDS_PATH && path !== CERTIFICATES_PATH && !isCard) return reject(404, 'NOT_FOUND', '请求的资源不存在')
  if (facts.method !== 'GET') return reject(405, 'METHOD_NOT_ALLOWED', '不支持的HTTP方法', undefined, { Allow: 'GET' })
  if (path === CERTIFICATES_PATH) return { route: 'certificates' }
  if (isCard) return { route: 'card', cardId: decodeURIComponent(cardId) }

  const parsed = parseCardsQuery(cut === -1 ? '' : facts.url.slice(cut + 1))
  if ('problem' in parsed) return reject(400, 'PARAM_ERROR', parsed.problem.message, parsed.problem.detail)
  return { route: 'cards', query: parsed.query }
}
