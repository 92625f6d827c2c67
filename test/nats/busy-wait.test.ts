/**
 * The busy wait of the NATS transport (lib/nats/busy-wait.ts): on a clock and
 * a turn queue of the test's own, then on Node's event loop (no server needed).
 */
import { describe, expect, it } from 'vitest'
import { busyWait, type SpinHost } from '../../lib/nats/busy-wait.js'

/** A host whose clock the test sets and whose turns it runs one by one. */
const manual = () => {
  let t = 0
  const turns: Array<() => void> = []
  const host: SpinHost = { now: () => t, next: (f) => void turns.push(f) }
  return {
    host,
    turns,
    at: (ms: number) => void (t = ms),
    /** Runs the turns queued now; how many ran. */
    step: (): number => {
      const now = turns.splice(0)
      now.forEach((f) => f())
      return now.length
    }
  }
}

describe('busyWait', () => {
  it('after a poke, keeps one turn queued until its time is up, then stops', () => {
    const m = manual()
    const spin = busyWait(50, m.host) // 50 us = 0.05 ms
    expect(m.turns).toHaveLength(0)
    expect(spin.spinning()).toBe(false)
    spin.poke()
    expect(spin.spinning()).toBe(true)
    m.at(0.02)
    expect(m.step()).toBe(1)
    m.at(0.049)
    expect(m.step()).toBe(1)
    expect(m.turns).toHaveLength(1) // still turning
    m.at(0.05)
    expect(m.step()).toBe(1)
    expect(m.turns).toHaveLength(0)
    expect(spin.spinning()).toBe(false)
  })

  it('a poke while turning moves the end, without a second chain of turns', () => {
    const m = manual()
    const spin = busyWait(50, m.host)
    spin.poke()
    m.at(0.04)
    spin.poke() // now ends at 0.09
    spin.poke()
    expect(m.turns).toHaveLength(1)
    m.at(0.08)
    m.step()
    expect(m.turns).toHaveLength(1)
    m.at(0.09)
    m.step()
    expect(spin.spinning()).toBe(false)
  })

  it('0 never spins; stop ends a spin at its next turn and ignores later pokes', () => {
    const off = manual()
    busyWait(0, off.host).poke()
    expect(off.turns).toHaveLength(0)

    const m = manual()
    const spin = busyWait(1_000_000, m.host)
    spin.poke()
    spin.stop()
    m.step()
    expect(spin.spinning()).toBe(false)
    spin.poke()
    expect(m.turns).toHaveLength(0)
  })

  it('a turn that comes late with no traffic between (preempted) ends the spin; the next pokes back off, 1, 2, 4 ...', () => {
    const m = manual()
    const spin = busyWait(1000, m.host) // 1 ms
    let t = 0
    const later = (ms: number) => m.at((t += ms))
    /** A poke whose spin is cut short: one turn on time, the next 0.1 ms late. */
    const cutShort = () => {
      spin.poke()
      expect(spin.spinning()).toBe(true)
      later(0.01)
      m.step()
      later(0.1)
      m.step()
      expect(spin.spinning()).toBe(false)
    }
    /** How many of `n` pokes start a spin (none is left running). */
    const started = (n: number): number => {
      let k = 0
      for (let i = 0; i < n; i++) {
        spin.poke()
        if (spin.spinning()) k++
      }
      return k
    }
    cutShort()
    expect(started(1)).toBe(0) // 1 skipped
    cutShort()
    expect(started(2)).toBe(0) // 2 skipped
    cutShort()
    expect(started(4)).toBe(0) // 4 skipped
    expect(m.turns).toHaveLength(0)
    // a spin that runs out, turning on time, brings the back-off to 1
    spin.poke()
    while (spin.spinning()) {
      later(0.04)
      m.step()
    }
    expect(t).toBeGreaterThanOrEqual(1)
    cutShort()
    expect(started(1)).toBe(0)
    expect(started(1)).toBe(1)
  })

  it("a late turn after this node's own traffic is its work, not preemption", () => {
    const m = manual()
    const spin = busyWait(1000, m.host)
    spin.poke()
    m.at(0.5) // the work after the poke that started the spin (the frame it came with)
    m.step()
    expect(spin.spinning()).toBe(true)
    m.at(0.51)
    m.step()
    m.at(0.9)
    spin.poke() // a frame came in, and handling it took until 0.9
    m.step()
    expect(spin.spinning()).toBe(true)
    m.at(0.93) // turning on time again
    m.step()
    expect(spin.spinning()).toBe(true)
  })

  it('pokeAfterWrite pokes once, after the microtasks already queued (a client that writes on one)', async () => {
    const m = manual()
    const spin = busyWait(50, m.host)
    const order: Array<string> = []
    queueMicrotask(() => order.push(`write, spinning: ${spin.spinning()}`))
    spin.pokeAfterWrite()
    spin.pokeAfterWrite()
    expect(spin.spinning()).toBe(false)
    await Promise.resolve()
    await Promise.resolve()
    order.push(`after, spinning: ${spin.spinning()}`)
    expect(order).toEqual(['write, spinning: false', 'after, spinning: true'])
    expect(m.turns).toHaveLength(1)
  })

  it("on Node's event loop: the loop keeps turning, timers run meanwhile, and it ends with its time", async () => {
    // Node's setImmediate, on a clock of the test's own: no turn is ever late, and the time is up when the test says
    let t = 0
    let turns = 0
    const spin = busyWait(1000, {
      now: () => t,
      next: (f) =>
        void setImmediate(() => {
          turns++
          f()
        })
    })
    spin.poke()
    const spinningWhenTheTimerRan = await new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(spin.spinning()), 5)
    )
    expect(spinningWhenTheTimerRan).toBe(true) // nothing waits behind the spin
    expect(turns).toBeGreaterThan(1) // the loop turned meanwhile, one immediate after another
    t = 1 // its time is up
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(spin.spinning()).toBe(false)
    const after = turns
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(turns).toBe(after) // and no turn is queued any more
  })
})
