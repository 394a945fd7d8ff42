import { entryBytes, type CacheEntry } from './cache-entry.js'
import { currentEntry, generationOf, type PageKeys, type PageStore, type StoredRead } from './page-store.js'
import { setNewest } from '../bounded-map.js'

export interface MemoryStoreOptions {
  maxEntries: number
  maxBytes: number
  now?: () => number
}

interface Slot {
  entry: CacheEntry
  expiresAt: number
  bytes: number
}

/**
 * Bounded in entries and bytes, so a burst of distinct pages cannot grow the heap. Generations are bounded too:
 * a forgotten one reads as `#floor`, the last value forgotten, so a purged page never matches again.
 */
export class MemoryPageStore implements PageStore {
  readonly kind = 'memory'
  readonly #slots = new Map<string, Slot>()
  readonly #generations = new Map<string, number>()
  readonly #options: MemoryStoreOptions
  readonly #now: () => number
  #bytes = 0
  #clock = 0
  #floor = 0

  constructor (options: MemoryStoreOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  async read (keys: PageKeys): Promise<StoredRead> {
    const generation = generationOf(keys.generations.map((key) => this.#generation(key)))
    const slot = this.#slots.get(keys.page)
    if (slot === undefined) return { entry: undefined, generation }
    if (slot.expiresAt <= this.#now()) {
      this.#remove(keys.page, slot)
      return { entry: undefined, generation }
    }
    this.#slots.delete(keys.page)
    this.#slots.set(keys.page, slot)
    return { entry: currentEntry(slot.entry, generation), generation }
  }

  async write (keys: PageKeys, entry: CacheEntry, retentionMs: number): Promise<boolean> {
    const bytes = entryBytes(entry) + 256
    if (bytes > this.#options.maxBytes) return false
    const previous = this.#slots.get(keys.page)
    if (previous !== undefined) this.#remove(keys.page, previous)
    this.#slots.set(keys.page, { entry, expiresAt: this.#now() + retentionMs, bytes })
    this.#bytes += bytes
    this.#evict()
    return true
  }

  async purge (generationKeys: string[]): Promise<boolean> {
    for (const key of generationKeys) {
      for (const [, value] of setNewest(this.#generations, key, ++this.#clock, this.#options.maxEntries)) this.#floor = value
    }
    return true
  }

  health (): 'memory' {
    return 'memory'
  }

  async close (): Promise<void> {
    this.#slots.clear()
    this.#bytes = 0
  }

  get size (): number {
    return this.#slots.size
  }

  get bytes (): number {
    return this.#bytes
  }

  get generationCount (): number {
    return this.#generations.size
  }

  #generation (key: string): string {
    return String(this.#generations.get(key) ?? this.#floor)
  }

  #evict (): void {
    // Map iteration order is insertion order: the first key is the least recently used.
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) break
      this.#remove(key, slot)
    }
  }

  #remove (key: string, slot: Slot): void {
    this.#slots.delete(key)
    this.#bytes -= slot.bytes
  }
}
