/**
 * `Scheduler.fifo`, the production run queue: first in, first out through its
 * growth (a ring buffer that doubles when full), its budget and slice, and a
 * drain requested on the host's macrotask. And the objects kept for V8
 * (`internal/resident.ts`): no runtime sees them.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Process, Runtime, Scheduler } from '../lib/index.js'

describe('Scheduler.fifo', () => {
  it('keeps first-in first-out order while it grows, with pops between the pushes', () => {
    const s = Scheduler.fifo<number>()
    const out: Array<number> = []
    let next = 0
    // the ring wraps before it grows: pops move its head, so the doubling unrolls a wrapped ring
    for (let round = 0; round < 5_000; round++) {
      s.push(next++)
      s.push(next++)
      s.push(next++)
      out.push(s.pop() as number)
    }
    while (!s.isEmpty()) out.push(s.pop() as number)
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i))
    expect(s.pop()).toBeUndefined()
  })

  it('is empty until pushed, and again when every entry is popped', () => {
    const s = Scheduler.fifo<string>()
    expect(s.isEmpty()).toBe(true)
    s.push('a')
    expect(s.isEmpty()).toBe(false)
    expect(s.pop()).toBe('a')
    expect(s.isEmpty()).toBe(true)
  })

  it('has the budget and slice it was given (2,000 steps and 1 ms by default)', () => {
    expect([Scheduler.fifo().budget(), Scheduler.fifo().sliceMs]).toEqual([2000, 1])
    const s = Scheduler.fifo({ budget: 7, sliceMs: 3 })
    expect([s.budget(), s.sliceMs]).toEqual([7, 3])
  })

  it('calls a requested drain in a later macrotask, not at once', async () => {
    const s = Scheduler.fifo()
    let drained = 0
    await new Promise<void>((done) => {
      s.request(() => {
        drained++
        done()
      })
      expect(drained).toBe(0)
    })
    expect(drained).toBe(1)
  })

  it('names a bad option', () => {
    expect(() => Scheduler.fifo({ budget: 0 })).toThrow('Scheduler.fifo: budget must be an integer >= 1, got number 0')
    expect(() => Scheduler.fifo({ sliceMs: -1 })).toThrow('Scheduler.fifo: sliceMs must be a finite number of ms > 0')
  })
})

describe('the objects kept for V8', () => {
  it('belong to no runtime: a new one has no process, numbers its pids from 1, and exits every process it runs', async () => {
    const rt = Runtime.make()
    expect(rt.processes()).toEqual([])
    const pid = rt.spawn(Process.receive(t.number))
    expect(String(pid)).toBe('#PID<0.1.0>')
    expect(rt.processes().length).toBe(1)
    expect(await rt.run(Effect.succeed(1))).toMatchObject({ _tag: 'Normal', value: 1 })
    await rt.shutdown()
    expect(rt.processes()).toEqual([])
  })
})
