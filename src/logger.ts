import { createRequire } from 'node:module'
import pino from 'pino'
import { DEVELOPMENT_ENVS } from './config/node-env.js'
import { loggedUrl } from './http/logged-url.js'

/** Nothing here should ever be logged; redaction is the second line of defence (`sign_information` echoes what we signed). */
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
  /** Always JSON: a transport would take the lines elsewhere. */
  stream?: { write: (line: string) => void } | undefined
  isTTY?: boolean
  resolvePretty?: () => string | undefined
  /** Absent, pino adds nothing and costs nothing. */
  mixin?: (() => Record<string, string>) | undefined
}

/** pino-pretty is a devDependency, absent from the production image: its absence falls back to JSON. */
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
 * A transport's worker runs files pino finds next to its own code, which only the installed package has (not
 * dist/): so the installed pino starts the transport and the logger gets it as its stream.
 */
export function withTransportStarted<T extends object> (options: T): Omit<T, 'transport'> & { stream?: pino.DestinationStream } {
  if (!('transport' in options)) return options
  const { transport, ...rest } = options as T & { transport: pino.TransportSingleOptions }
  const installed = createRequire(import.meta.url)('pino') as typeof pino
  return { ...rest, stream: installed.transport(transport) }
}

export const LOG_BATCH_BYTES = 4096
export const LOG_FLUSH_MS = 1_000

/**
 * One write per batch: an asynchronous write per line cost a sixth of a hot hit's CPU. Written synchronously,
 * as pino's own stdout default, so lines keep their order at exit; SIGKILL loses at most LOG_FLUSH_MS of lines.
 */
function stdoutDestination (): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true, minLength: LOG_BATCH_BYTES })
  const flush = (): void => {
    try {
      destination.flushSync()
    } catch {
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
