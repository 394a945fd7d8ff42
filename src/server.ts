// First: signals end a process that is still starting (see the module).
import { handOverSignals } from './early-signals.js'
import { existsSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './config/config.js'
import { checkConfig } from './config/check-config.js'
import { configErrorReport } from './config/config-report.js'

// A .env file may supply variables; real environment variables win over it.
if (existsSync('.env')) process.loadEnvFile('.env')

// --check-config: report on the configuration and exit, having started nothing.
if (process.argv.includes('--check-config')) {
  process.exit(checkConfig(process.env, process.stdout, process.stderr))
}

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  const report = configErrorReport(err, process.stdout.isTTY === true)
  process[report.stream].write(report.text)
  process.exit(1)
}

// Tracing starts before the app is imported: the Redis instrumentation patches ioredis as it is first
// loaded. Without an endpoint no OpenTelemetry module is loaded at all.
const { tracesUrl, protocol } = config.tracing
const tracing = tracesUrl === undefined
  ? undefined
  : await (await import('./tracing/start-tracing.js')).startTracing({ tracesUrl, protocol })
const { buildApp } = await import('./app.js')
const app = await buildApp(config, { tracing })
tracing?.reportTo(app.log)

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish within SHUTDOWN_GRACE_MS, close
// the upstream pools and Redis, export the last spans, exit 0. A second signal exits at once
// (close-with-grace).
const graceMs = config.server.shutdownGraceMs
handOverSignals()
closeWithGrace({ delay: graceMs, logger: app.log }, async ({ signal, err }) => {
  const deadline = Date.now() + graceMs
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
  // Whatever grace is left, less a margin to exit in: the exporter's own timeout is longer.
  await tracing?.shutdown(deadline - Date.now() - 100)
  // The logger's last batch is written on exit (logger.ts), after this line.
})

await app.listen({ host: config.server.host, port: config.server.port })
