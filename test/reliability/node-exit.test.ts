/**
 * What only a Node process of its own can show: after `rt.shutdown()` Node
 * exits by itself, right away, with no timer, handle or process left (issue
 * 8, items 2 and 5); a process with slow steps does not starve the event
 * loop (item 3: before, it blocked the whole Node process, test runner included).
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nodeBundle } from '../node-bundle.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')

/** Runs a script of `scripts/` (its bundle) in a fresh Node; its output, exit code and wall time. */
const runScript = (name: string) => {
  const script = nodeBundle(join(here, 'scripts', name))
  const start = performance.now()
  const r = spawnSync(process.execPath, [script], {
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

describe('the host clock', () => {
  it('keeps timers of one duration in order, drops cleared ones, runs the rest past a throw, holds Node for none', () => {
    const r = runScript('timer-lists.ts')
    expect(r.status).toBe(0) // null: killed by the 30 s timeout, held by the cleared 60 s timers
    expect(JSON.parse(r.stdout)).toEqual({ fired: ['a', 'c', 'd', 'f'], uncaught: ['c threw'] })
  })
})

describe('fairness by time', () => {
  it('a process whose steps take 2 ms each lets host timers, other processes and their timers run', () => {
    const r = runScript('starve.ts')
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0) // null: killed by the 30 s timeout, the event loop starved
    const out = JSON.parse(r.stdout) as { hostMs: number; otherMs: number; sleptMs: number }
    // liveness, not speed: every one of them ran (the bound is loose on purpose, the machine is shared)
    expect(Math.max(out.hostMs, out.otherMs, out.sleptMs)).toBeLessThan(10_000)
  })
})
