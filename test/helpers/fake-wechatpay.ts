import { generateSandboxCredentials, type SandboxCredentials } from '../../src/sandbox/credentials.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sandbox/simulator.js'
import type { WechatpayCredentials } from '../../src/config.js'

export interface FakeWechatpay {
  simulator: Simulator
  /** What the service must be configured with to talk to this fake. */
  credentials: WechatpayCredentials
  generated: SandboxCredentials
}

/**
 * The test suite's WeChat Pay: the simulator on port 0 with freshly generated keys. It verifies
 * the service's signatures and signs its answers with code that shares nothing with the client.
 */
export async function startFakeWechatpay (options: Partial<SimulatorOptions> = {}): Promise<FakeWechatpay> {
  const generated = generateSandboxCredentials()
  const simulator = await startSimulator({
    mchid: generated.mchid,
    merchantSerialNo: generated.merchantSerialNo,
    merchantPublicKey: generated.merchantPublicKey,
    signingKey: generated.wechatpayPrivateKey,
    signingSerial: generated.wechatpayPublicKeyId,
    ...options
  })
  return {
    simulator,
    generated,
    credentials: {
      mchid: generated.mchid,
      merchantSerialNo: generated.merchantSerialNo,
      privateKey: generated.merchantPrivateKey,
      publicKeyId: generated.wechatpayPublicKeyId,
      publicKey: generated.wechatpayPublicKey
    }
  }
}
