/**
 * The two things an interpreter borrows from its host, made pluggable: a
 * `Clock` (time and timers) and a `Scheduler` (which ready process runs next,
 * for how long, and when the run queue is drained).
 *
 * ```ts
 * interface Clock { now(): number; setTimer(ms, callback): Timer; clearTimer(timer): void }
 * interface Scheduler<T> { push(t); pop(): T | undefined; budget(): number; request(drain): void }
 * ```
 *
 * The production runtime uses `hostClock` (monotonic `performance.now()` and
 * the host's timers) and `fifo()` (a ring buffer drained on the host's
 * macrotask, so I/O, timers and DOM events run between batches). The test
 * runtime plugs in a virtual clock and a seeded scheduler on the same run loop.
 * Nothing here needs Node: the same code runs in browsers and Web Workers.
 *
 * @example
 * import { Runtime, Scheduler } from 'fp-ts-actors'
 * const rt = Runtime.make({ clock: Scheduler.hostClock, scheduler: Scheduler.fifo({ budget: 500 }) })
 *
 * @since 0.1.0
 */
import { describe } from './internal/check.js'

import { hostMacrotask } from './internal/macrotask.js'
import * as timers from './internal/timers.js'

/**
 * Time and timers.
 *
 * @category model
 * @since 0.1.0
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number
  /** Calls `callback` once, no earlier than `ms` from now on this clock's reading (callers re-check). */
  setTimer(ms: number, callback: () => void): unknown
  clearTimer(timer: unknown): void
}

/**
 * A run queue of ready processes and its draining policy.
 *
 * @category model
 * @since 0.1.0
 */
export interface Scheduler<T> {
  /** A process became ready. */
  push(t: T): void
  /** The next process to run, or `undefined` when none is ready. */
  pop(): T | undefined
  isEmpty(): boolean
  /** How many steps the next slice may take (fairness). */
  budget(): number
  /**
   * A slice also ends after about this many ms of the host's time, and a
   * batch after a few ms (fairness by time, as the BEAM's reductions bound a
   * slice). `undefined`: slices are bounded by steps only (deterministic).
   */
  readonly sliceMs?: number
  /** Arrange for `drain` to be called soon (the host scheduler yields to the event loop first). */
  request(drain: () => void): void
}

/**
 * The host's clock: `performance.now()` and `setTimeout` (Node, browsers, Web
 * Workers alike), timers of one duration in one list behind one host timer
 * (a receive `after` set and cleared per call costs an append and an
 * unlink). On Node, timers keep the process alive only while some process
 * waits on them.
 *
 * @example
 * import { Scheduler } from 'fp-ts-actors'
 * Scheduler.hostClock.now() // e.g. 1234.5
 *
 * @category instances
 * @since 0.1.0
 */
export const hostClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, callback) =>
    ms > MAX_TIMEOUT ? new LongTimer(ms, callback) : timers.setTimer(ms > 0 ? Math.ceil(ms) : 0, callback),
  clearTimer: (timer) => {
    if (timer instanceof LongTimer) timer.clear()
    else if (timer instanceof timers.Timer) timers.clearTimer(timer)
  }
}

/** The longest timeout of Node and browsers (about 24.8 days); a longer one would fire at once. */
const MAX_TIMEOUT = 2_147_483_647

/** A timer longer than hosts allow: chained host timers, each re-checking the deadline. */
class LongTimer {
  private handle: ReturnType<typeof setTimeout>
  private readonly due: number
  constructor(
    ms: number,
    private readonly callback: () => void
  ) {
    this.due = performance.now() + ms
    this.handle = setTimeout(() => this.tick(), MAX_TIMEOUT)
  }
  private tick(): void {
    const left = this.due - performance.now()
    if (left > 0) this.handle = setTimeout(() => this.tick(), Math.min(Math.ceil(left), MAX_TIMEOUT))
    else this.callback()
  }
  clear(): void {
    clearTimeout(this.handle)
  }
}

/**
 * The host's macrotask, the way `fifo` yields to the event loop between
 * batches: `'setImmediate'` where it exists (Node), else `'MessageChannel'`
 * (browsers, Web Workers), else `'setTimeout'` (`setTimeout(0)`).
 *
 * @example
 * import { Scheduler } from 'fp-ts-actors'
 * Scheduler.macrotask() // 'setImmediate' under Node, 'MessageChannel' in a page
 *
 * @category instances
 * @since 0.1.0
 */
export const macrotask = (): 'setImmediate' | 'MessageChannel' | 'setTimeout' => hostMacrotask().via

/**
 * `fifo`'s run queue: a ring buffer (a power-of-two capacity, doubled when
 * full). A class, not an object of closures: every run queue shares its
 * methods, so the kernel's optimized calls to them do not die with the
 * runtime that was running when they were optimized.
 */
class Fifo<T> implements Scheduler<T> {
  /**
   * Filled with `undefined` from the start, so every queue's array has the
   * kind of elements it keeps once processes are in it (V8 optimizes `push`
   * for one kind: a new queue of empty slots would deoptimize it).
   */
  private buf: Array<T | undefined> = new Array<T | undefined>(1024).fill(undefined)
  private mask = 1023
  private head = 0
  private tail = 0

  constructor(
    private readonly steps: number,
    readonly sliceMs: number,
    private readonly post: (drain: () => void) => void
  ) {}

  push(t: T): void {
    this.buf[this.tail] = t
    this.tail = (this.tail + 1) & this.mask
    if (this.tail === this.head) this.grow()
  }

  /** Full: doubles, unrolling the ring. */
  private grow(): void {
    const buf = this.buf
    const grown: Array<T | undefined> = new Array<T | undefined>(buf.length * 2).fill(undefined)
    for (let i = 0; i < buf.length; i++) grown[i] = buf[(this.head + i) & this.mask]
    this.head = 0
    this.tail = buf.length
    this.buf = grown
    this.mask = grown.length - 1
  }

  pop(): T | undefined {
    if (this.head === this.tail) return undefined
    const t = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    return t
  }

  isEmpty(): boolean {
    return this.head === this.tail
  }

  budget(): number {
    return this.steps
  }

  request(drain: () => void): void {
    this.post(drain)
  }
}

/**
 * The production scheduler: first in, first out, a fixed step budget per
 * slice, drained on the host's macrotask (see `macrotask`).
 *
 * @example
 * import { Scheduler } from 'fp-ts-actors'
 * const s = Scheduler.fifo<string>({ budget: 2000 })
 * s.push('a'); s.pop() // 'a'
 *
 * @category instances
 * @since 0.1.0
 */
export const fifo = <T>(options: { readonly budget?: number; readonly sliceMs?: number } = {}): Scheduler<T> => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`Scheduler.fifo: options must be an object, got ${describe(options)}`)
  const budget = options.budget ?? 2000
  if (!Number.isInteger(budget) || budget < 1) {
    throw new TypeError(`Scheduler.fifo: budget must be an integer >= 1, got ${describe(budget)}`)
  }
  const sliceMs = options.sliceMs ?? 1
  if (typeof sliceMs !== 'number' || !(sliceMs > 0) || sliceMs === Infinity) {
    throw new TypeError(`Scheduler.fifo: sliceMs must be a finite number of ms > 0, got ${describe(sliceMs)}`)
  }
  return new Fifo<T>(budget, sliceMs, hostMacrotask().post)
}
