import { variable, type VariableName, type VariableOfKind } from './variables.js'

/**
 * Typed access to the variables of the table (variables.ts), with their defaults and bounds from
 * there, that records every problem instead of throwing at the first one. An empty value counts as
 * unset: compose files and CI systems often pass `VAR=`.
 */
export interface ConfigReader {
  optional: (name: VariableName) => string | undefined
  /** Records "is required" when unset. */
  required: (name: VariableName) => string | undefined
  /** The value, else `fallback`, else the table's default (else ''). */
  string: (name: VariableOfKind<'string'>, fallback?: string) => string
  /** The value within the table's bounds, else the table's default. */
  integer: (name: VariableOfKind<'integer'>) => number
  /** The value within the table's bounds, or undefined when unset. */
  optionalInteger: (name: VariableOfKind<'integer'>) => number | undefined
  /** A decimal number within the variable's bounds, else its default (and a problem). */
  number: (name: VariableOfKind<'number'>) => number
  /** Comma-separated values, trimmed, empty ones dropped. */
  list: (name: VariableOfKind<'list'>) => string[]
  choice: (name: VariableOfKind<'choice'>) => string
  /** A URL of the table's protocols (or the narrower `protocols`), else the table's default. */
  url: (name: VariableOfKind<'url'>, protocols?: readonly string[]) => string | undefined
  /** As `url`, and only scheme://host[:port], with no path, query or credentials: the base of an API. */
  origin: (name: VariableOfKind<'url'>, protocols?: readonly string[]) => string | undefined
  problem: (message: string) => void
  /** Records something that starts but deserves an operator's look; logged once the logger exists. */
  warning: (message: string) => void
  /** Throws through `onProblems` when there are problems; else returns the warnings. */
  finish: (onProblems: (problems: string[]) => never) => string[]
}

export function createConfigReader (env: NodeJS.ProcessEnv): ConfigReader {
  const problems: string[] = []
  const warnings: string[] = []

  const optional = (name: VariableName): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  const integer = (name: VariableOfKind<'integer'>, raw: string): number | undefined => {
    const spec = variable(name)
    if (spec.kind !== 'integer') throw new TypeError(`${name} is not an integer variable`)
    const value = Number(raw)
    if (/^-?\d+$/.test(raw) && value >= spec.min && value <= spec.max) return value
    problems.push(`${name} must be an integer from ${spec.min} to ${spec.max} (got "${raw}")`)
    return undefined
  }

  // The value is never echoed: a Redis URL may carry a password.
  const url = (name: VariableOfKind<'url'>, protocols?: readonly string[]): string | undefined => {
    const spec = variable(name)
    if (spec.kind !== 'url') throw new TypeError(`${name} is not a URL variable`)
    const raw = optional(name)
    if (raw === undefined) return spec.default
    const allowed = protocols ?? spec.protocols
    let parsed: URL | undefined
    try { parsed = new URL(raw) } catch { parsed = undefined }
    if (parsed === undefined || !allowed.includes(parsed.protocol)) {
      problems.push(`${name} must be a ${allowed.join(' or ')} URL`)
      return spec.default
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
    string (name, fallback) {
      const spec = variable(name)
      return optional(name) ?? fallback ?? (spec.kind === 'string' ? spec.default : undefined) ?? ''
    },
    integer (name) {
      const spec = variable(name)
      const raw = optional(name)
      const value = raw === undefined ? undefined : integer(name, raw)
      if (value !== undefined) return value
      if (spec.kind !== 'integer' || spec.default === undefined) throw new TypeError(`${name} has no default: read it with optionalInteger`)
      return spec.default
    },
    optionalInteger (name) {
      const raw = optional(name)
      return raw === undefined ? undefined : integer(name, raw)
    },
    number (name) {
      const spec = variable(name)
      if (spec.kind !== 'number') throw new TypeError(`${name} is not a number variable`)
      const raw = optional(name)
      if (raw === undefined) return spec.default
      const value = Number(raw)
      if (/^\d+(\.\d+)?$/.test(raw) && value >= spec.min && value <= spec.max) return value
      problems.push(`${name} must be a number from ${spec.min} to ${spec.max} (got "${raw}")`)
      return spec.default
    },
    list (name) {
      return (optional(name) ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
    },
    choice (name) {
      const spec = variable(name)
      if (spec.kind !== 'choice') throw new TypeError(`${name} is not a choice`)
      const raw = optional(name)
      if (raw === undefined) return spec.default
      if (!spec.values.includes(raw)) {
        problems.push(`${name} must be one of ${spec.values.join(', ')} (got "${raw}")`)
        return spec.default
      }
      return raw
    },
    url,
    origin (name, protocols) {
      const value = url(name, protocols)
      if (value === undefined || optional(name) === undefined) return value
      const parsed = new URL(value)
      if (parsed.origin === value) return value
      // Neither the value nor its path is echoed: either may carry a password or a token.
      problems.push(parsed.username !== '' || parsed.password !== ''
        ? `${name} must not carry a user name or password`
        : `${name} must be only scheme://host[:port], without a path or query (write ${parsed.origin})`)
      const spec = variable(name)
      return spec.kind === 'url' ? spec.default : undefined
    },
    problem (message) { problems.push(message) },
    warning (message) { warnings.push(message) },
    finish (onProblems) {
      if (problems.length > 0) onProblems(problems)
      return warnings
    }
  }
}
