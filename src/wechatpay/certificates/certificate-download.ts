import type { WechatpayClient } from '../client.js'
import { errorFromAnswer } from '../error-answer.js'
import { KeyStore } from '../key-store.js'
import { createResponseVerifier, type VerificationResult } from '../response-verifier.js'
import type { RawAnswer } from '../transport.js'
import { UpstreamError } from '../upstream-error.js'
import { parseCertificateList, type CertificateList } from './certificate-list.js'

export const CERTIFICATES_PATH = '/v3/certificates'

export type Download =
  | { kind: 'listed', body: Buffer, list: CertificateList, trust: 'signature' | 'gcm-tag' }
  | { kind: 'none', reason: string }

export interface DownloadOptions {
  client: WechatpayClient
  keys: KeyStore
  apiv3Key: Buffer
  /** Until one is, the GCM tag is the trust. */
  holdsCertificates: () => boolean
  now?: () => number
}

/**
 * The signature must verify with a key we hold or a certificate of the list itself (a rotation). Only the first
 * download may rely on the GCM tag alone, like the official SDKs (docs/wechatpay-protocol.md §2.4 A).
 */
export function createCertificateDownload (options: DownloadOptions): () => Promise<Download> {
  const { client, apiv3Key } = options
  // keyCheck off: this download is how keys become usable in the first place.
  return async () => await client.request(CERTIFICATES_PATH, (answer): Download => {
    if (answer.status === 404) {
      const error = errorFromAnswer(answer.status, answer.body, answer.requestId, undefined)
      if (error.code === 'RESOURCE_NOT_EXISTS') return { kind: 'none', reason: `GET ${CERTIFICATES_PATH} answered 404 RESOURCE_NOT_EXISTS` }
      throw error
    }
    if (answer.status < 200 || answer.status > 299) client.verified(answer)
    // Verified before decrypting, so a tampered body is not taken for a wrong APIv3 key.
    const serial = answer.headers['wechatpay-serial']
    const held = typeof serial === 'string' && options.keys.get(serial) !== undefined
    if (held) refuseUnless(createResponseVerifier({ keys: options.keys, now: options.now })(answer.headers, answer.body), answer)
    const list = parseCertificateList(answer.body, apiv3Key)
    const trust = held ? 'signature' : checkWithList(answer, list, options)
    if (list.certificates.length === 0) return { kind: 'none', reason: `GET ${CERTIFICATES_PATH} listed no certificate` }
    return { kind: 'listed', body: answer.body, list, trust }
  }, { keyCheck: false })
}

function refuseUnless (verdict: VerificationResult, answer: RawAnswer): void {
  if (verdict.ok) return
  throw new UpstreamError('upstream-signature-invalid', `certificate list refused: ${verdict.reason}`, {
    requestId: answer.requestId, upstreamStatus: answer.status, verification: verdict.reason
  })
}

function checkWithList (answer: RawAnswer, list: CertificateList, options: DownloadOptions): 'signature' | 'gcm-tag' {
  const now = options.now ?? Date.now
  const candidates = new KeyStore()
  for (const serial of options.keys.serials()) {
    const key = options.keys.get(serial)
    if (key !== undefined) candidates.set(serial, key)
  }
  for (const cert of list.certificates) {
    if (cert.expiresAt.getTime() > now() && candidates.get(cert.serial) === undefined) candidates.set(cert.serial, cert.publicKey)
  }
  const verdict = createResponseVerifier({ keys: candidates, now })(answer.headers, answer.body)
  if (verdict.ok) return 'signature'
  const bootstrap = !options.holdsCertificates() && (verdict.reason === 'unknown-serial' || verdict.reason === 'missing-headers')
  if (bootstrap) return 'gcm-tag'
  refuseUnless(verdict, answer)
  return 'signature'
}
