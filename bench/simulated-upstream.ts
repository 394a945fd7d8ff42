/**
 * What every bench script starts first: the WeChat Pay simulator over TLS on CPU 0 (bench/simulator-process.ts),
 * and the environment the service is then loaded with. One place, so the scripts measure the same service.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ImageRuntime } from './image-runtime.js'
import { start, waitFor } from './processes.js'
import { makeSelfSignedCertificate, type BenchCertificate } from './tls.js'

export interface SimulatedUpstream {
  certificate: BenchCertificate
  /** The merchant's credentials and the simulator's base URL, as the service reads them from its environment. */
  credentialsFile: string
  credentials: Record<string, string> & { WECHATPAY_MCHID: string }
  /** Base URL of the simulator's control API (bench/simulator-control.ts). */
  control: string
}

export async function startSimulatedUpstream (work: string, controlPort: number): Promise<SimulatedUpstream> {
  const certificate = makeSelfSignedCertificate(work)
  const credentialsFile = join(work, 'credentials.json')
  start(['--import', 'tsx', 'bench/simulator-process.ts', credentialsFile, String(controlPort), certificate.keyFile, certificate.certFile],
    {}, '0')
  const control = `http://127.0.0.1:${controlPort}`
  await waitFor(`${control}/calls`)
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as SimulatedUpstream['credentials']
  if (credentials.WECHATPAY_BASE_URL?.startsWith('https://') !== true) {
    throw new Error(`the simulator must speak TLS, yet WECHATPAY_BASE_URL is ${credentials.WECHATPAY_BASE_URL ?? 'unset'}`)
  }
  return { certificate, credentialsFile, credentials, control }
}

/** Node reads NODE_EXTRA_CA_CERTS once, at start-up, into the store undici's TLS uses by default. */
export function trusting (upstream: SimulatedUpstream): { NODE_EXTRA_CA_CERTS: string } {
  return { NODE_EXTRA_CA_CERTS: upstream.certificate.certFile }
}

/**
 * The service for a load: dist/server.js, default settings, logging on, Redis on, as the image runs it. Only the
 * upstream budget and one caller's no-cache allowance are raised, or forced misses would measure the 5/s merchant
 * quota and NO_CACHE_PER_MINUTE instead.
 */
export function loadedServiceEnv (
  upstream: SimulatedUpstream, runtime: ImageRuntime, port: number, redisUrl: string
): Record<string, string> {
  return {
    ...upstream.credentials,
    ...trusting(upstream),
    ...runtime.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redisUrl,
    UPSTREAM_MAX_RPS: '10000',
    NO_CACHE_PER_MINUTE: '1000000'
  }
}
