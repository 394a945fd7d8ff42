import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, longestRequestMs } from '../../src/config/config.js'

interface PemPair { privatePem: string, publicPem: string, publicKey: KeyObject }

// Keys are generated at test time: no key material lives in the repository.
function pemPair (type: 'rsa2048' | 'rsa1024' | 'ec'): PemPair {
  const pair = type === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: type === 'rsa2048' ? 2048 : 1024 })
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey: pair.publicKey
  }
}

/** The base64 body of a PEM, one line: what must never appear in a message or a JSON dump. */
function pemBody (pem: string): string {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----')).join('')
}

/** One-line PEM with literal "\n" sequences, as .env files and orchestrators carry it. */
function oneLine (pem: string): string {
  return pem.trim().replace(/\n/g, '\\n')
}

const MCHID = '1900000109'
const SERIAL = '5157f09efdc096de15ebe81a47057a7232f1b8e1'
const PUB_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000'
const NOT_A_KEY_SECRET = 'hunter2-do-not-echo-0123456789'

let dir: string
let merchant: PemPair
let wechat: PemPair
let rsa1024: PemPair
let ec: PemPair
const files = {
  merchantPrivate: '',
  merchantPublic: '',
  wechatPublic: '',
  notAKey: '',
  rsa1024Private: '',
  rsa1024Public: '',
  ecPrivate: '',
  ecPublic: '',
  missing: ''
}

beforeAll(() => {
  merchant = pemPair('rsa2048')
  wechat = pemPair('rsa2048')
  rsa1024 = pemPair('rsa1024')
  ec = pemPair('ec')
  dir = mkdtempSync(join(tmpdir(), 'wxpay-config-test-'))
  // Readable by their owner alone, as key files should be: others' modes are tested on purpose.
  const write = (name: string, content: string): string => {
    const path = join(dir, name)
    writeFileSync(path, content, { mode: 0o600 })
    return path
  }
  files.merchantPrivate = write('apiclient_key.pem', merchant.privatePem)
  files.merchantPublic = write('apiclient_pub.pem', merchant.publicPem)
  files.wechatPublic = write('pub_key.pem', wechat.publicPem)
  files.notAKey = write('not-a-key.pem', `password=${NOT_A_KEY_SECRET}\n`)
  files.rsa1024Private = write('rsa1024_key.pem', rsa1024.privatePem)
  files.rsa1024Public = write('rsa1024_pub.pem', rsa1024.publicPem)
  files.ecPrivate = write('ec_key.pem', ec.privatePem)
  files.ecPublic = write('ec_pub.pem', ec.publicPem)
  files.missing = join(dir, 'does-not-exist.pem')
})

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

/** A complete, valid production environment; tests override single variables. */
function validEnv (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    WECHATPAY_MCHID: MCHID,
    WECHATPAY_MERCHANT_SERIAL_NO: SERIAL,
    WECHATPAY_PRIVATE_KEY_FILE: files.merchantPrivate,
    WECHATPAY_PUBLIC_KEY_ID: PUB_KEY_ID,
    WECHATPAY_PUBLIC_KEY_FILE: files.wechatPublic,
    ...overrides
  }
}

/** Runs loadConfig expecting a ConfigError, and returns it. */
function configError (env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error('loadConfig accepted an invalid environment')
}

function problemAbout (error: ConfigError, pattern: RegExp): string {
  const found = error.problems.filter((p) => pattern.test(p))
  expect(found, `expected one problem matching ${pattern} in ${JSON.stringify(error.problems)}`).toHaveLength(1)
  return found[0] as string
}

/** True when both keys (private or public) belong to the same key pair. */
function sameKey (a: KeyObject, b: KeyObject): boolean {
  const spki = (key: KeyObject): Buffer => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' })
  return spki(a).equals(spki(b))
}

