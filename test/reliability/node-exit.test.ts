/**
 * After `rt.shutdown()` Node exits by itself, right away: no timer, handle or
 * process is left (issue 8, items 2 and 5). Each script runs in its own Node process.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')

/** Runs a script of `scripts/` in a fresh Node; its output, exit code and wall time. */
const runScript = (name: string) => {
  const start = performance.now()
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'scripts', name)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - start }
}

describe('Node exits by itself after shutdown', () => {
  it('with never-ending finalizers, a killed process and sendAfter to names', () => {
    const r = runScript('shutdown-exits.ts')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout) as { shutdownMs: number; processes: number }
    expect(out.processes).toBe(0)
    expect(out.shutdownMs).toBeLessThan(5_000) // bounded by finalizerTimeout (100 ms), with room for a slow machine
    // the Node process ended by itself: well before the timers of 1e9 ms it was given
    expect(r.ms).toBeLessThan(25_000)
  })
})
