/**
 * NODE_ENV values of a developer's machine or a test run, where a missing WECHATPAY_MCHID means
 * sandbox mode, WeChat Pay may be reached over http and logs may be pretty. Unset reads as
 * `development` (the variable's default).
 */
export const DEVELOPMENT_ENVS: readonly string[] = ['development', 'test']

/**
 * Whether production's rules apply. They fail closed: `staging`, `prod` or a typo get them too,
 * so a deployment can never relax a rule by naming its environment differently.
 */
export function productionRules (nodeEnv: string): boolean {
  return !DEVELOPMENT_ENVS.includes(nodeEnv)
}