describe('loadConfig: sandbox mode', () => {
  it('uses the simulator and every default when the environment is empty', () => {
    const config = loadConfig({})
    expect(config).toEqual({
      server: {
        host: '127.0.0.1',
        port: 3000,
        logLevel: 'info',
        nodeEnv: 'development',
        trustProxy: false,
        requestTimeoutMs: 10_000,
        socketTimeoutMs: 60_000,
        maxConnections: 4096,
        docsEnabled: true,
        corsOrigins: [],
        metrics: undefined,
        // The longest /cards/all with the defaults: 50 pages at 5 a second, twice, with the 5 s timeout.
        shutdownGraceMs: 30_000
      },
      wechatpay: {
        sandbox: true,
        credentials: undefined,
        baseUrl: 'https://api.mch.weixin.qq.com',
        backupBaseUrl: 'https://api2.mch.weixin.qq.com',
        timeoutMs: 5000,
        connectTimeoutMs: 2000,
        maxConnections: 16,
        certRefreshHours: 12,
        upstreamCallerShare: 0.5,
        upstreamMaxRps: 5,
        cardsAllMax: 1000,
        cardsAllConcurrency: 4,
        appids: []
      },
      protection: {
        apiTokens: [],
        authFailuresPerMinute: 20,
        callersFile: undefined,
        adminTokens: [],
        noCachePerMinute: 10,
        rateLimitPerMinute: undefined,
        maxEventLoopDelayMs: 1000,
        maxHeapUsedBytes: 0,
        maxRssBytes: 0
      },
      cache: { ttlSeconds: 60, staleSeconds: 300, maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, localTtlMs: 1000 },
      redis: { settings: undefined, commandTimeoutMs: 150 },
      tracing: { tracesUrl: undefined, protocol: 'http/protobuf' },
      warnings: []
    })
  })

  it('returns a frozen object', () => {
    const config = loadConfig({})
    expect(Object.isFrozen(config)).toBe(true)
    for (const slice of Object.values(config)) expect(Object.isFrozen(slice)).toBe(true)
    // ESM is strict mode: writing to a frozen object throws instead of failing silently.
    expect(() => { (config.server as { port: number }).port = 1 }).toThrow(TypeError)
    expect(config.server.port).toBe(3000)
  })

  it('reads explicit values', () => {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      WECHATPAY_BASE_URL: 'https://api2.mch.weixin.qq.com/',
      WECHATPAY_TIMEOUT_MS: '2500',
      REDIS_URL: 'rediss://cache.internal:6380',
      CACHE_TTL_SECONDS: '30',
      CACHE_STALE_SECONDS: '0',
      REDIS_COMMAND_TIMEOUT_MS: '200',
      CACHE_MAX_ENTRIES: '500',
      CACHE_MAX_BYTES: '2097152'
    })
    expect(config).toMatchObject({
      server: { host: '127.0.0.1', port: 8080, logLevel: 'debug' },
      wechatpay: { sandbox: true, baseUrl: 'https://api2.mch.weixin.qq.com', timeoutMs: 2500 },
      redis: {
        settings: { topology: 'single', node: { host: 'cache.internal', port: 6380 }, db: 0, tls: { ca: undefined } },
        commandTimeoutMs: 200
      },
      cache: { ttlSeconds: 30, staleSeconds: 0, maxEntries: 500, maxBytes: 2097152 }
    })
  })

  it('counts an empty value (VAR=) or blanks as unset', () => {
    const config = loadConfig({
      NODE_ENV: '',
      HOST: '',
      PORT: '',
      LOG_LEVEL: '  ',
      WECHATPAY_MCHID: '',
      WECHATPAY_BASE_URL: '',
      WECHATPAY_TIMEOUT_MS: '',
      REDIS_URL: '',
      CACHE_TTL_SECONDS: '',
      CACHE_STALE_SECONDS: ''
    })
    expect(config).toEqual(loadConfig({}))
    expect(config.wechatpay.sandbox).toBe(true)
  })
})

describe('loadConfig: production requirements', () => {
  it('refuses production without WECHATPAY_MCHID and names every missing variable in the same error', () => {
    const error = configError({ NODE_ENV: 'production' })
    expect(problemAbout(error, /^WECHATPAY_MCHID\b/)).toMatch(/required/)
    expect(problemAbout(error, /^WECHATPAY_MERCHANT_SERIAL_NO\b/)).toMatch(/required/)
    expect(problemAbout(error, /WECHATPAY_PRIVATE_KEY_FILE or WECHATPAY_PRIVATE_KEY\b/)).toMatch(/required/)
    expect(problemAbout(error, /WECHATPAY_PUBLIC_KEY_ID/)).toMatch(/WECHATPAY_PUBLIC_KEY_FILE/)
    for (const problem of error.problems) expect(error.message).toContain(problem)
  })

  it('treats WECHATPAY_MCHID= in production as missing', () => {
    const error = configError(validEnv({ WECHATPAY_MCHID: '' }))
    expect(error.problems).toHaveLength(1)
    expect(problemAbout(error, /^WECHATPAY_MCHID\b/)).toMatch(/required/)
  })

  it('treats an empty inline key as unset next to a key file', () => {
    const config = loadConfig(validEnv({ WECHATPAY_PRIVATE_KEY: '', WECHATPAY_PUBLIC_KEY: '' }))
    expect(config.wechatpay.credentials).toBeDefined()
  })
})

