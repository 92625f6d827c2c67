/**
 * The machinery shared by `TestRuntime.make`, `explore`, `verify` and
 * `replay`: a kernel on a virtual clock whose run queue a strategy drives,
 * and one run of a program under a strategy, with its decisions, trace and
 * verdict.
 *
 * @internal
 */
import type { SchedulerLike, Unsubscribable } from 'rxjs'
import type { Reason } from '../Exit.js'
import type { Fiber } from '../internal/fiber.js'
import { describe } from '../internal/check.js'
import { safeString } from '../internal/show.js'
import type { Kernel } from '../internal/kernel.js'
import { hostMacrotask } from '../internal/macrotask.js'
import { Op } from '../internal/op.js'
import type { PidImpl } from '../internal/pid.js'
import type { Event } from '../Runtime.js'
import type { Clock, Scheduler } from '../Scheduler.js'
import { PointKernel } from './points.js'
import { ControlledScheduler, Divergence, lastChoice, type Decision, type Point, type Strategy } from './schedule.js'
import { VirtualClock } from './VirtualClock.js'

/** A clock that is an RxJS scheduler's: its time, its actions as timers. */
const schedulerClock = (rx: SchedulerLike): Clock => ({
  now: () => rx.now(),
  setTimer: (ms, callback) => rx.schedule(callback, Math.max(0, ms)),
  clearTimer: (timer) => (timer as Unsubscribable).unsubscribe()
})

export const describeProcs = (kernel: Kernel): string =>
  kernel
    .liveFibers()
    .map((f) => `${f.pid} (${f.name ?? 'unnamed'}, ${f.mailboxSize} messages waiting)`)
    .join(', ')

/** One slice, as an explanation needs it: who ran, who was ready, the scheduling points it passed. @internal */
export interface SliceLog {
  readonly pid: number
  /** The processes ready when it was picked (it included), in queue order. */
  readonly ready: ReadonlyArray<number>
  /** Its scheduling points in this slice: the operation, its ordinal among the process's operations of that kind, the steps taken. */
  readonly points: Array<{ readonly op: Point; readonly nth: number; readonly steps: number }>
}

/** What to keep of a run besides its decisions. @internal */
export interface Watch {
  /** Count scheduling points (PCT's calibration). */
  readonly count?: boolean
  /** Log every slice (for an explanation). */
  readonly log?: boolean
}

/** @internal */
export class Driver {
  readonly clock = new VirtualClock()
  readonly scheduler: ControlledScheduler
  readonly kernel: PointKernel
  readonly trace: Array<Event> = []
  /** Scheduling points passed (when watched or when the strategy uses them). */
  points = 0
  readonly log: Array<SliceLog> | undefined
  private readonly ordinals = new Map<string, number>()

  constructor(
    strategy: Strategy,
    private readonly maxSlices: number,
    rx?: SchedulerLike,
    watch: Watch = {}
  ) {
    const s = new ControlledScheduler(strategy)
    this.scheduler = s
    const running = (): Fiber | undefined => s.current
    if (rx === undefined) this.kernel = new PointKernel({ clock: this.clock, scheduler: s }, running)
    else {
      // on an RxJS scheduler: a process that becomes ready is run by an action at the current frame
      const onRx: Scheduler<Fiber> = {
        push: (f) => s.push(f),
        pop: () => s.pop(),
        isEmpty: () => s.isEmpty(),
        budget: () => s.budget(),
        request: () => void rx.schedule(() => this.runUntilIdle(), 0)
      }
      this.kernel = new PointKernel({ clock: schedulerClock(rx), scheduler: onRx }, running)
    }
    this.kernel.sink = (e) => this.trace.push(e)
    this.log = watch.log === true ? [] : undefined
    if (strategy.point !== undefined || watch.count === true || this.log !== undefined) {
      this.kernel.point = (f, left) => this.onPoint(f, left)
      if (this.log !== undefined) s.onPick = (f, ready) => this.log?.push({ pid: f.pid.id, ready, points: [] })
    }
  }

  /** Other nodes on this driver's scheduler and clock (`TestRuntime`'s `peer`). */
  readonly peers: Array<PointKernel> = []

  /** A kernel for another node on the same scheduler, clock, trace and scheduling points; its pids numbered apart. */
  addPeer(): PointKernel {
    const k = new PointKernel(
      { clock: this.kernel.clock, scheduler: this.kernel.scheduler, firstId: 1_000_000 * (this.peers.length + 1) + 1 },
      () => this.scheduler.current
    )
    k.sink = this.kernel.sink
    if (this.kernel.point !== undefined) k.point = (f, left) => this.onPoint(f, left)
    this.peers.push(k)
    return k
  }

  private onPoint(f: Fiber, left: number): boolean {
    const k = f.host as PointKernel
    const op = k.op
    if (op === undefined) return false
    k.op = undefined
    this.points++
    const log = this.log
    if (log !== undefined) {
      const key = `${f.pid.id} ${op.kind}`
      const nth = (this.ordinals.get(key) ?? 0) + 1
      this.ordinals.set(key, nth)
      log[log.length - 1]?.points.push({ op, nth, steps: this.scheduler.steps(left) })
    }
    return this.scheduler.point(f, left, op)
  }

  runUntilIdle(): void {
    const start = this.scheduler.decisions.length
    while (!this.scheduler.isEmpty()) {
      this.kernel.drain()
      if (this.scheduler.decisions.length - start > this.maxSlices) {
        throw new Error(
          `TestRuntime: still busy after ${this.maxSlices} slices; a process loops without blocking? Live: ${describeProcs(this.kernel)}`
        )
      }
    }
  }

