import type { ProtectionConfig } from './config.js'
import type { ConfigReader } from './reader.js'
import { TOKEN_MIN_LENGTH, tokenWeakness } from './token-strength.js'

type TokenVariable = 'INTERNAL_API_TOKENS' | 'CACHE_ADMIN_TOKENS'

/**
 * A comma-separated list of bearer tokens. Under production's rules each must pass tokenWeakness;
 * elsewhere only its length counts, so a developer's token need not look random. A weak token is
 * named by its variable and position, never shown.
 */
export function readTokens (read: ConfigReader, name: TokenVariable, production: boolean): string[] {
  const tokens = read.list(name)
  tokens.forEach((token, index) => {
    const weakness = tokenWeakness(token)
    if (weakness !== undefined && (production || token.length < TOKEN_MIN_LENGTH)) {
      read.problem(`${name} token ${index + 1} ${weakness}: a guessable token is no protection ` +
        '(make one with `openssl rand -hex 24`)')
    }
  })
  return tokens
}

/**
 * Whether no token identifies callers, leaving /cards open to whoever reaches the port. The one
 * place that decides it: whatever else comes to hold callers' tokens belongs here too.
 */
export function noCallerTokens (protection: Pick<ProtectionConfig, 'apiTokens'>): boolean {
  return protection.apiTokens.length === 0
}

/** Production's rules allow an open service, but never silently. */
export function warnWhenOpen (read: ConfigReader, protection: Pick<ProtectionConfig, 'apiTokens'>, production: boolean): void {
  if (production && noCallerTokens(protection)) {
    read.warning('no caller tokens are configured (INTERNAL_API_TOKENS): anyone who can reach the port can call /cards and /cards/all')
  }
}