describe('loadConfig: credentials', () => {
  it('loads keys from *_FILE variables', () => {
    const config = loadConfig(validEnv())
    expect(config.wechatpay.sandbox).toBe(false)
    expect(config.server.nodeEnv).toBe('production')
    const credentials = config.wechatpay.credentials
    if (credentials === undefined) throw new Error('expected credentials')
    expect(credentials.mchid).toBe(MCHID)
    expect(credentials.merchantSerialNo).toBe(SERIAL.toUpperCase())
    expect(credentials.publicKeyId).toBe(PUB_KEY_ID)
    expect(credentials.privateKey.type).toBe('private')
    expect(credentials.publicKey?.type).toBe('public')
    expect(sameKey(credentials.privateKey, merchant.publicKey)).toBe(true)
    expect(sameKey(credentials.publicKey as KeyObject, wechat.publicKey)).toBe(true)
  })

  it('loads one-line inline PEMs with literal "\\n" sequences', () => {
    const env = validEnv({
      WECHATPAY_PRIVATE_KEY_FILE: undefined,
      WECHATPAY_PUBLIC_KEY_FILE: undefined,
      WECHATPAY_PRIVATE_KEY: oneLine(merchant.privatePem),
      WECHATPAY_PUBLIC_KEY: oneLine(wechat.publicPem)
    })
    expect(env.WECHATPAY_PRIVATE_KEY).not.toContain('\n')
    const credentials = loadConfig(env).wechatpay.credentials
    if (credentials === undefined) throw new Error('expected credentials')
    expect(credentials.merchantSerialNo).toBe(SERIAL.toUpperCase())
    expect(sameKey(credentials.privateKey, merchant.publicKey)).toBe(true)
    expect(sameKey(credentials.publicKey as KeyObject, wechat.publicKey)).toBe(true)
  })

  it('also works outside production when WECHATPAY_MCHID is set', () => {
    const config = loadConfig(validEnv({ NODE_ENV: undefined }))
    expect(config.wechatpay.sandbox).toBe(false)
    expect(config.wechatpay.credentials?.mchid).toBe(MCHID)
  })

  it('keeps key material out of the JSON form', () => {
    const config = loadConfig(validEnv())
    for (const json of [JSON.stringify(config), JSON.stringify(config.wechatpay.credentials)]) {
      expect(json).not.toMatch(/BEGIN|PRIVATE|END /)
      expect(json).not.toContain(pemBody(merchant.privatePem).slice(40, 100))
      expect(json).not.toContain(pemBody(merchant.publicPem).slice(40, 100))
      expect(json).not.toContain(pemBody(wechat.publicPem).slice(40, 100))
    }
    // What stays is what an operator needs to recognise the set-up.
    expect(JSON.parse(JSON.stringify(config)).wechatpay.credentials).toEqual({
      mchid: MCHID, merchantSerialNo: SERIAL.toUpperCase(), publicKeyId: PUB_KEY_ID
    })
  })
})

