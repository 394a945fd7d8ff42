import { spawn, type ChildProcess } from 'node:child_process'
import type { KeyExportOptions, KeyObject } from 'node:crypto'
import { TEST_ENV } from './app.js'
import type { FakeWechatpay } from './fake-wechatpay.js'

export interface ServiceProcess {
  child: ChildProcess
  url: string
  /** The exit code, once the process has exited (null when a signal ended it). */
  exited: Promise<number | null>
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string
  /** Sends SIGKILL if it still runs, and waits for the exit: for clean-up after a failed test. */
  kill: () => Promise<void>
}

const pem = (key: KeyObject, type: 'pkcs8' | 'spki'): string =>
  key.export({ type, format: 'pem' } as KeyExportOptions<'pem'>).toString()

/** The environment that configures the service against a fake WeChat Pay, keys inline, as tests' apps are. */
export function serviceEnvironment (fake: FakeWechatpay): Record<string, string> {
  const { generated } = fake
  return {
    ...TEST_ENV,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    WECHATPAY_MCHID: generated.mchid,
    WECHATPAY_MERCHANT_SERIAL_NO: generated.merchantSerialNo,
    WECHATPAY_PRIVATE_KEY: pem(generated.merchantPrivateKey, 'pkcs8'),
    WECHATPAY_PUBLIC_KEY_ID: generated.wechatpayPublicKeyId,
    WECHATPAY_PUBLIC_KEY: pem(generated.wechatpayPublicKey, 'spki'),
    WECHATPAY_BASE_URL: fake.simulator.url
  }
}

/**
 * The real entry point, src/server.ts, as a process of its own on a known port, resolved once
 * /readyz answers 200 there (so it works at any LOG_LEVEL). Rejects, with the process's output,
 * if it exits first or is not ready within `readyWithinMs`.
 */
export async function startServiceProcess (
  env: Record<string, string>,
  port: number,
  readyWithinMs = 30_000,
  /** Node's arguments: the TypeScript entry by default, or a built one. */
  args = ['--import', 'tsx', 'src/server.ts']
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  let exitCode: number | null | undefined
  // A test file that crashes must not leave its replicas running after the worker exits.
  const orphaned = (): void => { child.kill('SIGKILL') }
  process.once('exit', orphaned)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    exitCode = code
    process.off('exit', orphaned)
    resolve(code)
  }))
  const kill = async (): Promise<void> => {
    if (exitCode === undefined) child.kill('SIGKILL')
    await exited
  }
  const url = `http://127.0.0.1:${port}`
  const giveUpAt = Date.now() + readyWithinMs
  for (;;) {
    if (exitCode !== undefined) throw new Error(`the service exited (${String(exitCode)}) before it was ready:\n${output}`)
    if (Date.now() > giveUpAt) {
      await kill()
      throw new Error(`the service was not ready within ${readyWithinMs} ms:\n${output}`)
    }
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) })
      .then(async (res) => { await res.arrayBuffer(); return res.status }, () => 0)
    if (status === 200) return { child, url, exited, output: () => output, kill }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
