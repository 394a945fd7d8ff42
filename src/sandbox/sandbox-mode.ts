import type { WechatpayCredentials } from '../config.js'
import { generateSandboxCredentials } from './credentials.js'
import { startSimulator } from './simulator.js'

export interface Sandbox {
  credentials: WechatpayCredentials
  url: string
  close: () => Promise<void>
}

/**
 * Sandbox mode: a simulator on loopback with fresh key pairs, so a newcomer gets real pages from
 * /cards at once. The service still signs and verifies every call; only the peer is simulated.
 */
export async function startSandbox (): Promise<Sandbox> {
  const generated = generateSandboxCredentials()
  const simulator = await startSimulator({
    mchid: generated.mchid,
    merchantSerialNo: generated.merchantSerialNo,
    merchantPublicKey: generated.merchantPublicKey,
    signingKey: generated.wechatpayPrivateKey,
    signingSerial: generated.wechatpayPublicKeyId
  })
  return {
    credentials: {
      mchid: generated.mchid,
      merchantSerialNo: generated.merchantSerialNo,
      privateKey: generated.merchantPrivateKey,
      publicKeyId: generated.wechatpayPublicKeyId,
      publicKey: generated.wechatpayPublicKey
    },
    url: simulator.url,
    close: async () => { await simulator.close() }
  }
}
