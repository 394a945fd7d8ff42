import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const redocly = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url))

interface LintReport {
  totals: { errors: number, warnings: number, ignored: number }
  problems: Array<{ ruleId: string, severity: string, message: string, location: Array<{ pointer: string }> }>
}

/** `redocly lint` as a developer runs it: redocly.yaml and its ignore file from the repository root. */
async function lint (): Promise<{ exitCode: number, report: LintReport }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [redocly, 'lint', '--format=json'], { cwd: root })
    return { exitCode: 0, report: JSON.parse(stdout) as LintReport }
  } catch (err) {
    // A failing lint exits non-zero and still prints its report; stderr only holds notices (Node 20's end of support).
    const failed = err as { code?: number, stdout?: string, stderr?: string }
    if (failed.stdout === undefined || failed.stdout === '') throw err
    return { exitCode: failed.code ?? -1, report: JSON.parse(failed.stdout) as LintReport }
  }
}

describe('redocly lint of openapi/openapi.json (recommended rules)', () => {
  it('passes with no error and no warning, and nothing ignored: every route documents its 4XX, the probes too', async () => {
    const { exitCode, report } = await lint()
    const found = report.problems.map((problem) => `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}`)
    expect(found).toEqual([])
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 })
    expect(exitCode).toBe(0)
  }, 60_000)
})
