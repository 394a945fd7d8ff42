import type { VariableSpec } from './variable.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** NODE_ENV values in which a missing WECHATPAY_MCHID means sandbox mode. */
export const SANDBOX_ENVS = ['development', 'test']

export const SERVER_VARIABLES = {
  HOST: {
    section: 'server',
    kind: 'string',
    default: '0.0.0.0',
    defaultText: '`0.0.0.0` (`127.0.0.1` in sandbox mode)',
    example: '0.0.0.0',
    meaning: 'Address to listen on. Sandbox mode is for one developer\'s machine, so it listens on loopback unless told otherwise.'
  },
  PORT: { section: 'server', kind: 'integer', default: 3000, min: 0, max: 65535, meaning: 'Port to listen on.' },
  LOG_LEVEL: {
    section: 'server',
    kind: 'choice',
    default: 'info',
    values: LOG_LEVELS,
    meaning: 'Logs are JSON lines on stdout, one access line per request, written in batches and at most a second late; ' +
      'with `NODE_ENV` `development` or `test` and stdout a terminal, `pino-pretty` (a dev dependency) prints them for people.'
  },
  NODE_ENV: {
    section: 'server',
    kind: 'string',
    default: 'development',
    meaning: `Sandbox mode runs only when it is ${SANDBOX_ENVS.map((env) => `\`${env}\``).join(' or ')}; any other value ` +
      '(`production`, `staging`, a typo) requires the WeChat Pay credentials. `production` also requires an `https` base URL.'
  },
  TRUST_PROXY: {
    section: 'server',
    kind: 'string',
    defaultText: '— (none)',
    meaning: 'Proxies whose `X-Forwarded-For` names the caller, so the per-caller limit sees callers rather than the load balancer: ' +
      '`true`, a hop count, or comma-separated addresses/CIDRs.'
  },
  SHUTDOWN_GRACE_MS: {
    section: 'server',
    kind: 'integer',
    default: 10_000,
    min: 0,
    max: 600_000,
    meaning: 'On SIGTERM/SIGINT, how long in-flight requests may finish; a second signal exits at once.'
  }
} as const satisfies Record<string, VariableSpec>
