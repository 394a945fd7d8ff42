/**
 * Faults the tests queue on the simulator. Each one shapes exactly one later exchange.
 * The misbehaviours mirror what docs/wechatpay-protocol.md (§2, §3, §5) says a client must survive:
 * unsigned or probe-signed answers (§2.2, §2.5), skew (§2.3), unknown serials (§2.4),
 * error answers without signature headers (§2.6, §3), and transport failures (§3.3, §4).
 */
export type Fault =
  | {
    kind: 'error'
    status: number
    code: string
    message?: string
    detail?: unknown
    signed?: boolean
    headers?: Record<string, string>
    delayMs?: number
  }
  | { kind: 'delay', ms: number }
  | { kind: 'tamper' }
  | { kind: 'probe' }
  | { kind: 'drop' }
  | { kind: 'unsigned' }
  | { kind: 'skew', seconds: number }
  | { kind: 'serial', serial: string }
  | { kind: 'signature', value: string }
  | { kind: 'omit-header', header: string }
  | { kind: 'request-id', value: string }
  | { kind: 'raw', status: number, body: string, contentType?: string, signed?: boolean }

/** Faults that only change how an otherwise normal answer is signed or sent. */
export type ShapingFault =
  Extract<Fault, { kind: 'tamper' | 'probe' | 'unsigned' | 'skew' | 'serial' | 'signature' | 'omit-header' | 'request-id' | 'raw' }>

export function isShapingFault (fault: Fault | undefined): fault is ShapingFault {
  return fault !== undefined && fault.kind !== 'error' && fault.kind !== 'delay' && fault.kind !== 'drop'
}

const DIGIT_0 = 0x30
const DIGIT_9 = 0x39

/**
 * A copy of `body` with one byte changed. The last ASCII digit is bumped when there is one (in a
 * cards page that is `limit`), so the result is still valid JSON and the client's signature check,
 * not its JSON parser, is what has to notice. Otherwise the last byte's low bit is flipped.
 */
export function tamperOneByte (body: Buffer): Buffer {
  const copy = Buffer.from(body)
  if (copy.length === 0) return Buffer.from(' ')
  for (let i = copy.length - 1; i >= 0; i--) {
    const b = copy[i] ?? 0
    if (b >= DIGIT_0 && b <= DIGIT_9) {
      copy[i] = b === DIGIT_9 ? DIGIT_0 : b + 1
      return copy
    }
  }
  const last = copy.length - 1
  copy[last] = (copy[last] ?? 0) ^ 0x01
  return copy
}
