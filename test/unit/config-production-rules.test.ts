import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config/config.js'
import { tokenWeakness } from '../../src/config/token-strength.js'
import { productionEnv, type ProductionEnv } from '../helpers/production-env.js'

// Production's rules apply to every NODE_ENV but development and test (and unset, which reads as
// development): a deployment cannot relax them by calling itself `staging`.
let production: ProductionEnv
beforeAll(() => { production = productionEnv() })
afterAll(() => { production.remove() })

const env = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...production.env, ...overrides })

function problems (environment: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(environment)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('loadConfig accepted the environment')
}

describe('which NODE_ENV gets production\'s rules', () => {
  it.each(['production', 'staging', 'prod', 'Production'])('%s refuses http WeChat Pay URLs', (nodeEnv) => {
    const found = problems(env({ NODE_ENV: nodeEnv, WECHATPAY_BASE_URL: 'http://pay.internal', WECHATPAY_BACKUP_BASE_URL: 'http://pay2.internal' }))
    expect(found).toEqual(['WECHATPAY_BASE_URL must be a https: URL', 'WECHATPAY_BACKUP_BASE_URL must be a https: URL'])
  })

  it.each([undefined, 'development', 'test'])('%s accepts them, and sandbox mode without WECHATPAY_MCHID', (nodeEnv) => {
    const config = loadConfig({ NODE_ENV: nodeEnv, WECHATPAY_BASE_URL: 'http://127.0.0.1:8080' })
    expect(config.wechatpay).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', sandbox: true })
  })

  it('starts a complete production environment with no warning', () => {
    expect(loadConfig(production.env).warnings).toEqual([])
  })
})

describe('WeChat Pay URLs with credentials', () => {
  it.each(['WECHATPAY_BASE_URL', 'WECHATPAY_BACKUP_BASE_URL'])('%s is refused without showing the user or password', (name) => {
    const found = problems({ [name]: 'https://merchant-user:pw-s3cret-9@api.mch.weixin.qq.com' })
    expect(found).toEqual([`${name} must not carry a user name or password`])
    expect(JSON.stringify(found)).not.toMatch(/merchant-user|pw-s3cret-9/)
  })

  it('says what to write for a path, without echoing its query', () => {
    expect(problems({ WECHATPAY_BASE_URL: 'https://api.mch.weixin.qq.com/v3?token=q-s3cret' }))
      .toEqual(['WECHATPAY_BASE_URL must be only scheme://host[:port], without a path or query (write https://api.mch.weixin.qq.com)'])
  })
})

describe('WECHATPAY_MCHID', () => {
  it.each(['1900abc191', 'MCH1900009191', '1'.repeat(33), '1900 009191'])('refuses %j: a merchant number is digits', (mchid) => {
    expect(problems(env({ WECHATPAY_MCHID: mchid })))
      .toEqual(['WECHATPAY_MCHID must be the merchant number (商户号), 1-32 digits such as 1900009191'])
  })

  it('takes the digits', () => {
    expect(loadConfig(env({ WECHATPAY_MCHID: '1900009191' })).wechatpay.credentials?.mchid).toBe('1900009191')
  })
})

