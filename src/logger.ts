import { createRequire } from 'node:module'
import pino from 'pino'
import { DEVELOPMENT_ENVS } from './config/node-env.js'
import { loggedUrl } from './http/logged-url.js'

/**
 * Paths pino censors at every level. Nothing here should ever be logged in the first place;
 * redaction is the second line of defence for headers, key material and WeChat's
 * `sign_information`, which echoes the message we signed.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'sign_information',
  '*.sign_information',
  '*.*.sign_information',
  'detail.sign_information',
  'privateKey',
  '*.privateKey',
  'apiv3Key',
  '*.apiv3Key',
  'credentials',
  '*.credentials'
]

export interface LoggerSetup {
  nodeEnv?: string
  /** Where lines go instead of stdout (tests). Always JSON: a transport would take the lines elsewhere. */
  stream?: { write: (line: string) => void } | undefined
  /** Whether stdout is a terminal; injected by tests. */
  isTTY?: boolean
  /** Finds pino-pretty, or undefined when it is not installed; injected by tests. */
  resolvePretty?: () => string | undefined
  /** Fields added to every line (the trace's ids, when tracing is on); absent, pino adds nothing and costs nothing. */
  mixin?: (() => Record<string, string>) | undefined
}

/**
 * JSON lines (pino's default) everywhere except for a developer at a terminal: there, pino-pretty
 * if it is installed. It is a devDependency, absent from the production image, so it is only looked
 * for in development and test, and its absence falls back to JSON instead of failing start-up.
 */
export function loggerOptions (level: string, setup: LoggerSetup = {}) {
  const base = {
    level,
    mixin: setup.mixin,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The default request serializer is short; keep it, but never let headers in.
    serializers: {
      req: (req: { method: string, url: string }) => ({ method: req.method, url: loggedUrl(req.url) })
    }
  }
  if (setup.stream !== undefined) return { ...base, stream: setup.stream }
  const isTTY = setup.isTTY ?? process.stdout.isTTY === true
  if (level === 'silent' || !isTTY || !DEVELOPMENT_ENVS.includes(setup.nodeEnv ?? 'production')) {
    return { ...base, stream: stdoutDestination() }
  }
  const target = (setup.resolvePretty ?? resolvePretty)()
  if (target === undefined) return base
  // Redaction and serializers run in this thread, before lines reach the transport's worker.
  return { ...base, transport: { target, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
}

/**
 * The logger options with their transport, if any, already started. Fastify makes the logger with
 * pino as bundled into dist/, but a transport's worker thread runs files pino finds next to its own
 * code, which only the installed package has. So the installed pino starts the transport here and
 * the logger gets it as its stream: the same lines, from the same worker.
 */
export function withTransportStarted<T extends object> (options: T): Omit<T, 'transport'> & { stream?: pino.DestinationStream } {
  if (!('transport' in options)) return options
  const { transport, ...rest } = options as T & { transport: pino.TransportSingleOptions }
  const installed = createRequire(import.meta.url)('pino') as typeof pino
  return { ...rest, stream: installed.transport(transport) }
}

/** How much log text is gathered before one write to stdout, and how long it may wait at most. */
export const LOG_BATCH_BYTES = 4096
export const LOG_FLUSH_MS = 1_000

/**
 * Batched writes to stdout: the lines of about ten requests go out in one write. Every line used
 * to be its own asynchronous write, a hop to libuv's thread pool that cost a sixth of a hot hit's
 * CPU. The batch is written synchronously, as pino's own default for stdout is, so lines leave in
 * order even when the process exits with a write under way. A quiet service still shows its lines
 * within LOG_FLUSH_MS, and what is left is written when the process exits. A process killed outright
 * (SIGKILL, the OOM killer) loses the batch not yet written, at most LOG_FLUSH_MS of lines.
 */
function stdoutDestination (): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true, minLength: LOG_BATCH_BYTES })
  const flush = (): void => {
    try {
      destination.flushSync()
    } catch {
      // Already closed: nothing left to write.
    }
  }
  setInterval(flush, LOG_FLUSH_MS).unref()
  // pino only registers its own exit flush for asynchronous destinations.
  process.once('exit', flush)
  return destination
}

function resolvePretty (): string | undefined {
  try {
    // An absolute path: pino resolves a bare name from its own location, which may not see it.
    return createRequire(import.meta.url).resolve('pino-pretty')
  } catch {
    return undefined
  }
}
