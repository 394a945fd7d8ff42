import { spawn, type ChildProcess } from 'node:child_process'
import type { KeyExportOptions, KeyObject } from 'node:crypto'
import type { FakeWechatpay } from './fake-wechatpay.js'

export interface ServiceProcess {
  child: ChildProcess
  /** http://127.0.0.1:PORT of the service. */
  url: string
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string
  /** Its JSON log lines so far. */
  logs: () => Array<Record<string, unknown>>
  /** SIGTERM, then resolves with the exit code (closing what the test opened). */
  stop: () => Promise<number | null>
}

/**
 * The real entry point, src/server.ts, as a process of its own (`node --import tsx`, as the tests
 * run the sources), configured against the fake WeChat Pay with `env` on top. `nodeFlags` come
 * before the entry, after tsx.
 */
export async function startServiceProcess (
  fake: FakeWechatpay, env: Record<string, string> = {}, nodeFlags: string[] = []
): Promise<ServiceProcess> {
  const { generated } = fake
  const pem = (key: KeyObject, type: 'pkcs8' | 'spki'): string => key.export({ type, format: 'pem' } as KeyExportOptions<'pem'>).toString()
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeFlags, 'src/server.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      WECHATPAY_MCHID: generated.mchid,
      WECHATPAY_MERCHANT_SERIAL_NO: generated.merchantSerialNo,
      WECHATPAY_PRIVATE_KEY: pem(generated.merchantPrivateKey, 'pkcs8'),
      WECHATPAY_PUBLIC_KEY_ID: generated.wechatpayPublicKeyId,
      WECHATPAY_PUBLIC_KEY: pem(generated.wechatpayPublicKey, 'spki'),
      WECHATPAY_BASE_URL: fake.simulator.url,
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return await exited
  }
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`server did not start:\n${output}`)) }, 20_000)
    const look = (): void => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1] !== undefined) { clearTimeout(timer); resolve(match[1]) }
    }
    child.stdout?.on('data', look)
    exited.then(() => { clearTimeout(timer); reject(new Error(`server exited:\n${output}`)) }, reject)
  }).catch(async (err: unknown) => {
    await stop()
    throw err
  })
  return {
    child,
    url,
    output: () => output,
    logs: () => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
    stop
  }
}
