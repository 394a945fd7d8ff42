/**
 * Imported first by server.ts, so it runs before anything else loads: until the service listens,
 * SIGTERM and SIGINT end the process at once. Start-up may wait on Redis or on WeChat Pay's
 * certificates, and node as a container's PID 1 gets no default action for SIGTERM: without a
 * handler a pod stuck starting would wait out its whole grace period for SIGKILL. Nothing is in
 * flight yet, so there is nothing to drain.
 */
const exitWhileStarting = (signal: NodeJS.Signals): void => {
  process.stderr.write(`${signal} while starting: exiting before serving anything\n`)
  process.exit(0)
}

process.on('SIGTERM', exitWhileStarting)
process.on('SIGINT', exitWhileStarting)

/** Once the graceful shutdown is installed, it alone answers the signals. */
export function handOverSignals (): void {
  process.off('SIGTERM', exitWhileStarting)
  process.off('SIGINT', exitWhileStarting)
}
