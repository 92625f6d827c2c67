/**
 * A virtual clock: time moves only when the test says so, and no host timer
 * is ever created.
 *
 * ```ts
 * const clock = new VirtualClock()
 * clock.setTimer(100, fire); clock.now() // 0
 * clock.fireNext()                        // time jumps to 100, fire() runs
 * ```
 *
 * @example
 * import { VirtualClock } from 'fp-ts-actors'
 * const clock = new VirtualClock.VirtualClock()
 * let fired = false
 * clock.setTimer(10, () => { fired = true })
 * clock.fireNext() // true; clock.now() === 10 and fired
 *
 * @since 0.1.0
 */
import type { Clock } from '../Scheduler.js'

interface Timer {
  readonly at: number
  readonly seq: number
  readonly callback: () => void
  live: boolean
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/**
 * A deterministic clock for the test interpreters. Timers due at the same
 * time fire in the order they were set.
 *
 * @category model
 * @since 0.1.0
 */
export class VirtualClock implements Clock {
  private time = 0
  private seq = 0
  private readonly heap: Array<Timer> = []
  /** How many timers were ever set (virtual ones: none reaches the host). */
  created = 0

  now(): number {
    return this.time
  }

  setTimer(ms: number, callback: () => void): unknown {
    // no clamping here: any finite delay is kept exactly; NaN or below 0 is now; Infinity never fires
    const t: Timer = { at: this.time + (ms > 0 ? ms : 0), seq: this.seq++, callback, live: ms !== Infinity }
    this.created++
    if (t.live) this.push(t)
    return t
  }

  clearTimer(timer: unknown): void {
    ;(timer as Timer).live = false
  }

  /** When the next live timer is due, if any. */
  nextAt(): number | undefined {
    this.dropDead()
    return this.heap[0]?.at
  }

  /** Moves time to the next live timer and fires it; `false` when none is set. */
  fireNext(): boolean {
    this.dropDead()
    const t = this.pop()
    if (t === undefined) return false
    t.live = false
    if (t.at > this.time) this.time = t.at
    t.callback()
    return true
  }

  /** Moves time forward to `t` without firing anything (callers fire due timers first). */
  setTime(t: number): void {
    if (t > this.time) this.time = t
  }

  private dropDead(): void {
    while (this.heap.length > 0 && !(this.heap[0] as Timer).live) this.pop()
  }

  private push(t: Timer): void {
    const h = this.heap
    h.push(t)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(t, h[p] as Timer)) break
      h[i] = h[p] as Timer
      i = p
    }
    h[i] = t
  }

  private pop(): Timer | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (top === undefined || last === undefined || h.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const c = r < h.length && before(h[r] as Timer, h[l] as Timer) ? r : l
      if (!before(h[c] as Timer, last)) break
      h[i] = h[c] as Timer
      i = c
    }
    h[i] = last
    return top
  }
}
