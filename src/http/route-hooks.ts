/**
 * A route's hooks of one kind as onRoute hands them over (none, one, or a list), with `added` after
 * them: what a plugin that adds a hook to every route assigns back.
 */
export function withHooks<T> (existing: T | T[] | undefined, ...added: T[]): T[] {
  return [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...added]
}
