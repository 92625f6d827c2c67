import { describe, expect, it } from 'vitest'
import { EXITED, RUNNABLE, type Fiber } from '../../lib/internal/fiber.js'
import { ControlledScheduler, replayStrategy, type Strategy } from '../../lib/testing/schedule.js'

// Replay never drifts: every pick is recorded when it is made, and a process that stopped being
// runnable while queued (say, killed there) is dropped before any choice, so no pick lands on it.

const fiber = (id: number): Fiber => ({ pid: { id }, status: RUNNABLE, queued: true }) as unknown as Fiber

/** A strategy that always picks the last ready process, and remembers what it was offered. */
const last = (offered: Array<ReadonlyArray<number>>): Strategy => ({
  pick: (ready) => {
    offered.push(ready.map((f) => f.pid.id))
    return ready.length - 1
  },
  budget: () => 0
})

describe('the controlled scheduler', () => {
  it('drops a process that stopped being runnable while queued, before the strategy picks', () => {
    const offered: Array<ReadonlyArray<number>> = []
    const s = new ControlledScheduler(last(offered))
    const [a, b, c] = [fiber(1), fiber(2), fiber(3)]
    s.push(a)
    s.push(b)
    s.push(c)
    ;(c as { status: number }).status = EXITED // killed while waiting in the ready queue
    expect(s.pop()).toBe(b)
    expect(offered).toEqual([[1, 2]])
    expect(c.queued).toBe(false)
    expect(s.decisions).toEqual([{ pick: 1, budget: 0 }])
  })

  it('records a pick at once, even if its slice never asks for a budget', () => {
    const s = new ControlledScheduler(last([]))
    s.push(fiber(1))
    s.push(fiber(2))
    s.pop() // the kernel might skip it: the decision is already recorded
    s.pop()
    expect(s.decisions).toEqual([
      { pick: 1, budget: 0 },
      { pick: 0, budget: 0 }
    ])
  })

  it('a strict replay names the decision it cannot follow', () => {
    const s = new ControlledScheduler(
      replayStrategy(
        [
          { pick: 0, budget: 0 },
          { pick: 3, budget: 0 }
        ],
        true
      )
    )
    s.push(fiber(1))
    s.push(fiber(2))
    s.pop()
    s.push(fiber(3))
    expect(() => s.pop()).toThrow(/replay diverged at decision 1: it picks ready process #3 but only 2 are ready/)
  })
})
