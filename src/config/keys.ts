import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { keyFileExposure } from './key-file-mode.js'

export interface KeySources {
  privateKeyFile: string | undefined
  privateKeyPem: string | undefined
  publicKeyId: string | undefined
  publicKeyFile: string | undefined
  publicKeyPem: string | undefined
  apiv3Key: string | undefined
}

export interface LoadedKeys {
  privateKey: KeyObject
  publicKeyId: string | undefined
  publicKey: KeyObject | undefined
  apiv3Key: Buffer | undefined
}

type Report = (message: string) => void

const BOTH_OPTIONS = 'Set one of: (1) public-key mode, WECHATPAY_PUBLIC_KEY_ID with WECHATPAY_PUBLIC_KEY_FILE ' +
  '(or WECHATPAY_PUBLIC_KEY), the WeChat Pay public key from merchant platform > Account > API security ' +
  '(微信支付公钥; every merchant since late 2024 has one); or (2) platform-certificate mode, WECHATPAY_APIV3_KEY, ' +
  'the 32-byte APIv3 key, with which the service downloads WeChat Pay\'s platform certificates. ' +
  'During WeChat Pay\'s migration from certificates to the public key, set both.'

/**
 * Parses key material once, at start-up, into KeyObjects: signing then never re-parses PEM,
 * and a bad key fails the start instead of the first request. Messages name the variable,
 * never the key's content. Answers verify with the public key, with platform certificates
 * unlocked by the APIv3 key, or with either (docs/wechatpay-protocol.md §2.4); at least one must be configured.
 */
export function loadKeys (sources: KeySources, report: Report, warn: Report): LoadedKeys | undefined {
  const privateKey = parseKey('WECHATPAY_PRIVATE_KEY', sources.privateKeyFile, sources.privateKeyPem, 'private', report)
  if (privateKey !== undefined) checkRsa2048('WECHATPAY_PRIVATE_KEY', privateKey, report)
  const exposure = privateKey === undefined || sources.privateKeyFile === undefined ? undefined : keyFileExposure(sources.privateKeyFile)
  if (exposure !== undefined) {
    // A warning, not a refusal: the key still works, and the file's mode may be the platform's doing.
    warn(`WECHATPAY_PRIVATE_KEY_FILE (${sources.privateKeyFile}) ${exposure}: ` +
      'let only the service read it (chmod 600, or 640 with a group of the service alone)')
  }

  let apiv3Key: Buffer | undefined
  let apiv3Ok = true
  if (sources.apiv3Key !== undefined) {
    // The key is used as it is typed: its UTF-8 bytes are the AES-256 key (docs/wechatpay-protocol.md §2.4 A).
    apiv3Key = Buffer.from(sources.apiv3Key, 'utf8')
    if (apiv3Key.length !== 32) {
      report('WECHATPAY_APIV3_KEY must be exactly 32 bytes (the APIv3 key set in the merchant platform)')
      apiv3Ok = false
    }
  }

  const hasPublicKey = sources.publicKeyId !== undefined || sources.publicKeyFile !== undefined || sources.publicKeyPem !== undefined
  if (!hasPublicKey && apiv3Key === undefined) {
    report(`no key to verify WeChat Pay answers. ${BOTH_OPTIONS}`)
    return undefined
  }
  let publicKeyId: string | undefined
  let publicKey: KeyObject | undefined
  let publicOk = true
  if (hasPublicKey) {
    publicKeyId = sources.publicKeyId
    const alone = apiv3Key === undefined
      ? ''
      : '; for platform-certificate mode alone, leave WECHATPAY_PUBLIC_KEY_FILE and WECHATPAY_PUBLIC_KEY empty'
    if (publicKeyId === undefined) {
      report(`WECHATPAY_PUBLIC_KEY_ID is required with a WeChat Pay public key (it looks like PUB_KEY_ID_0114...)${alone}`)
    } else if (!/^PUB_KEY_ID_[0-9A-Za-z]+$/.test(publicKeyId)) {
      report('WECHATPAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_ followed by letters or digits')
    }
    publicKey = parseKey('WECHATPAY_PUBLIC_KEY', sources.publicKeyFile, sources.publicKeyPem, 'public', report)
    if (publicKey !== undefined) checkRsa2048('WECHATPAY_PUBLIC_KEY', publicKey, report)
    publicOk = publicKey !== undefined && publicKeyId !== undefined
  }

  if (privateKey === undefined || !publicOk || !apiv3Ok) return undefined
  // The most common set-up mistake (docs/wechatpay-protocol.md §5.1): verifying with the merchant's own key.
  if (publicKey !== undefined && sameKey(createPublicKey(privateKey), publicKey)) {
    report('WECHATPAY_PUBLIC_KEY is the merchant\'s own key; it must be WeChat Pay\'s public key')
    return undefined
  }
  return { privateKey, publicKeyId, publicKey, apiv3Key }
}

function parseKey (
  name: string,
  file: string | undefined,
  inline: string | undefined,
  kind: 'private' | 'public',
  report: Report
): KeyObject | undefined {
  if (file !== undefined && inline !== undefined) {
    report(`set only one of ${name}_FILE and ${name}`)
    return undefined
  }
  let pem: string
  let source: string
  if (file !== undefined) {
    source = `${name}_FILE (${file})`
    try {
      pem = readFileSync(file, 'utf8')
    } catch (err) {
      report(`${source} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
      return undefined
    }
  } else if (inline !== undefined) {
    source = name
    // .env files and orchestrators often carry a PEM on one line with literal "\n" separators.
    pem = inline.replace(/\\n/g, '\n')
  } else {
    report(`${name}_FILE or ${name} is required`)
    return undefined
  }
  // createPublicKey would quietly derive a public key from a private one; a private key here is a mix-up.
  if (kind === 'public' && pem.includes('PRIVATE KEY')) {
    report(`${source} holds a private key; it must be WeChat Pay's public key (pub_key.pem)`)
    return undefined
  }
  try {
    return kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem)
  } catch {
    report(`${source} does not hold a PEM ${kind} key`)
    return undefined
  }
}

function sameKey (a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }))
}

function checkRsa2048 (name: string, key: KeyObject, report: Report): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048) {
    report(`${name} must be an RSA key of at least 2048 bits (WECHATPAY2-SHA256-RSA2048)`)
  }
}
