import { DEVELOPMENT_ENVS } from '../node-env.js'
import type { VariableSpec } from './variable.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

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
    meaning: `Sandbox mode runs only when it is ${DEVELOPMENT_ENVS.map((env) => `\`${env}\``).join(' or ')}. Any other value ` +
      '(`production`, `staging`, a typo) gets production\'s rules: the WeChat Pay credentials are required, WeChat Pay URLs ' +
      'must be `https`, tokens must not be guessable, and start-up warns when no token guards `/cards` or `TRUST_PROXY` is `true`.'
  },
  TRUST_PROXY: {
    section: 'server',
    kind: 'string',
    defaultText: '— (none)',
    meaning: 'Proxies whose `X-Forwarded-For` names the caller, so the per-caller limit sees callers rather than the load balancer: ' +
      'their comma-separated addresses or CIDRs (best), or a hop count, the number of proxies in front of the service. ' +
      '`true` believes any `X-Forwarded-For`, so a caller can choose its own address: under production\'s rules start-up ' +
      'warns of it. Anything else is refused at start-up.'
  },
  REQUEST_TIMEOUT_MS: {
    section: 'server',
    kind: 'integer',
    default: 10_000,
    min: 1_000,
    max: 120_000,
    meaning: 'How long a request may take to arrive, headers and all: a caller that trickles it in gets a `408` problem ' +
      'and its connection is closed.'
  },
  SOCKET_TIMEOUT_MS: {
    section: 'server',
    kind: 'integer',
    min: 5_000,
    max: 3_600_000,
    defaultText: '`60000`, or more when the longest `/cards/all` could take longer',
    meaning: 'How long a connection may stay silent before it is closed, within a request or kept alive between two. ' +
      'It must outlast the longest legitimate request, ' +
      '`/cards/all` reading `CARDS_ALL_MAX` cards at `UPSTREAM_MAX_RPS` (twice, for a list that changes mid-read) ' +
      'within `WECHATPAY_TIMEOUT_MS` per page; a smaller value is refused at start-up.'
  },
  SERVER_MAX_CONNECTIONS: {
    section: 'server',
    kind: 'integer',
    default: 4096,
    min: 16,
    max: 1_000_000,
    meaning: 'Most connections open at once; past it new connections are closed at once, so a flood of idle sockets ' +
      'cannot exhaust the process.'
  },
  DOCS_ENABLED: {
    section: 'server',
    kind: 'choice',
    default: 'true',
    values: ['true', 'false'],
    meaning: '`false` turns off Swagger UI at `/docs` and the OpenAPI document at `/docs/json`.'
  },
  CORS_ORIGINS: {
    section: 'server',
    kind: 'list',
    defaultText: '— (no CORS headers)',
    meaning: 'Origins whose web pages may call the service from a browser (CORS), comma-separated, each exactly as browsers ' +
      'send `Origin`: `scheme://host[:port]`, lowercase, without a path or a default port, e.g. ' +
      '`https://admin.example.com,http://localhost:5173`. Unset, no answer carries CORS headers, so only pages of the ' +
      'service\'s own origin can read answers. Origins are matched exactly, so a wildcard such as `https://*.example.com` ' +
      'is refused; so is `*`: any web page could then read an open service through its visitors\' browsers. ' +
      'See [calling from a browser](api.md#calling-from-a-browser).'
  },
  METRICS_PORT: {
    section: 'server',
    kind: 'integer',
    min: 0,
    max: 65535,
    defaultText: '— (`/metrics` on `PORT`)',
    meaning: 'Serve `/metrics` on a listener of its own on this port, and not on `PORT`, so the metrics need not share ' +
      'the public port.'
  },
  METRICS_HOST: {
    section: 'server',
    kind: 'string',
    defaultText: '`HOST`',
    meaning: 'With `METRICS_PORT`: the address the metrics listener binds to.'
  },
  SHUTDOWN_GRACE_MS: {
    section: 'server',
    kind: 'integer',
    min: 0,
    max: 600_000,
    defaultText: '`10000`, or more when the longest `/cards/all` could take longer',
    meaning: 'On SIGTERM/SIGINT, how long in-flight requests may finish; a second signal exits at once. ' +
      'Less than the longest legitimate request (see `SOCKET_TIMEOUT_MS`) cuts such requests on every rollout, ' +
      'and start-up warns. The platform\'s own grace (`terminationGracePeriodSeconds`, `stop_grace_period`) must exceed it.'
  }
} as const satisfies Record<string, VariableSpec>