describe('loadConfig: every problem at once', () => {
  it('reports bad PORT, LOG_LEVEL, base URL, missing serial and an unreadable key file in one error', () => {
    const error = configError(validEnv({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      WECHATPAY_BASE_URL: 'ftp://api.mch.weixin.qq.com',
      WECHATPAY_MERCHANT_SERIAL_NO: undefined,
      WECHATPAY_PRIVATE_KEY_FILE: files.missing
    }))
    expect(error.name).toBe('ConfigError')
    expect(error.problems).toHaveLength(5)
    expect(problemAbout(error, /^PORT\b/)).toContain('70000')
    expect(problemAbout(error, /^LOG_LEVEL\b/)).toContain('loud')
    problemAbout(error, /^WECHATPAY_BASE_URL\b/)
    expect(problemAbout(error, /^WECHATPAY_MERCHANT_SERIAL_NO\b/)).toMatch(/required/)
    expect(problemAbout(error, /^WECHATPAY_PRIVATE_KEY_FILE\b/)).toMatch(/cannot be read/)
    for (const problem of error.problems) expect(error.message).toContain(problem)
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['WECHATPAY_TIMEOUT_MS', '10'],
    ['CACHE_TTL_SECONDS', '0'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['WECHATPAY_BASE_URL', 'not a url'],
    ['WECHATPAY_MCHID', 'mch-id!'],
    ['WECHATPAY_MERCHANT_SERIAL_NO', 'not-hex'],
    ['WECHATPAY_PUBLIC_KEY_ID', 'KEY_0114']
  ])('refuses %s=%s', (name, value) => {
    const error = configError(validEnv({ [name]: value }))
    expect(error.problems).toHaveLength(1)
    problemAbout(error, new RegExp(`^${name}\\b`))
  })
})

describe('loadConfig: key mistakes', () => {
  it('names the variable of a file that is not a key, never its content', () => {
    const error = configError(validEnv({ WECHATPAY_PRIVATE_KEY_FILE: files.notAKey }))
    expect(problemAbout(error, /^WECHATPAY_PRIVATE_KEY_FILE\b/)).toMatch(/does not hold a PEM private key/)
    expect(error.message).not.toContain(NOT_A_KEY_SECRET)
    expect(JSON.stringify(error.problems)).not.toContain(NOT_A_KEY_SECRET)
  })

  it('never echoes an inline value that is not a key', () => {
    const error = configError(validEnv({ WECHATPAY_PRIVATE_KEY_FILE: undefined, WECHATPAY_PRIVATE_KEY: NOT_A_KEY_SECRET }))
    expect(problemAbout(error, /^WECHATPAY_PRIVATE_KEY\b/)).toMatch(/does not hold a PEM private key/)
    expect(error.message).not.toContain(NOT_A_KEY_SECRET)
  })

  it('refuses a private key given as WECHATPAY_PUBLIC_KEY, without echoing it', () => {
    const error = configError(validEnv({
      WECHATPAY_PUBLIC_KEY_FILE: undefined,
      WECHATPAY_PUBLIC_KEY: oneLine(wechat.privatePem)
    }))
    expect(problemAbout(error, /^WECHATPAY_PUBLIC_KEY\b/)).toMatch(/private key/)
    expect(error.message).not.toContain(pemBody(wechat.privatePem).slice(40, 100))
  })

  it('refuses a private key file given as WECHATPAY_PUBLIC_KEY_FILE', () => {
    const error = configError(validEnv({ WECHATPAY_PUBLIC_KEY_FILE: files.merchantPrivate }))
    expect(problemAbout(error, /^WECHATPAY_PUBLIC_KEY_FILE\b/)).toMatch(/private key/)
  })

  it('refuses the merchant\'s own public key given as WeChat Pay\'s', () => {
    const error = configError(validEnv({ WECHATPAY_PUBLIC_KEY_FILE: files.merchantPublic }))
    expect(problemAbout(error, /^WECHATPAY_PUBLIC_KEY\b/)).toMatch(/merchant's own key/)
  })

  it.each([
    ['an RSA-1024 private key', 'WECHATPAY_PRIVATE_KEY', 'rsa1024Private'],
    ['an EC private key', 'WECHATPAY_PRIVATE_KEY', 'ecPrivate'],
    ['an RSA-1024 WeChat Pay public key', 'WECHATPAY_PUBLIC_KEY', 'rsa1024Public'],
    ['an EC WeChat Pay public key', 'WECHATPAY_PUBLIC_KEY', 'ecPublic']
  ] as const)('refuses %s (RSA 2048 required)', (_label, name, file) => {
    const error = configError(validEnv({ [`${name}_FILE`]: files[file] }))
    expect(error.problems).toHaveLength(1)
    expect(problemAbout(error, new RegExp(`^${name}\\b`))).toMatch(/RSA key of at least 2048 bits/)
  })

  it('refuses both WECHATPAY_PRIVATE_KEY_FILE and WECHATPAY_PRIVATE_KEY', () => {
    const error = configError(validEnv({ WECHATPAY_PRIVATE_KEY: oneLine(merchant.privatePem) }))
    expect(error.problems).toHaveLength(1)
    expect(problemAbout(error, /WECHATPAY_PRIVATE_KEY_FILE/)).toMatch(/only one of WECHATPAY_PRIVATE_KEY_FILE and WECHATPAY_PRIVATE_KEY\b/)
  })

  it('refuses both WECHATPAY_PUBLIC_KEY_FILE and WECHATPAY_PUBLIC_KEY', () => {
    const error = configError(validEnv({ WECHATPAY_PUBLIC_KEY: oneLine(wechat.publicPem) }))
    expect(error.problems).toHaveLength(1)
    problemAbout(error, /only one of WECHATPAY_PUBLIC_KEY_FILE and WECHATPAY_PUBLIC_KEY\b/)
  })

  it('requires WECHATPAY_PUBLIC_KEY_ID with a public key', () => {
    const error = configError(validEnv({ WECHATPAY_PUBLIC_KEY_ID: undefined }))
    expect(error.problems).toHaveLength(1)
    expect(problemAbout(error, /^WECHATPAY_PUBLIC_KEY_ID\b/)).toMatch(/required/)
  })
})

describe('loadConfig: APIv3 key', () => {
  it('accepts a 32-byte APIv3 key next to the public key', () => {
    const config = loadConfig(validEnv({ WECHATPAY_APIV3_KEY: 'a'.repeat(32) }))
    expect(config.wechatpay.credentials).toBeDefined()
  })

  it.each([
    ['31 bytes', 'a'.repeat(31)],
    ['33 bytes', 'a'.repeat(33)],
    ['32 characters but 64 bytes', 'é'.repeat(32)]
  ])('refuses an APIv3 key of %s', (_label, key) => {
    const error = configError(validEnv({ WECHATPAY_APIV3_KEY: key }))
    expect(error.problems).toHaveLength(1)
    expect(problemAbout(error, /^WECHATPAY_APIV3_KEY\b/)).toMatch(/32 bytes/)
    expect(error.message).not.toContain(key)
  })

  it('accepts the APIv3 key alone: platform-certificate mode', () => {
    const credentials = loadConfig(validEnv({
      WECHATPAY_APIV3_KEY: 'a'.repeat(32),
      WECHATPAY_PUBLIC_KEY_ID: undefined,
      WECHATPAY_PUBLIC_KEY_FILE: ''
    })).wechatpay.credentials
    expect(credentials?.apiv3Key?.equals(Buffer.from('a'.repeat(32)))).toBe(true)
    expect(credentials?.publicKeyId).toBeUndefined()
    expect(credentials?.publicKey).toBeUndefined()
    expect(JSON.stringify(credentials)).not.toContain('a'.repeat(32))
  })

  it('explains both key modes when neither the public key nor the APIv3 key is set', () => {
    const error = configError(validEnv({ WECHATPAY_PUBLIC_KEY_ID: undefined, WECHATPAY_PUBLIC_KEY_FILE: undefined }))
    expect(error.problems).toHaveLength(1)
    const problem = error.problems[0] as string
    for (const name of ['WECHATPAY_PUBLIC_KEY_ID', 'WECHATPAY_PUBLIC_KEY_FILE', 'WECHATPAY_APIV3_KEY']) expect(problem).toContain(name)
    expect(problem).toMatch(/public-key mode/)
    expect(problem).toMatch(/platform-certificate mode/)
    expect(problem).toMatch(/migration/)
  })

  it('reads WECHATPAY_CERT_REFRESH_HOURS within 1-168', () => {
    expect(loadConfig({ WECHATPAY_CERT_REFRESH_HOURS: '24' }).wechatpay.certRefreshHours).toBe(24)
    expect(() => loadConfig({ WECHATPAY_CERT_REFRESH_HOURS: '0' })).toThrow(/WECHATPAY_CERT_REFRESH_HOURS/)
  })
})

describe('loadConfig: fail-closed details', () => {
  it('runs sandbox mode only for NODE_ENV development or test: a typo is an error, not demo data', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).wechatpay.sandbox).toBe(true)
    for (const nodeEnv of ['prod', 'staging', 'Production']) {
      expect(() => loadConfig({ NODE_ENV: nodeEnv })).toThrow(/WECHATPAY_MCHID is required when NODE_ENV=/)
    }
  })

  it('listens on loopback in sandbox mode unless HOST says otherwise', () => {
    expect(loadConfig({}).server.host).toBe('127.0.0.1')
    expect(loadConfig({ HOST: '0.0.0.0' }).server.host).toBe('0.0.0.0')
  })

  it('takes WECHATPAY_BASE_URL as an origin only, and https only in production', () => {
    expect(() => loadConfig({ WECHATPAY_BASE_URL: 'https://api.mch.weixin.qq.com/v3' })).toThrow(/WECHATPAY_BASE_URL must be only scheme:\/\/host/)
    expect(() => loadConfig({ WECHATPAY_BASE_URL: 'https://user:pw@api.mch.weixin.qq.com' })).toThrow(/WECHATPAY_BASE_URL/)
    expect(loadConfig({ WECHATPAY_BASE_URL: 'http://127.0.0.1:8080' }).wechatpay.baseUrl).toBe('http://127.0.0.1:8080')
    expect(() => loadConfig({ NODE_ENV: 'production', WECHATPAY_BASE_URL: 'http://api.mch.weixin.qq.com' })).toThrow(/WECHATPAY_BASE_URL must be a https: URL/)
  })

  it('never echoes a REDIS_URL, which may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:s3cret@cache:6379' })).toThrow(ConfigError)
    try { loadConfig({ REDIS_URL: 'http://:s3cret@cache:6379' }) } catch (err) { expect(String(err)).not.toContain('s3cret') }
  })
})

