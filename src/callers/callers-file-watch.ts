import { readFile } from 'node:fs/promises'
import { parseCallers, type NamedToken } from './callers-file.js'

export interface CallersFileWatchOptions {
  path: string
  initialText: string
  weakness?: (token: string) => string | undefined
  onCallers: (callers: NamedToken[]) => void
  log: { info: (fields: object, message: string) => void, error: (fields: object, message: string) => void }
  intervalMs?: number
  /** How the file is read (a test makes each read see what it wants). */
  readText?: (path: string) => Promise<string>
}

/** Polling, not fs.watch: a Secret volume swaps a symlink the file sits behind, which inotify on the file never reports. */
export function watchCallersFile (options: CallersFileWatchOptions): () => void {
  const { path, log } = options
  let last = options.initialText
  // A new text is applied once two reads in a row agree: a writer that is not atomic (an editor, a
  // redirect into a bind mount) is never caught half-way, at the cost of one more second.
  let candidate: string | undefined
  let lastError: string | undefined
  let reading = false
  const check = async (): Promise<void> => {
    let text: string
    try {
      text = await (options.readText ?? (async (at: string) => await readFile(at, 'utf8')))(path)
    } catch (err) {
      const message = (err as NodeJS.ErrnoException).code ?? String(err)
      if (message !== lastError) {
        log.error({ callers_file: path, error: message }, 'callers file: cannot be read; the previous callers stay')
      }
      lastError = message
      return
    }
    if (lastError !== undefined) log.info({ callers_file: path }, 'callers file: readable again')
    lastError = undefined
    if (text === last || text !== candidate) {
      candidate = text === last ? undefined : text
      return
    }
    last = text
    candidate = undefined
    const parsed = parseCallers(text, options.weakness)
    if (!parsed.ok) {
      log.error({ callers_file: path, line: parsed.line, reason: parsed.reason },
        `callers file: line ${parsed.line}: ${parsed.reason}; the previous callers stay`)
      return
    }
    options.onCallers(parsed.callers)
    log.info({ callers_file: path, callers: [...new Set(parsed.callers.map((caller) => caller.name))] }, 'callers file: reloaded')
  }
  const timer = setInterval(() => {
    if (reading) return
    reading = true
    check().finally(() => { reading = false })
  }, options.intervalMs ?? 1_000)
  timer.unref()
  return () => { clearInterval(timer) }
}
