import { existsSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config/config.js'

// A .env file may supply variables; real environment variables win over it.
if (existsSync('.env')) process.loadEnvFile('.env')

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`${err.message}\n`)
  process.exit(1)
}

const app = await buildApp(config)

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish within SHUTDOWN_GRACE_MS, close
// the upstream pools and Redis, exit 0. A second signal exits at once (close-with-grace).
closeWithGrace({ delay: config.server.shutdownGraceMs, logger: app.log }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
  // The logger's last batch is written on exit (logger.ts), after this line.
})

await app.listen({ host: config.server.host, port: config.server.port })
