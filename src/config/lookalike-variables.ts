import { VARIABLE_NAMES } from './variables.js'

/**
 * Variables that look like one of the table's but are not (`WECHATPAY_MCHD`, `REDIS_URI`,
 * `CACHE_TTL`): a typo that would otherwise leave the real variable at its default in silence.
 * Each gets one warning naming the closest real variable; values are never read, let alone echoed.
 */
export function lookalikeWarnings (env: NodeJS.ProcessEnv): string[] {
  const known = new Set<string>(VARIABLE_NAMES)
  return Object.keys(env).filter((name) => !known.has(name)).flatMap((name) => {
    const meant = closestVariable(name)
    return meant === undefined ? [] : [`${name} is not a variable of this service and is ignored: did you mean ${meant}?`]
  })
}

/** The variable `name` was probably meant to be: one it begins (CACHE_TTL), else one a typo or two away. */
export function closestVariable (name: string): string | undefined {
  // Two words at least: npm sets NODE, which is no shortened NODE_ENV.
  const extended = name.includes('_') ? VARIABLE_NAMES.filter((variable) => variable.startsWith(`${name}_`)) : []
  if (extended.length > 0) return extended.reduce((a, b) => (b.length < a.length ? b : a))
  // Short names get one edit at most: HOME is two from HOST, and set everywhere.
  const allowed = Math.max(1, Math.floor(name.length / 6))
  let best: { variable: string, distance: number } | undefined
  for (const variable of VARIABLE_NAMES) {
    const distance = editDistance(name, variable)
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { variable, distance }
  }
  return best?.variable
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
