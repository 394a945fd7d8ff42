import type { CardsQuery } from '../cards-query.js'
import { WechatpayClient, type VerifiedPage, type WechatpayClientOptions } from '../client.js'
import { UpstreamError } from '../upstream-error.js'
import type { KeyHealth } from './certificate-manager.js'

/**
 * The client, refusing card pages while no key can verify them: the caller gets a 503 problem at
 * once instead of a call whose answer could only be refused (or, worse, trusted unverified).
 */
export class KeyGatedClient extends WechatpayClient {
  readonly #health: () => KeyHealth

  constructor (options: WechatpayClientOptions, health: () => KeyHealth) {
    super(options)
    this.#health = health
  }

  override async listCards (query: CardsQuery): Promise<VerifiedPage> {
    const health = this.#health()
    if (!health.usable) {
      throw new UpstreamError('keys-unavailable', `The service holds no key that can verify WeChat Pay's answers (${health.check}); operators: see /readyz.`)
    }
    return await super.listCards(query)
  }
}