describe('loadConfig: resilience and callers', () => {
  it('fails over to api2 only when the primary is the default, unless told otherwise', () => {
    expect(loadConfig({}).wechatpay.backupBaseUrl).toBe('https://api2.mch.weixin.qq.com')
    expect(loadConfig({ WECHATPAY_BASE_URL: 'https://apihk.mch.weixin.qq.com' }).wechatpay.backupBaseUrl).toBeUndefined()
    expect(loadConfig({ WECHATPAY_BASE_URL: 'https://apihk.mch.weixin.qq.com', WECHATPAY_BACKUP_BASE_URL: 'https://api2.mch.weixin.qq.com' }).wechatpay.backupBaseUrl)
      .toBe('https://api2.mch.weixin.qq.com')
  })

  it('reads comma-separated tokens and refuses short ones without echoing them', () => {
    const tokens = loadConfig({ INTERNAL_API_TOKENS: ' frontend-0123456789abcdef , sync-service-0123456789 ,' }).protection.apiTokens
    expect(tokens).toEqual(['frontend-0123456789abcdef', 'sync-service-0123456789'])
    let message = ''
    try { loadConfig({ INTERNAL_API_TOKENS: 'short-secret' }) } catch (err) { message = String(err) }
    expect(message).toMatch(/INTERNAL_API_TOKENS token 1 is shorter than 16 characters/)
    expect(message).not.toContain('short-secret')
  })

  it('reads the per-caller limit only when set', () => {
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '600' }).protection.rateLimitPerMinute).toBe(600)
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/)
  })
})

