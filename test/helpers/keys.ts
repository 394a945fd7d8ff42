import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestKeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
  privatePem: string
  publicPem: string
}

/** A fresh RSA-2048 pair for one test file: no key is ever committed. */
export function rsaKeyPair (): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString()
  }
}

/** Signs `message` with `openssl dgst -sha256 -sign`: an answer our own code did not compute. */
export function opensslSign (privatePem: string, message: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-kat-'))
  try {
    const keyFile = join(dir, 'key.pem')
    const messageFile = join(dir, 'message.txt')
    writeFileSync(keyFile, privatePem, { mode: 0o600 })
    writeFileSync(messageFile, message)
    return execFileSync('openssl', ['dgst', '-sha256', '-sign', keyFile, messageFile]).toString('base64')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
