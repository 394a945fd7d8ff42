/** Where a variable belongs: the configuration slice it fills, and its group in the docs. */
export type Section = 'server' | 'wechatpay' | 'protection' | 'cache' | 'redis' | 'tracing'

interface Common {
  section: Section
  /** What it does, for docs/configuration.md and .env.example; one or two sentences. */
  meaning: string
  /** How the default reads in the docs when it is not a plain value (a mode, a derived value). */
  defaultText?: string
  /** What .env.example sets, when that is not the default (the compose stack's own values). */
  example?: string
}

/**
 * One environment variable: its kind, bounds and default, declared once. loadConfig reads it
 * through this declaration, and the docs and .env.example are generated from it.
 */
export type VariableSpec =
  | Common & { kind: 'integer', default?: number, min: number, max: number }
  | Common & { kind: 'number', default: number, min: number, max: number }
  | Common & { kind: 'string', default?: string }
  | Common & { kind: 'choice', default: string, values: readonly string[] }
  | Common & { kind: 'list' }
  | Common & { kind: 'url', default?: string, protocols: readonly string[] }
