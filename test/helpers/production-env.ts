import type { KeyObject } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSandboxCredentials } from '../../src/sandbox/credentials.js'

export interface ProductionEnv {
  /** A complete environment that starts under production's rules, with no warning. */
  env: NodeJS.ProcessEnv
  /** Writes another file into the same folder, with `mode`, and returns its path. */
  file: (name: string, content: string, mode: number) => string
  /** The merchant's private key as PEM, for files of other modes. */
  privatePem: string
  remove: () => void
}

const pem = (key: KeyObject, type: 'pkcs8' | 'spki'): string => key.export({ type, format: 'pem' }).toString()

/** A merchant's credentials in key files that only their owner may read, as a deployment holds them. */
export function productionEnv (): ProductionEnv {
  const merchant = generateSandboxCredentials()
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-production-env-'))
  const file = (name: string, content: string, mode: number): string => {
    const path = join(dir, name)
    writeFileSync(path, content)
    // Set apart from writing: the umask would narrow a mode given to writeFileSync.
    chmodSync(path, mode)
    return path
  }
  const privatePem = pem(merchant.merchantPrivateKey, 'pkcs8')
  return {
    env: {
      NODE_ENV: 'production',
      WECHATPAY_MCHID: merchant.mchid,
      WECHATPAY_MERCHANT_SERIAL_NO: merchant.merchantSerialNo,
      WECHATPAY_PRIVATE_KEY_FILE: file('apiclient_key.pem', privatePem, 0o600),
      WECHATPAY_PUBLIC_KEY_ID: merchant.wechatpayPublicKeyId,
      WECHATPAY_PUBLIC_KEY_FILE: file('pub_key.pem', pem(merchant.wechatpayPublicKey, 'spki'), 0o644),
      INTERNAL_API_TOKENS: 'a-caller-token-0123456789'
    },
    file,
    privatePem,
    remove: () => { rmSync(dir, { recursive: true, force: true }) }
  }
}
