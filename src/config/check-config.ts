import { ConfigError, loadConfig } from './config.js'
import { configErrorReport, configSummary } from './config-report.js'

interface Output { write: (text: string) => unknown, isTTY?: boolean }

/**
 * `--check-config`: reads the environment exactly as start-up does and reports, connecting to
 * nothing (no Redis, no WeChat Pay, no port): every problem at once and exit code 1, or `ok` and
 * what the configuration amounts to, and 0.
 */
export function checkConfig (env: NodeJS.ProcessEnv, stdout: Output, stderr: Output): number {
  try {
    stdout.write(configSummary(loadConfig(env)))
    return 0
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const report = configErrorReport(err, stdout.isTTY === true)
    ;(report.stream === 'stdout' ? stdout : stderr).write(report.text)
    return 1
  }
}
