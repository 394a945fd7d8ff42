import type { ProblemDefinition } from '../../problems/problem-definition.js'

/** What GET /cards/{card_id} adds to the registry. */
export const CARD_PROBLEMS = {
  'card-not-found': {
    title: 'No card template has this id',
    status: 404,
    retryable: false,
    what: 'WeChat Pay knows no member-card template with this `card_id` for this merchant (INVALID_REQUEST, 会员卡ID无效). ' +
      'The answer is remembered for a few seconds, so asking again at once gets the same answer without a call to WeChat Pay.',
    retry: 'No: check the id, e.g. against GET /cards, which lists the merchant\'s templates.',
    operator: 'Nothing, unless a caller asks for unknown ids in a loop (the access log\'s `caller`).'
  }
} as const satisfies Record<string, ProblemDefinition>
