import { fileURLToPath } from 'node:url'
import type { FakeWechatpay } from './fake-wechatpay.js'
import { freePort } from './redis-server.js'
import { serviceEnvironment, startServiceProcess, type ServiceProcess } from './service-process.js'

export interface TracedService extends ServiceProcess {
  /** Its JSON log lines so far (they are written in batches, at most a second late). */
  logs: () => Array<Record<string, unknown>>
  /** SIGTERM, as an orchestrator stops it, then its exit code. */
  stop: () => Promise<number | null>
  /** The OpenTelemetry packages it had loaded when it exited. */
  loadedPackages: () => string[]
}

const PRELOAD = fileURLToPath(new URL('./loaded-packages.mjs', import.meta.url))

/**
 * The real entry point as a process of its own (service-process.ts) against the fake WeChat Pay,
 * with `env` on top: tracing starts there as in production, from the OTEL_* variables.
 */
export async function startTracedService (fake: FakeWechatpay, env: Record<string, string>): Promise<TracedService> {
  const service = await startServiceProcess({
    ...serviceEnvironment(fake),
    NODE_OPTIONS: `--import "${PRELOAD}"`,
    ...env
  }, await freePort())
  let stopped: Promise<number | null> | undefined
  return {
    ...service,
    logs: () => service.output().split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      stopped ??= (async () => {
        service.child.kill('SIGTERM')
        return await service.exited
      })()
      return await stopped
    },
    loadedPackages: () => {
      const line = /LOADED_PACKAGES (\[.*\])/.exec(service.output())?.[1]
      if (line === undefined) throw new Error(`the process did not report its packages:\n${service.output()}`)
      return (JSON.parse(line) as string[]).filter((name) => name.startsWith('@opentelemetry/') || name === '@fastify/otel')
    }
  }
}
