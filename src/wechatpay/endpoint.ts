/**
 * One WeChat Pay business endpoint, as a module in endpoints/ declares it: how a validated query
 * becomes the request target that is signed and sent, and the light check a verified answer must
 * pass before anyone is served it. `WechatpayClient.call` does the rest (signing, verification,
 * deadline, retries, budget and the key check), the same for every endpoint.
 */
export interface Endpoint<Q> {
  /** For logs and metrics. */
  name: string
  /** Path and query, built once and encoded once: this exact string is both signed and sent. */
  target: (query: Q) => string
  /** What is wrong with a verified 2xx body, or undefined when it may be served. */
  checkShape: (body: Buffer) => string | undefined
}
