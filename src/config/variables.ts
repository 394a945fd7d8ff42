import { CACHE_VARIABLES } from './variables/cache.js'
import { PROTECTION_VARIABLES } from './variables/protection.js'
import { REDIS_VARIABLES } from './variables/redis.js'
import { SERVER_VARIABLES } from './variables/server.js'
import { TRACING_VARIABLES } from './variables/tracing.js'
import type { VariableSpec } from './variables/variable.js'
import { WECHATPAY_VARIABLES } from './variables/wechatpay.js'

/**
 * Every environment variable the service reads, with its kind, bounds, default and meaning: the
 * one table. loadConfig reads nothing that is not here (names are typed), and docs/configuration.md
 * and .env.example are generated from it (`npm run docs`; a test fails when they drift).
 */
export const VARIABLES = {
  ...SERVER_VARIABLES,
  ...WECHATPAY_VARIABLES,
  ...PROTECTION_VARIABLES,
  ...CACHE_VARIABLES,
  ...REDIS_VARIABLES,
  ...TRACING_VARIABLES
} as const satisfies Record<string, VariableSpec>

export type VariableName = keyof typeof VARIABLES
type Spec<K extends VariableName> = (typeof VARIABLES)[K]

/** The variables of one kind, so the reader's typed methods take only those. */
export type VariableOfKind<Kind extends VariableSpec['kind']> =
  { [K in VariableName]: Spec<K>['kind'] extends Kind ? K : never }[VariableName]

export function variable (name: VariableName): VariableSpec {
  return VARIABLES[name]
}

export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[]
