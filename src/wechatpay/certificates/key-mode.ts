import type { CertificateManager } from './certificate-manager.js'

/**
 * The start-up line that answers "which key mode am I in?" (docs/key-modes.md): the mode, the
 * public key id and the platform certificates held, with a sentence saying what verifies answers.
 */
export function describeKeyMode (
  certificates: CertificateManager,
  publicKeyId: string | undefined,
  refreshHours: number
): { fields: object, message: string } {
  const mode = certificates.mode
  const held = certificates.certificates().map(({ serial, expiresAt }) => ({ serial, expires: expiresAt.toISOString() }))
  const fields = { key_mode: mode, public_key_id: publicKeyId, platform_certificates: held, keys: certificates.health().check }
  const certs = `${held.length} platform certificate(s), downloaded with WECHATPAY_APIV3_KEY and refreshed every ${refreshHours} h`
  const message = mode === 'public-key'
    ? `WeChat Pay key mode: public key. Answers verify with ${String(publicKeyId)}, which every request names in Wechatpay-Serial`
    : mode === 'platform-certificate'
      ? `WeChat Pay key mode: platform certificates. Answers verify with ${certs}`
      : `WeChat Pay key mode: both (the migration). Requests name ${String(publicKeyId)}; ` +
        `each answer verifies with the key it names: the public key or ${certs}`
  return { fields, message }
}
