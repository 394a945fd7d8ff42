import type { WechatpayCredentials } from '../config/config.js'
import { generateSandboxCredentials, simulatorSideOf } from './credentials.js'
import { generateApiv3Key, generatePlatformCertificate } from './platform-certificates.js'
import { startSimulator } from './simulator.js'

export interface Sandbox {
  credentials: WechatpayCredentials
  url: string
  close: () => Promise<void>
}

/**
 * Sandbox mode: a simulator on loopback with fresh key pairs, so a newcomer gets real pages from
 * /cards at once. The service still signs and verifies every call; only the peer is simulated.
 * Both key modes are on, as for a merchant in WeChat Pay's migration (docs/wechatpay-protocol.md §2.4): the service
 * downloads the simulator's platform certificate at start-up, and answers verify with the public key.
 */
export async function startSandbox (serviceTimeoutMs?: number): Promise<Sandbox> {
  const generated = generateSandboxCredentials()
  const apiv3Key = generateApiv3Key()
  const simulator = await startSimulator({
    ...simulatorSideOf(generated),
    certificates: [generatePlatformCertificate()],
    apiv3Key,
    serviceTimeoutMs
  })
  return {
    credentials: {
      mchid: generated.mchid,
      merchantSerialNo: generated.merchantSerialNo,
      privateKey: generated.merchantPrivateKey,
      publicKeyId: generated.wechatpayPublicKeyId,
      publicKey: generated.wechatpayPublicKey,
      apiv3Key: Buffer.from(apiv3Key, 'utf8')
    },
    url: simulator.url,
    close: async () => { await simulator.close() }
  }
}
