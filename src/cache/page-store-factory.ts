import { FleetFill, type FillLock, type FleetFillOptions, type PurgeChannel } from './fleet-fill.js'
import { LayeredPageStore } from './layered-store.js'
import { MemoryPageStore } from './memory-store.js'
import type { PageStore } from './page-store.js'

export interface SharedStore {
  pages: PageStore
  lock: FillLock & PurgeChannel
}

export interface PageStoreOptions {
  shared: SharedStore | undefined
  maxEntries: number
  maxBytes: number
  /** 0: never. */
  localTtlMs: number
  fillWaitMs: number
  now?: (() => number) | undefined
  observeFleetWait?: FleetFillOptions['observeWait']
}

export interface PageStores {
  store: PageStore
  fleet: FleetFill | undefined
  close: () => Promise<void>
}

/** The one place that chooses how pages are stored: a new kind of store goes here. */
export function createPageStores (options: PageStoreOptions): PageStores {
  const { shared, now } = options
  if (shared === undefined) {
    const store = new MemoryPageStore({ maxEntries: options.maxEntries, maxBytes: options.maxBytes, now })
    return { store, fleet: undefined, close: async () => { await store.close() } }
  }
  const { pages, lock } = shared
  // Waiters look for another replica's fill in the shared store itself, never in this process's copies.
  const { fillWaitMs } = options
  const fleet = new FleetFill({
    lock, store: pages, waitMs: fillWaitMs, lockTtlMs: fleetLockTtlMs(fillWaitMs), now, observeWait: options.observeFleetWait
  })
  let store: PageStore = pages
  if (options.localTtlMs > 0) {
    const layered = new LayeredPageStore(pages, {
      localTtlMs: options.localTtlMs,
      maxEntries: options.maxEntries,
      maxBytes: options.maxBytes,
      announcePurge: async (keys) => { await lock.announcePurge(keys) },
      now
    })
    lock.onPurge(() => { layered.dropLocal() })
    lock.onFill((pageKey) => { layered.dropPage(pageKey) })
    store = layered
  }
  return {
    store,
    fleet,
    close: async () => {
      await lock.close()
      await store.close()
    }
  }
}

/** At most half the upstream deadline, so the lock of a holder that died is gone while its waiters still wait. */
export function fleetLockTtlMs (timeoutMs: number): number {
  return Math.max(300, Math.min(2_000, Math.floor(timeoutMs / 2)))
}
