import { createHash } from 'node:crypto'
import type { NamedToken } from './callers-file.js'

/** Who a valid token belongs to, and what it may do. */
export interface Caller {
  name: string
  /** May call the internal API (/cards, /cards/all). */
  api: boolean
  /** May purge the cache. */
  purge: boolean
}

/** The caller of every request without a valid token, as metrics and logs name it. */
export const ANONYMOUS = 'anonymous'

/**
 * INTERNAL_API_TOKENS and CACHE_ADMIN_TOKENS, named `token-1`, `token-2`, … by their position in the
 * two lists one after the other: a name never says more about a token than where it is listed.
 * An API token may purge too; an admin token only purges.
 */
export function listedCallers (apiTokens: readonly string[], adminTokens: readonly string[]): Array<Caller & { token: string }> {
  return [
    ...apiTokens.map((token) => ({ token, api: true, purge: true })),
    ...adminTokens.map((token) => ({ token, api: false, purge: true }))
  ].map((caller, position) => ({ name: `token-${position + 1}`, ...caller }))
}

/**
 * Every token the service accepts, by the SHA-256 digest of the token: the variables' callers,
 * fixed at start-up, and CALLERS_FILE's, replaced whole each time the file changes. A lookup by
 * digest takes the same time whatever part of a guess is right, as the digest of a guess says
 * nothing of the token's characters.
 */
export class CallerDirectory {
  readonly #listed: Map<string, Caller>
  #all: Map<string, Caller>

  constructor (listed: Array<Caller & { token: string }>, fromFile: NamedToken[] = []) {
    this.#listed = byDigest(listed)
    this.#all = this.#listed
    this.replaceFileCallers(fromFile)
  }

  /** CALLERS_FILE's callers, all at once: a rotated token works and the old one is refused from now on. */
  replaceFileCallers (fromFile: NamedToken[]): void {
    const all = new Map(this.#listed)
    for (const [digest, caller] of byDigest(fromFile.map((named) => ({ ...named, api: true })))) all.set(digest, caller)
    this.#all = all
  }

  identify (token: string | undefined): Caller | undefined {
    return token === undefined ? undefined : this.#all.get(digest(token))
  }

  get anyCanPurge (): boolean {
    for (const caller of this.#all.values()) if (caller.purge) return true
    return false
  }
}

function byDigest (callers: Array<Caller & { token: string }>): Map<string, Caller> {
  return new Map(callers.map(({ token, name, api, purge }) => [digest(token), Object.freeze({ name, api, purge })]))
}

function digest (token: string): string {
  return createHash('sha256').update(token).digest('base64')
}
