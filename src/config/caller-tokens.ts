import type { ConfigReader } from './reader.js'
import { TOKEN_MIN_LENGTH, tokenWeakness } from './token-strength.js'

type TokenVariable = 'INTERNAL_API_TOKENS' | 'CACHE_ADMIN_TOKENS'

/** The protection settings that name callers. */
interface CallerTokens { apiTokens: readonly string[], callersFile: object | undefined }

/**
 * A comma-separated list of bearer tokens, each checked by tokenRule. A weak token is named by its
 * variable and position, never shown.
 */
export function readTokens (read: ConfigReader, name: TokenVariable, production: boolean): string[] {
  const tokens = read.list(name)
  const weakness = tokenRule(production)
  tokens.forEach((token, index) => {
    const weak = weakness(token)
    if (weak !== undefined) {
      read.problem(`${name} token ${index + 1} ${weak}: a guessable token is no protection ` +
        '(make one with `openssl rand -hex 24`)')
    }
  })
  return tokens
}

/**
 * Whether no token identifies callers, leaving /cards open to whoever reaches the port. The one
 * place that decides it: whatever else comes to hold callers' tokens belongs here too.
 */
export function noCallerTokens (protection: CallerTokens): boolean {
  return protection.apiTokens.length === 0 && protection.callersFile === undefined
}

/**
 * Why a token is refused, under production's rules or a developer's: there only its length counts,
 * so a developer's token need not look random. Tokens of CALLERS_FILE follow the same rule, at
 * start-up and at every reload.
 */
export function tokenRule (production: boolean): (token: string) => string | undefined {
  return production ? tokenWeakness : (token) => token.length < TOKEN_MIN_LENGTH ? tokenWeakness(token) : undefined
}

/** Production's rules allow an open service, but never silently. */
export function warnWhenOpen (
  read: ConfigReader, protection: CallerTokens, production: boolean
): void {
  if (production && noCallerTokens(protection)) {
    read.warning('no caller tokens are configured (INTERNAL_API_TOKENS or CALLERS_FILE): anyone who can reach the port ' +
      'can call /cards and /cards/all')
  }
}
