import { generateSandboxCredentials, simulatorSideOf, type SandboxCredentials } from '../../src/sandbox/credentials.js'
import { generatePlatformCertificate } from '../../src/sandbox/platform-certificates.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sandbox/simulator.js'
import type { WechatpayCredentials } from '../../src/config/config.js'
import type { WechatpayClientOptions } from '../../src/wechatpay/client.js'
import type { KeyStore } from '../../src/wechatpay/key-store.js'
import { createRequestSigner } from '../../src/wechatpay/request-signer.js'
import { createResponseVerifier } from '../../src/wechatpay/response-verifier.js'

export type FakeKeyMode = 'public-key' | 'platform-certificate' | 'both'

export interface FakeWechatpayOptions extends Partial<SimulatorOptions> {
  /** Which keys the service is given (default: the public key only). WeChat Pay always has its public key. */
  keyMode?: FakeKeyMode
  /** The APIv3 key the service is given instead of the simulator's: a wrong key. */
  serviceApiv3Key?: string
}

export interface FakeWechatpay {
  simulator: Simulator
  /** What the service must be configured with to talk to this fake. */
  credentials: WechatpayCredentials
  generated: SandboxCredentials
}

/**
 * The test suite's WeChat Pay: the simulator on port 0 with freshly generated keys. It verifies
 * the service's signatures and signs its answers with code that shares nothing with the client.
 * In the certificate modes it starts with one platform certificate unless given `certificates`.
 */
export async function startFakeWechatpay (options: FakeWechatpayOptions = {}): Promise<FakeWechatpay> {
  const { keyMode = 'public-key', serviceApiv3Key, ...simulatorOptions } = options
  const generated = generateSandboxCredentials()
  const certificates = keyMode === 'public-key' ? undefined : [generatePlatformCertificate()]
  const simulator = await startSimulator({
    ...simulatorSideOf(generated),
    ...(certificates === undefined ? {} : { certificates }),
    ...simulatorOptions
  })
  const withPublicKey = keyMode !== 'platform-certificate'
  return {
    simulator,
    generated,
    credentials: {
      mchid: generated.mchid,
      merchantSerialNo: generated.merchantSerialNo,
      privateKey: generated.merchantPrivateKey,
      publicKeyId: withPublicKey ? generated.wechatpayPublicKeyId : undefined,
      publicKey: withPublicKey ? generated.wechatpayPublicKey : undefined,
      apiv3Key: keyMode === 'public-key' ? undefined : Buffer.from(serviceApiv3Key ?? simulator.apiv3Key, 'utf8')
    }
  }
}

type ClientPeer = Pick<WechatpayClientOptions, 'baseUrl' | 'sign' | 'verify' | 'acceptSerial'>

/**
 * What a WechatpayClient needs to talk to this fake, for tests that build one by hand: its URL, the
 * merchant's signer, a verifier over `keys` (empty, or holding what the test puts there) and the
 * serial the fake's answers name.
 */
export function clientAgainst (fake: FakeWechatpay, keys: KeyStore): ClientPeer {
  const { mchid, merchantSerialNo, privateKey } = fake.credentials
  return {
    baseUrl: fake.simulator.url,
    sign: createRequestSigner({ mchid, merchantSerialNo, privateKey }),
    verify: createResponseVerifier({ keys }),
    acceptSerial: fake.generated.wechatpayPublicKeyId
  }
}
