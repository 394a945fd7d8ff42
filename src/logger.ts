import { createRequire } from 'node:module'
import pino from 'pino'

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
}

const PRETTY_ENVS = ['development', 'test']

/**
 * JSON lines (pino's default) everywhere except for a developer at a terminal: there, pino-pretty
 * if it is installed. It is a devDependency, absent from the production image, so it is only looked
 * for in development and test, and its absence falls back to JSON instead of failing start-up.
 */
export function loggerOptions (level: string, setup: LoggerSetup = {}) {
  const base = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The default request serializer is short; keep it, but never let headers in.
    serializers: {
      req: (req: { method: string, url: string }) => ({ method: req.method, url: req.url })
    }
  }
  if (setup.stream !== undefined) return { ...base, stream: setup.stream }
  const isTTY = setup.isTTY ?? process.stdout.isTTY === true
  if (level === 'silent' || !isTTY || !PRETTY_ENVS.includes(setup.nodeEnv ?? 'production')) {
    return { ...base, stream: stdoutDestination() }
  }
  const target = (setup.resolvePretty ?? resolvePretty)()
  if (target === undefined) return base
  // Redaction and serializers run in this thread, before lines reach the transport's worker.
  return { ...base, transport: { target, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
}

/** How much log text is gathered before one write to stdout, and how long it may wait at most. */
export const LOG_BATCH_BYTES = 4096
export const LOG_FLUSH_MS = 1_000

/**
 * Asynchronous, batched writes to stdout: a request never waits on the log pipe, and the lines of
 * about ten requests go out in one write. Each asynchronous write is a hop to libuv's thread pool,
 * which cost a sixth of a hot hit's CPU when every line made its own. A quiet service still shows
 * its lines within LOG_FLUSH_MS; pino flushes what is left when the process exits, and server.ts on
 * shutdown.
 */
function stdoutDestination (): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES })
  setInterval(() => {
    try {
      destination.flush()
    } catch {
      // Destroyed at exit: nothing left to flush.
    }
  }, LOG_FLUSH_MS).unref()
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
