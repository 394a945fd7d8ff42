import { readFileSync } from 'node:fs'
import { parseCallers, type NamedToken } from '../callers/callers-file.js'
import { tokenRule } from './caller-tokens.js'
import type { ConfigReader } from './reader.js'

/** CALLERS_FILE as read at start-up: the text the watcher compares against, and its callers. */
export interface CallersFile {
  path: string
  text: string
  callers: NamedToken[]
  /** Production's rules: the token rule every reload applies too (caller-tokens.ts). */
  production: boolean
}

/**
 * What a CALLERS_FILE token must be, at start-up and at every reload: strong enough, and none of the
 * variables' tokens, whose name and rights a file line would otherwise silently replace.
 */
export function callersFileRule (production: boolean, isListed: (token: string) => boolean): (token: string) => string | undefined {
  const strength = tokenRule(production)
  return (token) => isListed(token) ? 'is one of INTERNAL_API_TOKENS or CACHE_ADMIN_TOKENS already' : strength(token)
}

/** Reads and parses CALLERS_FILE; a file that cannot be read or parsed stops the start, naming the line. */
export function readCallersFile (read: ConfigReader, production: boolean, listed: readonly string[]): CallersFile | undefined {
  const path = read.optional('CALLERS_FILE')
  if (path === undefined) return undefined
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    read.problem(`CALLERS_FILE cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}): ${path}`)
    return undefined
  }
  const parsed = parseCallers(text, callersFileRule(production, (token) => listed.includes(token)))
  if (!parsed.ok) {
    read.problem(`CALLERS_FILE line ${parsed.line}: ${parsed.reason}`)
    return undefined
  }
  return { path, text, callers: parsed.callers, production }
}
