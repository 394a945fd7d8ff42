import type { Fault } from './faults.js'

/**
 * The failures a caller of sandbox mode may ask for with X-Sandbox-Fault, so a frontend can build
 * its error screens against the problems production sends. Each names what WeChat Pay does, and the
 * simulator plays it on every attempt of that one call, so the service's retries, breaker and
 * budget see what they would see in production. Codes and messages are WeChat Pay's
 * (docs/wechatpay-protocol.md §3); 4xx answers come signed, as WeChat Pay signs them.
 */
export const SANDBOX_FAULT_HEADER = 'x-sandbox-fault'

const REQUESTED = {
  FREQUENCY_LIMITED: () => ({ kind: 'error', status: 429, code: 'FREQUENCY_LIMITED', message: '频率超限', signed: true }),
  SYSTEM_ERROR: () => ({ kind: 'error', status: 500, code: 'SYSTEM_ERROR', message: '系统异常，请稍后重试' }),
  NO_AUTH: () => ({ kind: 'error', status: 403, code: 'NO_AUTH', message: '商户无权限', signed: true }),
  PARAM_ERROR: () => ({ kind: 'error', status: 400, code: 'PARAM_ERROR', message: '参数错误', signed: true }),
  SIGN_ERROR: () => ({ kind: 'error', status: 401, code: 'SIGN_ERROR', message: '签名错误，请检查后再试', signed: true }),
  // Longer than the service waits: it gives up, as it would on a WeChat Pay that hangs.
  timeout: (timeoutMs: number) => ({ kind: 'delay', ms: timeoutMs + 1_000 }),
  // The answer's bytes changed after signing: verification refuses it.
  'bad-signature': () => ({ kind: 'tamper' }),
  // The connection closed without an answer.
  unreachable: () => ({ kind: 'drop' })
} satisfies Record<string, (timeoutMs: number) => Fault>

export type SandboxFaultName = keyof typeof REQUESTED

export const SANDBOX_FAULT_NAMES = Object.keys(REQUESTED) as SandboxFaultName[]

export function isSandboxFault (value: string): value is SandboxFaultName {
  return Object.hasOwn(REQUESTED, value)
}

/** The simulator's fault for a requested name; `timeoutMs` is how long the service waits for WeChat Pay. */
export function requestedFault (name: string | string[] | undefined, timeoutMs: number): Fault | undefined {
  return typeof name === 'string' && isSandboxFault(name) ? REQUESTED[name](timeoutMs) : undefined
}
