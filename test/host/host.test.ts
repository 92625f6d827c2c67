/**
 * The core needs no Node API: the run queue yields to the event loop through the best
 * macrotask the host has (`setImmediate`, else `MessageChannel`, else `setTimeout(0)`),
 * and a program runs, sleeps, crashes a process and exits Node by itself in a host without
 * `setImmediate` (a child process with the globals deleted before the library loads).
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { macrotaskOf, type Host } from '../../lib/internal/macrotask.js'
import { Scheduler } from '../../lib/index.js'
import { nodeBundle } from '../node-bundle.js'

/** Node's own `MessageChannel` (its declared port type lacks the `onmessage` it has). */
const NodeChannel = globalThis.MessageChannel as unknown as Host['MessageChannel']

const noTimeout: Host['setTimeout'] = () => {
  throw new Error('setTimeout used')
}

describe('the macrotask choice', () => {
  it('is setImmediate where it exists (Node), and fifo drains on it', () => {
    const posted: Array<() => void> = []
    const m = macrotaskOf({
      setImmediate: (f) => posted.push(f),
      MessageChannel: NodeChannel,
      setTimeout: noTimeout
    })
    expect(m.via).toBe('setImmediate')
    let ran = 0
    m.post(() => ran++)
    expect([ran, posted.length]).toEqual([0, 1])
    posted[0]?.()
    expect(ran).toBe(1)
    expect(Scheduler.macrotask()).toBe('setImmediate')
  })

  it('is MessageChannel without setImmediate (browsers, Web Workers): one task per callback, in order', async () => {
    const m = macrotaskOf({ MessageChannel: NodeChannel, setTimeout: noTimeout })
    expect(m.via).toBe('MessageChannel')
    const order: Array<string> = []
    await new Promise<void>((done) => {
      m.post(() => {
        order.push('a')
        // posted from inside a callback: runs after the ones already queued
        m.post(() => {
          order.push('c')
          done()
        })
      })
      m.post(() => order.push('b'))
      order.push('sync')
    })
    expect(order).toEqual(['sync', 'a', 'b', 'c'])
  })

  it('is setTimeout(0) last', () => {
    const calls: Array<number> = []
    const m = macrotaskOf({ setTimeout: (_f, ms) => calls.push(ms) })
    expect(m.via).toBe('setTimeout')
    m.post(() => {})
    expect(calls).toEqual([0])
  })
})

const run = promisify(execFile)
const script = nodeBundle(fileURLToPath(new URL('./without.ts', import.meta.url)))

/** Runs `without.ts` with `deleted` globals deleted; its JSON line. */
const without = async (...deleted: ReadonlyArray<string>): Promise<unknown> => {
  // a hang (a port keeping Node alive, a drain never posted) fails by the timeout
  const { stdout } = await run(process.execPath, [script, ...deleted], { timeout: 30_000 })
  return JSON.parse(stdout)
}

const ran = (macrotask: string) => ({
  macrotask,
  result: { n: 10_000, slept: true, down: '{:defect, %Error{message: "boom"}}' },
  virtual: 'virtual'
})

describe('a program in a host without Node APIs (child processes)', () => {
  it('runs the same with setImmediate, with only MessageChannel, and with only setTimeout', async () => {
    const [node, browserLike, bare] = await Promise.all([
      without(),
      without('setImmediate'),
      without('setImmediate', 'MessageChannel')
    ])
    expect(node).toEqual(ran('setImmediate'))
    expect(browserLike).toEqual(ran('MessageChannel'))
    expect(bare).toEqual(ran('setTimeout'))
  })
})
