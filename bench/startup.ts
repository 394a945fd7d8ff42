/**
 * Production start-up: `node dist/server.js` as deployed (NODE_ENV=production, real credentials, an
 * https upstream), pinned to the servers' CPU while nothing else runs. Wall time from spawn until
 * /readyz first answers 200, then the RSS after two idle seconds, over a few starts.
 */
import { openSync, closeSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { rssMb, sleep, start, stop } from './processes.js'

export interface StartupFigure {
  /** Seconds from spawn to the first 200 from /readyz, one per start. */
  readySeconds: number[]
  /** VmRSS two seconds after ready, MB, one per start. */
  idleRssMb: number[]
}

// A production service that is not ready in this long is broken, not slow.
const GIVE_UP_MS = 20_000
const POLL_MS = 10
const IDLE_MS = 2_000

export async function measureStartup (options: {
  env: Record<string, string>
  port: number
  starts: number
  logDir: string
}): Promise<StartupFigure> {
  const figure: StartupFigure = { readySeconds: [], idleRssMb: [] }
  for (let i = 0; i < options.starts; i++) {
    // Logged to a file, as it would be collected, and kept for a look when it never gets ready.
    const logFile = join(options.logDir, `startup-${i}.log`)
    const log = openSync(logFile, 'w')
    const spawned = performance.now()
    const service = start(['dist/server.js'], { ...options.env, PORT: String(options.port) }, '1', ['ignore', log, 'inherit'])
    closeSync(log)
    try {
      figure.readySeconds.push((await firstReady(`http://127.0.0.1:${options.port}/readyz`, spawned, logFile)) / 1000)
      await sleep(IDLE_MS)
      figure.idleRssMb.push(rssMb(service.pid))
    } finally {
      await stop(service)
    }
  }
  return figure
}

/** Milliseconds from `since` to the first 200, polling every POLL_MS. */
async function firstReady (url: string, since: number, logFile: string): Promise<number> {
  while (performance.now() - since < GIVE_UP_MS) {
    const asked = performance.now()
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      await answer.arrayBuffer()
      if (answer.status === 200) return performance.now() - since
    } catch {}
    await sleep(Math.max(0, POLL_MS - (performance.now() - asked)))
  }
  throw new Error(`${url} was not ready after ${GIVE_UP_MS} ms; its log ends:\n${readFileSync(logFile, 'utf8').slice(-2000)}`)
}
