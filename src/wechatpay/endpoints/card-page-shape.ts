import { parseJsonObject } from './json-object.js'

/** Nothing else is interpreted, so fields WeChat Pay adds later reach callers untouched. */
export function checkCardPageShape (body: Buffer): string | undefined {
  const page = parseJsonObject(body)
  if (typeof page === 'string') return page
  if (!Array.isArray(page.data)) return 'the body has no data array'
  if (typeof page.total_count !== 'number') return 'the body has no numeric total_count'
  return undefined
}
