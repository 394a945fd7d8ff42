import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config/config.js'

/**
 * The OpenAPI document exactly as GET /docs/json serves it, built from the route schemas of the
 * same app. Sandbox mode needs no credentials and never changes the documented API.
 */
export async function buildOpenApiDocument (): Promise<string> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }))
  try {
    await app.ready()
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
  }
}
