/**
 * The busy wait (`lib/internal/node/poller.ts`) on a clock of the test's own:
 * how long it waits, what it takes, and how it backs off when waiting does
 * not pay (nothing came, or the thread was off the CPU during the wait).
 */
import { describe, expect, it } from 'vitest'
import { Poller } from '../../lib/internal/node/poller.js'

/** A clock that moves `stepUs` per reading, plus jumps the test asks for. */
const clock = (stepUs = 1) => {
  let t = 0
  let jump = 0
  return {
    now: (): number => {
      t += stepUs / 1000 + jump
      jump = 0
      return t
    },
    /** The next reading comes `us` later than a step (the thread was preempted). */
    jump: (us: number): void => void (jump = us / 1000)
  }
}

/** A port of queued messages; counts the polls. */
const port = (poller: Poller) => {
  const queued: Array<unknown> = []
  const taken: Array<unknown> = []
  let polls = 0
  const remove = poller.add({
    receiveNow: () => {
      polls++
      return queued.length > 0 ? { message: queued.shift() } : undefined
    },
    take: (m) => void taken.push(m)
  })
  return { queued, taken, polls: () => polls, remove }
}

describe('Poller', () => {
  it('takes what comes within the wait after the last message, from every port, then stops', () => {
    const c = clock()
    const poller = new Poller(50, c.now)
    const [a, b] = [port(poller), port(poller)]
    a.queued.push(1, 2)
    b.queued.push('x')
    poller.run()
    expect(a.taken).toEqual([1, 2])
    expect(b.taken).toEqual(['x'])
    // after the last one taken it polled for about 50 us on this clock (one reading per pass, 1 us each)
    expect(a.polls()).toBeGreaterThan(45)
    expect(a.polls()).toBeLessThan(60)
  })

  it('after a wait that took nothing, handles the next 1, 2, 4 ... messages without waiting; a wait that pays resets it', () => {
    const poller = new Poller(20, clock().now)
    const p = port(poller)
    const waited = (): boolean => {
      const before = p.polls()
      poller.run()
      return p.polls() > before
    }
    expect(Array.from({ length: 11 }, waited)).toEqual([
      true, // wasted: skip 1
      false,
      true, // wasted: skip 2
      false,
      false,
      true, // wasted: skip 4
      false,
      false,
      false,
      false,
      true // wasted: skip 8
    ])
    for (let i = 0; i < 8; i++) expect(waited()).toBe(false)
    p.queued.push('reply')
    expect(waited()).toBe(true) // paid: back to skipping 1 after the next wasted wait
    expect(p.taken).toEqual(['reply'])
    expect(Array.from({ length: 4 }, waited)).toEqual([true, false, true, false])
  })

  it('stops at once, as wasted, when a pass that took nothing was long: the thread was off the CPU', () => {
    const c = clock()
    const poller = new Poller(1000, c.now)
    let polls = 0
    poller.add({
      receiveNow: () => {
        if (++polls === 3) c.jump(200) // the third pass lasts 200 us: well within the 1000 us wait
        return undefined
      },
      take: () => undefined
    })
    poller.run()
    expect(polls).toBe(3)
    // counted as wasted: the next message does not wait
    poller.run()
    expect(polls).toBe(3)
  })

  it('waits 1 ms in all at most, however much keeps coming', () => {
    const poller = new Poller(50, clock().now)
    const p = port(poller)
    for (let i = 0; i < 10_000; i++) p.queued.push(i)
    poller.run()
    // one pass per 1 us on this clock: about 1,000 in 1 ms, of the 10,000 waiting
    expect(p.taken.length).toBeGreaterThan(900)
    expect(p.taken.length).toBeLessThanOrEqual(1001)
  })

  it('a removed port is polled no more; busyWaitMicros 0 polls nothing', () => {
    const poller = new Poller(50, clock().now)
    const p = port(poller)
    p.remove()
    p.queued.push(1)
    poller.run()
    expect(p.polls()).toBe(0)
    const none = new Poller(0, clock().now)
    const q = port(none)
    q.queued.push(1)
    none.run()
    expect(q.polls()).toBe(0)
  })
})
