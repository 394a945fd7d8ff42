import { createHash } from 'node:crypto'
import type { NamedToken } from './callers-file.js'

export interface Caller {
  name: string
  api: boolean
  purge: boolean
}

export const ANONYMOUS = 'anonymous'

/** Named by position, so a name never says more about a token than where it is listed. */
export function listedCallers (apiTokens: readonly string[], adminTokens: readonly string[]): Array<Caller & { token: string }> {
  return [
    ...apiTokens.map((token) => ({ token, api: true, purge: true })),
    ...adminTokens.map((token) => ({ token, api: false, purge: true }))
  ].map((caller, position) => ({ name: `token-${position + 1}`, ...caller }))
}

/** By SHA-256 digest: a lookup takes the same time whatever part of a guess is right. */
export class CallerDirectory {
  readonly #listed: Map<string, Caller>
  #all: Map<string, Caller>

  constructor (listed: Array<Caller & { token: string }>, fromFile: NamedToken[] = []) {
    this.#listed = byDigest(listed)
    this.#all = this.#listed
    this.replaceFileCallers(fromFile)
  }

  /** All at once: a rotated token works and the old one is refused from now on. */
  replaceFileCallers (fromFile: NamedToken[]): void {
    const all = new Map(this.#listed)
    for (const [digest, caller] of byDigest(fromFile.map((named) => ({ ...named, api: true })))) all.set(digest, caller)
    this.#all = all
  }

  identify (token: string | undefined): Caller | undefined {
    return token === undefined ? undefined : this.#all.get(digest(token))
  }

  /** Whether the token is one of INTERNAL_API_TOKENS or CACHE_ADMIN_TOKENS, which a file line must not rename. */
  isListed (token: string): boolean {
    return this.#listed.has(digest(token))
  }

  /** No token configured at all: there is nobody to authenticate, so nothing counts as a failure. */
  get isEmpty (): boolean {
    return this.#all.size === 0
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
