import type { ProblemDefinition } from '../../problems/problem-definition.js'
import { CARD_PROBLEMS } from './card-problems.js'

/**
 * The problems the endpoints add to the one registry (src/problems/registry.ts), each declared in
 * its endpoint's folder beside the endpoint that raises it. Data only: the registry stands alone
 * but for this table.
 */
export const ENDPOINT_PROBLEMS = { ...CARD_PROBLEMS } as const satisfies Record<string, ProblemDefinition>
