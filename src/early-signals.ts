// Until the service listens, SIGTERM ends the process at once: node as PID 1 has no default action, and a pod stuck
// starting would otherwise wait its whole grace period for SIGKILL.
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
