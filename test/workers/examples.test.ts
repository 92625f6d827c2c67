/**
 * examples/workers-supervisor.ts: its `main` in the test process, and the file run as a script.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { main } from '../../examples/workers-supervisor.js'
import { capturedLog } from '../support.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

const lines = capturedLog()

const squares = Array.from({ length: 12 }, (_, i) => (i + 1) ** 2)

describe('examples/workers-supervisor', () => {
  it('finishes every job across the thread crash: the supervisor restarts both squarers on a new thread', async () => {
    const out = await main()
    expect(out.results).toEqual(squares)
    expect(out.retries).toBe(1)
    expect(out.threadStarts).toBe(2)
    expect(out.log.filter((l) => l.startsWith('started '))).toHaveLength(4)
    expect(out.log).toContain('thread pool down: exited with code 1')
    expect(out.log).toContain('job 7: no answer on attempt 1, retrying')
    expect(out.log.at(-1)).toBe('thread pool down: stopped')
    expect(lines.at(-1)).toBe('  12 jobs done, 2 thread starts')
  })

  it('runs as a script (node --import tsx) and exits by itself', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'examples/workers-supervisor.ts'],
        { cwd: root, timeout: 60_000 },
        (error, out) => (error === null ? resolve(out) : reject(error))
      )
    )
    expect(stdout).toContain('  12 jobs done, 2 thread starts')
  })
})
