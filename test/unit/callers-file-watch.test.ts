import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NamedToken } from '../../src/callers/callers-file.js'
import { watchCallersFile } from '../../src/callers/callers-file-watch.js'

const A = 'frontend 8f2c1e0b7d6a4f3e9c5b2a1d\n'
const B = 'frontend 3b9d7f1a2c4e6081f5d3b7a9\n'
let dir: string
let file: string
let stop: () => void = () => {}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callers-watch-'))
  file = join(dir, 'callers')
})
afterEach(() => {
  stop()
  rmSync(dir, { recursive: true, force: true })
})

const tick = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 60)) }

interface Watched { applied: NamedToken[][], lines: Array<{ level: string, message: string }> }

function watch (readText?: (path: string) => Promise<string>): Watched {
  const applied: NamedToken[][] = []
  const lines: Array<{ level: string, message: string }> = []
  stop = watchCallersFile({
    path: file,
    initialText: A,
    onCallers: (callers) => { applied.push(callers) },
    log: {
      info: (_fields, message) => { lines.push({ level: 'info', message }) },
      error: (_fields, message) => { lines.push({ level: 'error', message }) }
    },
    intervalMs: 20,
    ...(readText === undefined ? {} : { readText })
  })
  return { applied, lines }
}

describe('watchCallersFile', () => {
  it('applies a new text once two reads agree, so a file caught half-written is never applied', async () => {
    // What each read sees: the start-up text, half a line (a writer caught mid-write), then the whole line.
    const reads = [A, 'frontend 3b9d7f', B, B, B]
    const { applied } = watch(async () => reads.length > 1 ? reads.shift() as string : reads[0] as string)
    for (let i = 0; i < 6; i++) await tick()
    expect(applied).toEqual([[{ name: 'frontend', token: '3b9d7f1a2c4e6081f5d3b7a9', purge: false }]])
  })

  it('says once that the file cannot be read, once that it can again, and again if it goes away again', async () => {
    writeFileSync(file, A)
    const { lines } = watch()
    unlinkSync(file)
    await tick()
    writeFileSync(file, A)
    await tick()
    unlinkSync(file)
    await tick()
    expect(lines.map((line) => `${line.level}: ${line.message}`)).toEqual([
      'error: callers file: cannot be read; the previous callers stay',
      'info: callers file: readable again',
      'error: callers file: cannot be read; the previous callers stay'
    ])
  })
})
