import { statSync } from 'node:fs'

/**
 * How a private key file is open to other users of the machine, or undefined when it is not. Read
 * by every user always counts; read by its group only when that group is not one of the service's
 * own: that is how Kubernetes hands a non-root pod its Secret (fsGroup, mode 0440), and how a host
 * shares a file with one service's group.
 */
export function keyFileExposure (file: string): string | undefined {
  let mode: number
  let gid: number
  try {
    ({ mode, gid } = statSync(file))
  } catch {
    return undefined
  }
  const shown = `mode ${(mode & 0o777).toString(8).padStart(4, '0')}`
  if ((mode & 0o004) !== 0) return `is readable by every user (${shown})`
  if ((mode & 0o040) !== 0 && !serviceGroups().includes(gid)) return `is readable by group ${gid}, not the service's own (${shown})`
  return undefined
}

function serviceGroups (): number[] {
  // Both are absent on Windows, where file modes mean nothing of the kind.
  return [process.getgid?.(), ...(process.getgroups?.() ?? [])].filter((gid) => gid !== undefined)
}
