import { createDecipheriv } from 'node:crypto'

/** docs/wechatpay-protocol.md §2.4 A */
const TAG_BYTES = 16

/** With a genuine answer, the configured key is not the merchant's APIv3 key (or it was reset). */
export class Apiv3KeyRejectedError extends Error {
  constructor () {
    super('WECHATPAY_APIV3_KEY does not decrypt WeChat Pay\'s platform certificates (the AES-256-GCM tag does not verify): ' +
      'it is not the APIv3 key set in merchant platform > Account > API security (APIv3密钥), or that key was reset since')
    this.name = 'Apiv3KeyRejectedError'
  }
}

/** A wrong tag never yields unauthenticated bytes. @see docs/wechatpay-protocol.md §2.4 A; wechatpay-go `utils/aes.go`. */
export function decryptAead (apiv3Key: Buffer, nonce: string, associatedData: string, ciphertextBase64: string): Buffer {
  const sealed = Buffer.from(ciphertextBase64, 'base64')
  // A ciphertext of exactly one tag is an empty plaintext, which is valid AEAD_AES_256_GCM.
  if (nonce === '' || sealed.length < TAG_BYTES) throw new RangeError('the nonce is empty or the ciphertext is shorter than its tag')
  const decipher = createDecipheriv('aes-256-gcm', apiv3Key, Buffer.from(nonce, 'utf8'), { authTagLength: TAG_BYTES })
  decipher.setAAD(Buffer.from(associatedData, 'utf8'))
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES))
  try {
    // final() is where GCM compares the tag; update()'s output must not be used before it passes.
    return Buffer.concat([plaintext, decipher.final()])
  } catch {
    throw new Apiv3KeyRejectedError()
  }
}