describe('loadConfig: CORS_ORIGINS', () => {
  it('reads exact origins, and none when unset (CORS off)', () => {
    expect(loadConfig({}).server.corsOrigins).toEqual([])
    expect(loadConfig({ CORS_ORIGINS: ' https://admin.example.com , http://localhost:5173,http://[::1]:8080' }).server.corsOrigins)
      .toEqual(['https://admin.example.com', 'http://localhost:5173', 'http://[::1]:8080'])
  })

  it('refuses `*`: a list of origins or nothing', () => {
    expect(problemAbout(configError({ CORS_ORIGINS: '*' }), /CORS_ORIGINS/)).toMatch(/`\*` \(any web page\) is not accepted/)
    expect(problemAbout(configError({ CORS_ORIGINS: 'https://admin.example.com,*' }), /CORS_ORIGINS/)).toMatch(/not accepted/)
  })

  it('refuses a wildcard, which exact matching never matches, saying so', () => {
    expect(problemAbout(configError({ CORS_ORIGINS: 'https://admin.example.com,https://*.example.com,http://*:5173' }), /CORS_ORIGINS/))
      .toBe('CORS_ORIGINS are matched exactly, so a wildcard never matches: list each origin instead of ' +
        '"https://*.example.com", "http://*:5173"')
  })

  it('refuses what a browser never sends as Origin, saying what to write where it can, in one problem', () => {
    const problem = problemAbout(configError({
      CORS_ORIGINS: 'https://admin.example.com/,https://Admin.example.com,https://a.example.com:443,http://b.example.com/app,' +
        'admin.example.com,ftp://c.example.com,null,https://ok.example.com'
    }), /CORS_ORIGINS/)
    expect(problem).toContain('"https://admin.example.com/" (write https://admin.example.com)')
    expect(problem).toContain('"https://Admin.example.com" (write https://admin.example.com)')
    expect(problem).toContain('"https://a.example.com:443" (write https://a.example.com)')
    expect(problem).toContain('"http://b.example.com/app" (write http://b.example.com)')
    for (const bad of ['"admin.example.com"', '"ftp://c.example.com"', '"null"']) expect(problem).toContain(bad)
    expect(problem).not.toContain('ok.example.com')
  })
})

