import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

export interface NginxBalancer {
  url: string
  /** The configuration nginx runs, for failure messages. */
  config: string
  output: () => string
  stop: () => Promise<void>
}

const composeFile = new URL('../../docker-compose.yml', import.meta.url)

/**
 * The balancer of docker-compose.yml's `replicas` profile, as shipped: its server block taken
 * verbatim from `configs.balancer.content`, with only what Compose and Docker's DNS would supply
 * filled in (the replicas' addresses for `replica:${PORT}`, a loopback port for 8080, `$$` → `$`).
 * Docker's resolver does not exist here, and Debian's nginx predates `resolve`: both go, since the
 * addresses are given; the compose file's unit test checks they are there.
 * A fix to the shipped configuration is therefore what this balancer runs.
 */
export function balancerConfig (replicaPorts: number[], listenPort: number): string {
  const compose = parse(readFileSync(composeFile, 'utf8')) as { configs?: Record<string, { content?: string }> }
  const content = compose.configs?.balancer?.content
  if (content === undefined) throw new Error('docker-compose.yml has no configs.balancer.content')
  const lines = content.replaceAll('$$', '$').split('\n').flatMap((line) => {
    // Docker's DNS answers `replica` with every replica's address; nginx makes one server of each.
    if (/^\s*resolver 127\.0\.0\.11\b/.test(line)) return []
    const server = /^(\s*)server replica:\$\{PORT:-3000\}(.*?)( resolve)?;$/.exec(line)
    if (server !== null) return replicaPorts.map((port) => `${server[1] ?? ''}server 127.0.0.1:${port}${server[2] ?? ''};`)
    return [line.replace(/^(\s*)listen 8080;$/, `$1listen 127.0.0.1:${listenPort};`)]
  })
  const server = lines.join('\n')
  if (/\$\{|replica:|listen 8080;|resolve/.test(server)) {
    throw new Error(`the balancer configuration changed shape; update this helper:\n${server}`)
  }
  return server
}

/** Runs Debian's nginx in the foreground with `balancerConfig` inside a minimal http block, all files in a temp dir. */
export async function startNginxBalancer (replicaPorts: number[], listenPort: number): Promise<NginxBalancer> {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-nginx-'))
  const config = [
    `pid ${dir}/nginx.pid;`,
    'worker_processes 1;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
    balancerConfig(replicaPorts, listenPort),
    '}'
  ].join('\n')
  writeFileSync(join(dir, 'nginx.conf'), config)
  // -e: errors to stderr from the start, not to the package's /var/log/nginx; daemon off: the child is nginx's master.
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  let running = true
  // A test file that crashes must not leave nginx running after the worker exits. SIGTERM, not
  // SIGKILL: the master then stops its worker process before exiting.
  const orphaned = (): void => { child.kill('SIGTERM') }
  process.once('exit', orphaned)
  const exited = new Promise<void>((resolve) => {
    const ended = (): void => { running = false; process.off('exit', orphaned); resolve() }
    child.once('error', (err) => { output += `${err.message}\n`; ended() })
    child.once('exit', ended)
  })
  const stop = async (): Promise<void> => {
    if (running) child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  const giveUpAt = Date.now() + 10_000
  while (!await accepts(listenPort)) {
    if (!running || Date.now() > giveUpAt) {
      await stop()
      throw new Error(`nginx did not start (is Debian's nginx installed?):\n${output}\n${config}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url: `http://127.0.0.1:${listenPort}`, config, output: () => output, stop }
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}