  private fire(): boolean {
    if (!this.clock.fireNext()) return false
    this.scheduler.strategy.timer?.()
    return true
  }

  advance(ms: number): void {
    if (typeof ms !== 'number' || !(ms >= 0))
      throw new TypeError(`TestRuntime.advance: expected ms >= 0, got ${describe(ms)}`)
    const target = this.clock.now() + ms
    for (;;) {
      this.runUntilIdle()
      const t = this.clock.nextAt()
      if (t === undefined || t > target) break
      this.fire()
    }
    this.clock.setTime(target)
    this.runUntilIdle()
  }

  /** Runs until `done()`: idle, then the next timer, and so on. */
  private step(done: () => boolean): 'done' | 'async' {
    for (;;) {
      this.runUntilIdle()
      if (done()) return 'done'
      if (this.fire()) continue
      for (const k of [this.kernel, ...this.peers]) for (const f of k.liveFibers()) if (f.waitingAsync) return 'async'
      throw new Error(`deadlock: every process is blocked and no timer is set. Live: ${describeProcs(this.kernel)}`)
    }
  }

  spawnMain(program: unknown, kernel: PointKernel = this.kernel): { reason: Reason | undefined } {
    if (!(program instanceof Op))
      throw new TypeError(`TestRuntime: expected an Effect to run, got ${describe(program)}`)
    const box: { reason: Reason | undefined } = { reason: undefined }
    const [pid] = kernel.spawn(undefined, program, {})
    kernel.onExit(pid as PidImpl, (r) => (box.reason = r))
    return box
  }

  runSync(program: unknown, kernel: PointKernel = this.kernel): Reason {
    const box = this.spawnMain(program, kernel)
    if (this.step(() => box.reason !== undefined) === 'async') {
      throw new Error(
        'TestRuntime.runSync: a process waits on an Effect.async callback from outside; use run() instead'
      )
    }
    return box.reason as Reason
  }

  async run(program: unknown, kernel: PointKernel = this.kernel): Promise<Reason> {
    const box = this.spawnMain(program, kernel)
    while (this.step(() => box.reason !== undefined) === 'async')
      await new Promise<void>((k) => hostMacrotask().post(k))
    return box.reason as Reason
  }

  /** Exits everything left (after a run) and drains, so nothing outlives it. */
  close(): void {
    void this.shutdown()
    for (const k of this.peers) void this.shutdown(k)
  }

  /**
   * `rt.shutdown()` on the virtual clock: exits every process and runs them,
   * moving the clock through their finalizers' timers (and, for a finalizer
   * that never ends, to the `finalizerTimeout` that abandons it), so the
   * promise resolves without anyone calling `advance`.
   */
  shutdown(kernel: PointKernel = this.kernel): Promise<void> {
    // a node leaves its network first: the other nodes see `noconnection`, not its processes' `shutdown`
    const closing = kernel.node?.close()
    const done = kernel.shutdown()
    for (let i = 0; i < 10_000 && kernel.liveCount > 0; i++) {
      this.runUntilIdle()
      if (!this.clock.fireNext()) break
    }
    return closing === undefined ? done : done.then(() => closing)
  }
}

/** What each run of `runOnce` sets up first (the nodes of `explore`'s `cluster`), while `withSetup` runs. */
let setup: ((d: Driver) => void) | undefined = undefined

/** Runs `k` with every `runOnce` inside it calling `each(driver)` first. @internal */
export const withSetup = <A>(each: ((d: Driver) => void) | undefined, k: () => A): A => {
  const before = setup
  setup = each
  try {
    return k()
  } finally {
    setup = before
  }
}

/** A check's verdict on a run: `false` or a throw fails it. @internal */
export type Check = (trace: ReadonlyArray<Event>, reason: never) => boolean | void

/** @internal */
export interface Outcome {
  readonly decisions: ReadonlyArray<Decision>
  readonly trace: ReadonlyArray<Event>
  readonly reason: Reason | undefined
  readonly failure: string | undefined
  readonly points: number
  readonly log: ReadonlyArray<SliceLog> | undefined
}

/**
 * Runs `program` once under `strategy` and checks it. A strict replay that
 * diverges throws its `Divergence` (it is not a failure of the program).
 *
 * @internal
 */
export const runOnce = (
  program: unknown,
  strategy: Strategy,
  check: Check,
  watch: Watch = {},
  strictUpTo?: ReadonlyArray<Decision>
): Outcome => {
  const d = new Driver(strategy, 100_000, undefined, watch)
  setup?.(d)
  let reason: Reason | undefined
  let failure: string | undefined
  try {
    reason = d.runSync(program)
    const trace = d.trace.slice()
    try {
      if (check(trace, reason as never) === false) failure = 'check returned false'
    } catch (e) {
      failure = e instanceof Error ? e.message : safeString(e)
    }
  } catch (e) {
    if (e instanceof Divergence) throw e
    failure = e instanceof Error ? e.message : safeString(e)
  }
  const trace = d.trace.slice()
  const decisions = d.scheduler.decisions.slice()
  if (strictUpTo !== undefined) diverged(strictUpTo, decisions.length)
  d.close()
  return { decisions, trace, reason, failure, points: d.points, log: d.log }
}

/** A replay that ended before the schedule's last choice did not follow it. @internal */
export const diverged = (schedule: ReadonlyArray<Decision>, slices: number): void => {
  const last = lastChoice(schedule)
  if (last >= slices) {
    throw new Divergence(
      `replay diverged: the run ended after ${slices} slices, but the schedule makes a choice at decision ${last} (the program or the runtime changed since the schedule was recorded)`
    )
  }
}
