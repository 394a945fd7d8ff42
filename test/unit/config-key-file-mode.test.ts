import { chownSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { productionEnv, type ProductionEnv } from '../helpers/production-env.js'

// The merchant's private key signs every request: a copy in another user's hands is the merchant's
// identity. The service still starts (the mode may be the platform's doing), with a warning.
let production: ProductionEnv
beforeAll(() => { production = productionEnv() })
afterAll(() => { production.remove() })

function warningsFor (path: string): readonly string[] {
  return loadConfig({ ...production.env, WECHATPAY_PRIVATE_KEY_FILE: path }).warnings
}

const ownGroup = process.getgid?.() ?? 0

describe('WECHATPAY_PRIVATE_KEY_FILE readable by others', () => {
  it.each(['0644', '0604', '0444'])('warns of mode %s, naming the variable and the mode', (mode) => {
    const path = production.file(`key-${mode}.pem`, production.privatePem, parseInt(mode, 8))
    expect(warningsFor(path)).toEqual([`WECHATPAY_PRIVATE_KEY_FILE (${path}) is readable by every user (mode ${mode}): ` +
      'let only the service read it (chmod 600, or 640 with a group of the service alone)'])
  })

  it.each(['0600', '0400'])('says nothing of mode %s', (mode) => {
    expect(warningsFor(production.file(`key-${mode}.pem`, production.privatePem, parseInt(mode, 8)))).toEqual([])
  })

  it('says nothing of a file its own group may read: how Kubernetes mounts a Secret for a non-root pod', () => {
    const path = production.file('key-own-group.pem', production.privatePem, 0o440)
    chownSync(path, process.getuid?.() ?? 0, ownGroup)
    expect(warningsFor(path)).toEqual([])
  })

  // Giving a file a group one is not in takes root; elsewhere this one case is reported as skipped.
  it.runIf(process.getuid?.() === 0)('warns of a file another group may read', () => {
    const path = production.file('key-other-group.pem', production.privatePem, 0o640)
    const other = ownGroup + 4242
    chownSync(path, 0, other)
    expect(warningsFor(path)).toEqual([`WECHATPAY_PRIVATE_KEY_FILE (${path}) is readable by group ${other}, not the service's own ` +
      '(mode 0640): let only the service read it (chmod 600, or 640 with a group of the service alone)'])
  })
})
