/**
 * Typed access to environment variables that records every problem instead of throwing at the
 * first one. An empty value counts as unset: compose files and CI systems often pass `VAR=`.
 */
export interface ConfigReader {
  optional (name: string): string | undefined
  required (name: string): string | undefined
  string (name: string, fallback: string): string
  integer (name: string, fallback: number, range: { min: number, max: number }): number
  optionalInteger (name: string, range: { min: number, max: number }): number | undefined
  /** Comma-separated values, trimmed, empty ones dropped. */
  list (name: string): string[]
  oneOf (name: string, allowed: string[], fallback: string): string
  url (name: string, fallback: string, protocols?: string[]): string
  optionalUrl (name: string, protocols: string[]): string | undefined
  /** A scheme://host[:port] with no path, query or credentials: the base of an API. */
  origin (name: string, fallback: string, protocols: string[]): string
  problem (message: string): void
  finish (onProblems: (problems: string[]) => never): void
}

export function createConfigReader (env: NodeJS.ProcessEnv): ConfigReader {
  const problems: string[] = []

  const optional = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  // The value is never echoed: a Redis URL may carry a password.
  const checkUrl = (name: string, raw: string | undefined, protocols: string[]): string | undefined => {
    if (raw === undefined) return undefined
    let parsed: URL | undefined
    try { parsed = new URL(raw) } catch { parsed = undefined }
    if (parsed === undefined || !protocols.includes(parsed.protocol)) {
      problems.push(`${name} must be a ${protocols.join(' or ')} URL`)
      return undefined
    }
    return raw.replace(/\/+$/, '')
  }

  return {
    optional,
    required (name) {
      const value = optional(name)
      if (value === undefined) problems.push(`${name} is required`)
      return value
    },
    string: (name, fallback) => optional(name) ?? fallback,
    integer (name, fallback, { min, max }) {
      const raw = optional(name)
      if (raw === undefined) return fallback
      const value = Number(raw)
      if (!/^-?\d+$/.test(raw) || value < min || value > max) {
        problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`)
        return fallback
      }
      return value
    },
    optionalInteger (name, range) {
      return optional(name) === undefined ? undefined : this.integer(name, range.min, range)
    },
    list (name) {
      return (optional(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
    },
    oneOf (name, allowed, fallback) {
      const raw = optional(name)
      if (raw === undefined) return fallback
      if (!allowed.includes(raw)) {
        problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`)
        return fallback
      }
      return raw
    },
    url (name, fallback, protocols = ['http:', 'https:']) {
      return checkUrl(name, optional(name), protocols) ?? fallback
    },
    optionalUrl (name, protocols) {
      return checkUrl(name, optional(name), protocols)
    },
    origin (name, fallback, protocols) {
      const url = checkUrl(name, optional(name), protocols)
      if (url === undefined) return fallback
      const parsed = new URL(url)
      if (parsed.origin !== url || parsed.username !== '' || parsed.password !== '') {
        problems.push(`${name} must be only scheme://host[:port], without a path (got "${url}")`)
        return fallback
      }
      return url
    },
    problem (message) { problems.push(message) },
    finish (onProblems) { if (problems.length > 0) onProblems(problems) }
  }
}
