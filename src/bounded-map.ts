/**
 * Sets `key` as the newest entry of a Map used as a bounded table (its insertion order is its age)
 * and drops the oldest entries past `max`: one caller cannot grow it, nor wipe every entry at once.
 * Returns what was dropped, oldest first.
 */
export function setNewest<K, V> (map: Map<K, V>, key: K, value: V, max: number): Array<[K, V]> {
  map.delete(key)
  map.set(key, value)
  const dropped: Array<[K, V]> = []
  for (const entry of map) {
    if (map.size <= max) break
    map.delete(entry[0])
    dropped.push(entry)
  }
  return dropped
}