describe('loadConfig: TRUST_PROXY', () => {
  it.each([
    [undefined, false], ['false', false], ['true', true], ['1', 1], ['10.0.0.0/8, 192.168.1.1', '10.0.0.0/8, 192.168.1.1']
  ])('%j → %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).server.trustProxy).toEqual(expected)
  })
})

describe('loadConfig: the edges of the server', () => {
  it('lets a connection stay silent longer than the longest /cards/all, and refuses less', () => {
    expect(longestRequestMs({ cardsAllMax: 1000, upstreamMaxRps: 5, timeoutMs: 5000 })).toBe(30_000)
    expect(loadConfig({}).server.socketTimeoutMs).toBe(60_000)
    // 10,000 cards at 1/s: 500 pages, twice, are far over a minute.
    expect(loadConfig({ CARDS_ALL_MAX: '10000', UPSTREAM_MAX_RPS: '1' }).server.socketTimeoutMs).toBe(2 * (500_000 + 5000) + 5000)
    expect(loadConfig({ SOCKET_TIMEOUT_MS: '45000' }).server.socketTimeoutMs).toBe(45_000)
    expect(problemAbout(configError({ SOCKET_TIMEOUT_MS: '20000' }), /SOCKET_TIMEOUT_MS/))
      .toMatch(/above the longest legitimate request, 30000 ms/)
  })

  it('serves /metrics on a port of its own only when METRICS_PORT is set, on HOST unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({}).server.metrics).toBeUndefined()
    expect(loadConfig({ METRICS_PORT: '9464' }).server.metrics).toEqual({ host: '127.0.0.1', port: 9464 })
    expect(loadConfig({ METRICS_PORT: '9464', HOST: '0.0.0.0', METRICS_HOST: '10.0.0.5' }).server.metrics)
      .toEqual({ host: '10.0.0.5', port: 9464 })
    expect(problemAbout(configError({ METRICS_PORT: '3000' }), /METRICS_PORT/)).toMatch(/must differ from PORT/)
  })

  it('reads the merchant\'s appids, the admin tokens and the no-cache allowance', () => {
    const config = loadConfig({ WECHATPAY_APPIDS: 'wxA1, wx_b2', CACHE_ADMIN_TOKENS: 'ops-admin-0123456789', NO_CACHE_PER_MINUTE: '3' })
    expect(config.wechatpay.appids).toEqual(['wxA1', 'wx_b2'])
    expect(config.protection).toMatchObject({ adminTokens: ['ops-admin-0123456789'], noCachePerMinute: 3 })
    expect(problemAbout(configError({ WECHATPAY_APPIDS: 'wx-1' }), /WECHATPAY_APPIDS/)).toMatch(/list of appids/)
    expect(problemAbout(configError({ CACHE_ADMIN_TOKENS: 'short' }), /CACHE_ADMIN_TOKENS/)).toMatch(/token 1 is shorter than 16/)
    expect(loadConfig({ DOCS_ENABLED: 'false' }).server.docsEnabled).toBe(false)
  })
})