describe('tokens under production\'s rules', () => {
  it('refuses guessable ones by variable and position, all in the one error, never showing them', () => {
    const found = problems(env({
      NODE_ENV: 'staging',
      INTERNAL_API_TOKENS: 'a-caller-token-0123456789,aaaaaaaaaaaaaaaa',
      CACHE_ADMIN_TOKENS: '1212121212121212121212,short-secret',
      PORT: 'eighty'
    }))
    const advice = 'a guessable token is no protection (make one with `openssl rand -hex 24`)'
    expect(found.sort()).toEqual([
      `CACHE_ADMIN_TOKENS token 1 has fewer than 10 distinct characters: ${advice}`,
      `CACHE_ADMIN_TOKENS token 2 is shorter than 16 characters: ${advice}`,
      `INTERNAL_API_TOKENS token 2 has fewer than 10 distinct characters: ${advice}`,
      'PORT must be an integer from 0 to 65535 (got "eighty")'
    ])
    expect(JSON.stringify(found)).not.toMatch(/aaaa|1212|short-secret/)
  })

  it('outside them only the length counts, as before', () => {
    expect(loadConfig({ INTERNAL_API_TOKENS: 'aaaaaaaaaaaaaaaa' }).protection.apiTokens).toEqual(['aaaaaaaaaaaaaaaa'])
    expect(problems({ INTERNAL_API_TOKENS: 'short-secret' }))
      .toEqual([expect.stringMatching(/^INTERNAL_API_TOKENS token 1 is shorter than 16/)])
  })

  it('the rule on its own: 16+ characters, 10+ of them distinct', () => {
    expect(tokenWeakness('0123456789abcdef')).toBeUndefined()
    expect(tokenWeakness('0123456789abcde')).toBe('is shorter than 16 characters')
    expect(tokenWeakness('012345678012345678')).toBe('has fewer than 10 distinct characters')
    expect(tokenWeakness('0123456789012345')).toBeUndefined()
  })
})

describe('start-up warnings under production\'s rules', () => {
  const OPEN = 'no caller tokens are configured (INTERNAL_API_TOKENS or CALLERS_FILE): anyone who can reach the port ' +
    'can call /cards and /cards/all'

  it('starts with no caller token, once warned that the service is open', () => {
    expect(loadConfig(env({ INTERNAL_API_TOKENS: '' })).warnings).toEqual([OPEN])
    // Admin tokens guard the purge alone: /cards is as open with them.
    expect(loadConfig(env({ INTERNAL_API_TOKENS: '', CACHE_ADMIN_TOKENS: 'ops-admin-0123456789' })).warnings).toEqual([OPEN])
    expect(loadConfig({ NODE_ENV: 'development' }).warnings).toEqual([])
  })

  it('counts CALLERS_FILE\'s callers as tokens, and holds their tokens to the same rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callers-'))
    try {
      const file = join(dir, 'callers')
      writeFileSync(file, 'frontend 8f2c1e0b7d6a4f3e9c5b2a1d\n')
      expect(loadConfig(env({ INTERNAL_API_TOKENS: '', CALLERS_FILE: file })).warnings).toEqual([])
      writeFileSync(file, 'frontend 8f2c1e0b7d6a4f3e9c5b2a1d\nsync abababababababababab\n')
      expect(() => loadConfig(env({ CALLERS_FILE: file })))
        .toThrow(/CALLERS_FILE line 2: the token has fewer than 10 distinct/)
      // A line must not rename a token of the variables, nor change what it may do.
      writeFileSync(file, 'frontend 8f2c1e0b7d6a4f3e9c5b2a1d\n')
      expect(() => loadConfig(env({ CALLERS_FILE: file, INTERNAL_API_TOKENS: '8f2c1e0b7d6a4f3e9c5b2a1d' })))
        .toThrow(/CALLERS_FILE line 1: the token is one of INTERNAL_API_TOKENS or CACHE_ADMIN_TOKENS already/)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('warns of TRUST_PROXY=true, which lets a caller choose its own address, and of nothing narrower', () => {
    expect(loadConfig(env({ NODE_ENV: 'staging', TRUST_PROXY: 'true' })).warnings).toEqual([
      'TRUST_PROXY=true believes any X-Forwarded-For, so a caller can choose its own address (and escape the per-caller limit): ' +
        'set the number of proxies in front of the service, or their addresses'
    ])
    expect(loadConfig(env({ TRUST_PROXY: '1' })).warnings).toEqual([])
    expect(loadConfig(env({ TRUST_PROXY: '10.0.0.0/8' })).warnings).toEqual([])
    expect(loadConfig({ TRUST_PROXY: 'true' }).warnings).toEqual([])
  })
})
