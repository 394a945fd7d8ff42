/**
 * Typed access to environment variables that records every problem instead of throwing at the
 * first one. An empty value counts as unset: compose files and CI systems often pass `VAR=`.
 */
export interface ConfigReader {
  optional (name: string): string | undefined
  required (name: string): string | undefined
  string (name: string, fallback: string): string
  integer (name: string, fallback: number, range: { min: number, max: number }): number
  oneOf (name: string, allowed: string[], fallback: string): string
  url (name: string, fallback: string, protocols?: string[]): string
  problem (message: string): void
  finish (onProblems: (problems: string[]) => never): void
}

export function createConfigReader (env: NodeJS.ProcessEnv): ConfigReader {
  const problems: string[] = []

  const optional = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
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
      const raw = optional(name)
      if (raw === undefined) return fallback
      let parsed: URL | undefined
      try { parsed = new URL(raw) } catch { parsed = undefined }
      if (parsed === undefined || !protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')} URL`)
        return fallback
      }
      return raw.replace(/\/+$/, '')
    },
    problem (message) { problems.push(message) },
    finish (onProblems) { if (problems.length > 0) onProblems(problems) }
  }
}
