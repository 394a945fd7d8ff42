/**
 * A throw-away self-signed certificate for the simulator, made with openssl when the bench starts:
 * WeChat Pay speaks only TLS, so the service's upstream exchange must pay for it in the bench too.
 */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export interface BenchCertificate {
  keyFile: string
  /** Also what clients trust: the services through NODE_EXTRA_CA_CERTS, the direct callers as their `ca`. */
  certFile: string
}

export function makeSelfSignedCertificate (dir: string): BenchCertificate {
  const keyFile = join(dir, 'simulator.key')
  const certFile = join(dir, 'simulator.pem')
  // The IP in subjectAltName is what clients check against https://127.0.0.1:…; the CN alone is not.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile
  ], { stdio: 'ignore' })
  return { keyFile, certFile }
}
