/**
 * The whole system on the production run loop, with a deterministic
 * scheduler and a virtual clock: one interleaving per seed, the same trace
 * every time, hours of `after`/`sleep` in microseconds, and a search over
 * interleavings that finds races and hands back a schedule that replays them.
 *
 * ```ts
 * const rt = TestRuntime.make({ seed: 42 })
 * rt.spawn(...); rt.runUntilIdle(); rt.advance(60_000); rt.trace
 * TestRuntime.explore(program, { runs: 1000, seed: 1, check }) // Option<Explored>
 * TestRuntime.replay(program, explored.schedule)                // the same trace again
 * ```
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const rt = TestRuntime.make({ seed: 1 })
 * rt.runSync(Effect.as(Effect.sleep(3_600_000), 'an hour later')) // { _tag: 'Normal', value: 'an hour later' }, at once
 *
 * @since 0.1.0
 */
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import type { SchedulerLike, Unsubscribable } from 'rxjs'
import type { Effect } from '../Effect.js'
import * as Ex from '../Exit.js'
import type { Reason } from '../Exit.js'
import type { Fiber } from '../internal/fiber.js'
import { Kernel } from '../internal/kernel.js'
import { Op } from '../internal/op.js'
import type { PidImpl } from '../internal/pid.js'
import { fromKernel, type Event, type Runtime } from '../Runtime.js'
import type { Clock, Scheduler } from '../Scheduler.js'
import {
  ControlledScheduler,
  cost,
  decode,
  encode,
  pctStrategy,
  randomStrategy,
  replayStrategy,
  type Decision,
  type Strategy
} from './schedule.js'
import { VirtualClock } from './VirtualClock.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How the test runtime picks the next process: `random` (seeded uniform
 * choice, with occasional short slices), `pct` (seeded priorities with a few
 * priority changes) or `fifo` (production order, no preemption).
 *
 * @category model
 * @since 0.1.0
 */
export type StrategyName = 'random' | 'pct' | 'fifo'

/**
 * Options of `make`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options {
  readonly seed: number
  /** Default `random`. */
  readonly strategy?: StrategyName
  /** Replays a schedule from `explore` instead of following a strategy. */
  readonly schedule?: string
  /** `runUntilIdle` gives up (throws) after this many slices without becoming idle. Default 1,000,000. */
  readonly maxSlices?: number
  /**
   * One clock for processes and RxJS: the runtime reads the time from this
   * scheduler (an RxJS `TestScheduler`) and sets its timers (`after`, `sleep`,
   * `Effect.timeout`, `Rx.ask` timeouts) as actions on it, and whenever a
   * process becomes ready it runs the processes in an action at the current
   * frame. Marble tests (`testScheduler.run(...)`) then drive processes in
   * virtual time. Time moves only with the scheduler: `advance`, `runSync`
   * and `run` throw on such a runtime (`runUntilIdle` still works).
   */
  readonly testScheduler?: SchedulerLike
}

/**
 * A runtime on a virtual clock with a deterministic scheduler.
 *
 * @category model
 * @since 0.1.0
 */
export interface TestRuntime extends Runtime {
  /** Runs ready processes until every one is blocked or gone (time does not move). */
  runUntilIdle(): void
  /** Moves the virtual clock `ms` forward, firing due timers in order and running processes between them. */
  advance(ms: number): void
  /** Spawns `program` and runs the system, moving the clock whenever every process waits on a timer, until it ends. Throws on a deadlock. */
  runSync<E, A>(program: Effect<E, A>): Reason<E, A>
  /** The virtual time, in ms. */
  readonly now: number
  /** Every event so far, as `events$` emits them. */
  readonly trace: ReadonlyArray<Event>
  /** The scheduling decisions so far, in `replay`'s form. */
  readonly schedule: string
  /** The virtual clock (timers set so far: `clock.created`). */
  readonly clock: VirtualClock
}

/**
 * The first failing run `explore` found, shrunk toward fewer preemptions.
 *
 * @category model
 * @since 0.1.0
 */
export interface Explored {
  /** The seed of the failing run. */
  readonly seed: number
  /** Which run (0-based) failed first. */
  readonly run: number
  /** The strategy of that run. */
  readonly strategy: StrategyName
  /** The (shrunk) schedule: `replay(program, schedule)` reproduces it exactly. */
  readonly schedule: string
  /** Preemptions and non-default choices in the schedule (after shrinking). */
  readonly preemptions: number
  readonly trace: ReadonlyArray<Event>
  /** Why the run failed: the check's message, "check returned false", or a deadlock. */
  readonly failure: string
  /** How the program ended (`undefined` on a deadlock). */
  readonly reason: Reason | undefined
}

/**
 * Options of `explore`.
 *
 * @category model
 * @since 0.1.0
 */
export interface ExploreOptions<E, A> {
  readonly runs: number
  readonly seed: number
  /** `false` or a throw (e.g. a failed `expect`) marks the run as failing. */
  readonly check: (trace: ReadonlyArray<Event>, reason: Reason<E, A>) => boolean | void
  /** Default `mixed`: random and PCT runs alternate. */
  readonly strategy?: 'random' | 'pct' | 'mixed'
  /** PCT's number of priority changes + 1. Default 3. */
  readonly depth?: number
  /** Replays spent on shrinking a failing schedule. Default 300. */
  readonly shrinkBudget?: number
}

// -------------------------------------------------------------------------------------
// the runtime
// -------------------------------------------------------------------------------------

/** A clock that is an RxJS scheduler's: its time, its actions as timers. */
const schedulerClock = (rx: SchedulerLike): Clock => ({
  now: () => rx.now(),
  setTimer: (ms, callback) => rx.schedule(callback, Math.max(0, ms)),
  clearTimer: (timer) => (timer as Unsubscribable).unsubscribe()
})

const describeProcs = (kernel: Kernel): string =>
  [...kernel.procs.values()]
    .map((f) => `${f.pid} (${f.name ?? 'unnamed'}, ${f.mailboxSize} messages waiting)`)
    .join(', ')

/** The machinery shared by `make`, `explore` and `replay`. */
class Driver {
  readonly clock = new VirtualClock()
  readonly scheduler: ControlledScheduler
  readonly kernel: Kernel
  readonly trace: Array<Event> = []

  constructor(
    strategy: Strategy,
    private readonly maxSlices: number,
    rx?: SchedulerLike
  ) {
    this.scheduler = new ControlledScheduler(strategy)
    if (rx === undefined) this.kernel = new Kernel({ clock: this.clock, scheduler: this.scheduler })
    else {
      // on an RxJS scheduler: a process that becomes ready is run by an action at the current frame
      const s = this.scheduler
      const onRx: Scheduler<Fiber> = {
        push: (f) => s.push(f),
        pop: () => s.pop(),
        isEmpty: () => s.isEmpty(),
        budget: () => s.budget(),
        request: () => void rx.schedule(() => this.runUntilIdle(), 0)
      }
      this.kernel = new Kernel({ clock: schedulerClock(rx), scheduler: onRx })
    }
    this.kernel.sink = (e) => this.trace.push(e)
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

  advance(ms: number): void {
    if (typeof ms !== 'number' || !(ms >= 0))
      throw new TypeError(`TestRuntime.advance: expected ms >= 0, got ${String(ms)}`)
    const target = this.clock.now() + ms
    for (;;) {
      this.runUntilIdle()
      const t = this.clock.nextAt()
      if (t === undefined || t > target) break
      this.clock.fireNext()
    }
    this.clock.setTime(target)
    this.runUntilIdle()
  }

  /** Runs until `done()`: idle, then the next timer, and so on. */
  private step(done: () => boolean): 'done' | 'async' {
    for (;;) {
      this.runUntilIdle()
      if (done()) return 'done'
      if (this.clock.fireNext()) continue
      for (const f of this.kernel.procs.values()) if ((f as Fiber).waitingAsync) return 'async'
      throw new Error(`deadlock: every process is blocked and no timer is set. Live: ${describeProcs(this.kernel)}`)
    }
  }

  spawnMain(program: unknown): { reason: Reason | undefined } {
    if (!(program instanceof Op)) throw new TypeError(`TestRuntime: expected an Effect to run, got ${String(program)}`)
    const box: { reason: Reason | undefined } = { reason: undefined }
    const [pid] = this.kernel.spawn(undefined, program, {})
    this.kernel.onExit(pid as PidImpl, (r) => (box.reason = r))
    return box
  }

  runSync(program: unknown): Reason {
    const box = this.spawnMain(program)
    if (this.step(() => box.reason !== undefined) === 'async') {
      throw new Error(
        'TestRuntime.runSync: a process waits on an Effect.async callback from outside; use run() instead'
      )
    }
    return box.reason as Reason
  }

  async run(program: unknown): Promise<Reason> {
    const box = this.spawnMain(program)
    while (this.step(() => box.reason !== undefined) === 'async') await new Promise((k) => setImmediate(k))
    return box.reason as Reason
  }

  /** Exits everything left (after a run) and drains, so nothing outlives it. */
  close(): void {
    void this.kernel.shutdown()
    for (let i = 0; i < 10_000 && this.kernel.procs.size > 0; i++) {
      this.runUntilIdle()
      if (!this.clock.fireNext()) break
    }
  }
}

const strategyFor = (name: StrategyName, seed: number, depth = 3, expected = 100): Strategy =>
  name === 'pct' ? pctStrategy(seed, depth, expected) : name === 'fifo' ? replayStrategy([]) : randomStrategy(seed)

const checkSeed = (where: string, seed: unknown): number => {
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new TypeError(`${where}: seed must be an integer, got ${String(seed)}`)
  return seed
}

/**
 * Makes a test runtime: the production run loop with a deterministic
 * scheduler (one interleaving per seed) and a virtual clock. No host timer is
 * ever created; `run` moves the clock whenever every process waits on one.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process, TestRuntime } from 'fp-ts-actors'
 * const rt = TestRuntime.make({ seed: 7 })
 * const pid = rt.spawn(Process.receive(Process.on(t.string, () => Effect.unit), Process.after(60_000, () => Effect.unit)))
 * rt.advance(60_000) // the after clause fires; pid has exited
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options): TestRuntime => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('TestRuntime.make: expected options { seed }')
  const seed = checkSeed('TestRuntime.make', options.seed)
  const maxSlices = options.maxSlices ?? 1_000_000
  const strategy =
    options.schedule !== undefined
      ? replayStrategy(decode(options.schedule))
      : strategyFor(options.strategy ?? 'random', seed)
  const rx = options.testScheduler
  const isScheduler = (u: unknown): boolean =>
    typeof u === 'object' &&
    u !== null &&
    typeof (u as SchedulerLike).now === 'function' &&
    typeof (u as SchedulerLike).schedule === 'function'
  if (rx !== undefined && !isScheduler(rx)) {
    throw new TypeError(
      'TestRuntime.make: testScheduler must be an RxJS scheduler (a TestScheduler), with now and schedule'
    )
  }
  const d = new Driver(strategy, maxSlices, rx)
  const base = fromKernel(d.kernel)
  const onRx = (where: string): void => {
    if (rx !== undefined) {
      throw new Error(
        `TestRuntime.${where}: this runtime's time follows its testScheduler; move time with the scheduler (run, flush)`
      )
    }
  }
  const extension = {
    runUntilIdle: () => d.runUntilIdle(),
    advance: (ms: number) => {
      onRx('advance')
      d.advance(ms)
    },
    runSync: <E, A>(program: Effect<E, A>) => {
      onRx('runSync')
      return d.runSync(program) as Reason<E, A>
    },
    run: <E, A>(program: Effect<E, A>) => {
      onRx('run')
      return d.run(program) as Promise<Reason<E, A>>
    },
    get now() {
      return d.kernel.clock.now()
    },
    trace: d.trace,
    get schedule() {
      return encode(d.scheduler.decisions)
    },
    clock: d.clock
  }
  // defineProperties, not Object.assign: keep `now` and `schedule` live getters
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extension)) as TestRuntime
}

// -------------------------------------------------------------------------------------
// exploring interleavings
// -------------------------------------------------------------------------------------

interface Outcome {
  readonly decisions: ReadonlyArray<Decision>
  readonly trace: ReadonlyArray<Event>
  readonly reason: Reason | undefined
  readonly failure: string | undefined
}

const runOnce = <E, A>(program: Effect<E, A>, strategy: Strategy, check: ExploreOptions<E, A>['check']): Outcome => {
  const d = new Driver(strategy, 100_000)
  let reason: Reason | undefined
  let failure: string | undefined
  try {
    reason = d.runSync(program)
    const trace = d.trace.slice()
    try {
      if (check(trace, reason as Reason<E, A>) === false) failure = 'check returned false'
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e)
    }
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e)
  }
  const trace = d.trace.slice()
  const decisions = d.scheduler.decisions.slice()
  d.close()
  return { decisions, trace, reason, failure }
}

const shrink = <E, A>(
  program: Effect<E, A>,
  check: ExploreOptions<E, A>['check'],
  found: Outcome,
  budget: number
): Outcome => {
  let best = found
  let tries = 0
  const attempt = (candidate: ReadonlyArray<Decision>): boolean => {
    if (tries++ >= budget || cost(candidate) >= cost(best.decisions)) return false
    const o = runOnce(program, replayStrategy(candidate), check)
    if (o.failure === undefined || cost(o.decisions) >= cost(best.decisions)) return false
    best = o
    return true
  }
  let improved = true
  while (improved && tries < budget) {
    improved = false
    const ds = best.decisions
    // drop a suffix of decisions (past the end: first ready, no preemption)
    for (let keep = 0; keep < ds.length && tries < budget; keep = keep === 0 ? 1 : keep * 2) {
      if (attempt(ds.slice(0, keep))) {
        improved = true
        break
      }
    }
    if (improved) continue
    // remove one preemption or one non-default choice at a time
    for (let i = 0; i < ds.length && tries < budget; i++) {
      const di = ds[i] as Decision
      if (di.budget === 0 && di.pick === 0) continue
      const simpler = ds.slice()
      simpler[i] = di.budget > 0 ? { pick: di.pick, budget: 0 } : { pick: 0, budget: 0 }
      if (attempt(simpler)) {
        improved = true
        break
      }
    }
  }
  return best
}

/**
 * Runs `program` under many schedules (seeded random and PCT priority
 * schedules) and returns the first one that breaks `check` — or deadlocks —
 * shrunk toward fewer preemptions, with its seed, a compact schedule string
 * for `replay`, and the trace. `none` when every run passed.
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const found = TestRuntime.explore(Effect.succeed(1), {
 *   runs: 100,
 *   seed: 1,
 *   check: (_trace, reason) => reason._tag === 'Normal'
 * }) // none
 *
 * @category exploring
 * @since 0.1.0
 */
export const explore = <E, A>(program: Effect<E, A>, options: ExploreOptions<E, A>): Option<Explored> => {
  const seed = checkSeed('TestRuntime.explore', options.seed)
  const { runs, check } = options
  if (!Number.isInteger(runs) || runs < 1)
    throw new TypeError(`TestRuntime.explore: runs must be an integer >= 1, got ${String(runs)}`)
  if (typeof check !== 'function') throw new TypeError('TestRuntime.explore: check must be a function')
  const mode = options.strategy ?? 'mixed'
  // a first production-order run: its length calibrates PCT's change points
  const calibration = runOnce(program, replayStrategy([]), check)
  const expected = Math.max(1, calibration.decisions.length)
  for (let run = 0; run < runs; run++) {
    const s = (seed + Math.imul(run, 0x9e3779b9)) >>> 0
    const name: StrategyName = mode === 'mixed' ? (run % 2 === 0 ? 'random' : 'pct') : mode
    const o =
      run === 0 && calibration.failure !== undefined
        ? calibration
        : runOnce(program, strategyFor(name, s, options.depth ?? 3, expected), check)
    if (o.failure === undefined) continue
    const small = shrink(program, check, o, options.shrinkBudget ?? 300)
    return O.some({
      seed: s,
      run,
      strategy: run === 0 && calibration.failure !== undefined ? 'fifo' : name,
      schedule: encode(small.decisions),
      preemptions: cost(small.decisions),
      trace: small.trace,
      failure: small.failure ?? o.failure,
      reason: small.reason
    })
  }
  return O.none
}

/**
 * Runs `program` under a schedule from `explore` (or `rt.schedule`) and
 * returns its trace: the same one, event for event.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const trace = TestRuntime.replay(Effect.succeed(1), 'v1:')
 *
 * @category exploring
 * @since 0.1.0
 */
export const replay = <E, A>(program: Effect<E, A>, schedule: string): ReadonlyArray<Event> =>
  runOnce(program, replayStrategy(decode(schedule)), () => true).trace

/**
 * One line per event, stable across runs (pids and refs are numbered per
 * runtime): compare traces byte for byte, or print one.
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const rt = TestRuntime.make({ seed: 1 })
 * rt.runSync(Effect.unit)
 * TestRuntime.format(rt.trace) // 'Spawn #PID<0.1.0>\nExit #PID<0.1.0> :normal (returned undefined)'
 *
 * @category destructors
 * @since 0.1.0
 */
export const format = (trace: ReadonlyArray<Event>): string => trace.map(formatEvent).join('\n')

const show = (u: unknown): string => {
  try {
    const s = JSON.stringify(u, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    return s === undefined ? String(u) : s
  } catch {
    return String(u)
  }
}

const formatEvent = (e: Event): string => {
  switch (e._tag) {
    case 'Spawn':
      return `Spawn ${e.pid}${e.parent === undefined ? '' : ` by ${e.parent}`}`
    case 'Exit':
      return `Exit ${e.pid} ${Ex.format(e.reason)}${e.cause._tag === 'Returned' ? '' : ` (${Ex.formatCause(e.cause)})`}`
    case 'Link':
    case 'Unlink':
      return `${e._tag} ${e.from} ${e.to}`
    case 'Monitor':
      return `Monitor ${e.watcher} ${typeof e.target === 'string' ? JSON.stringify(e.target) : String(e.target)} ${e.ref}`
    case 'Down':
      return `Down ${e.watcher} ${e.ref} ${Ex.format(e.reason)}`
    case 'Send':
      return `Send ${e.from ?? 'outside'} -> ${typeof e.to === 'string' ? JSON.stringify(e.to) : String(e.to)} ${show(e.message)}`
    case 'Receive':
      return `Receive ${e.pid} ${show(e.message)}`
    case 'DeadLetter':
      return `DeadLetter ${typeof e.letter.to === 'string' ? JSON.stringify(e.letter.to) : String(e.letter.to)} ${e.letter.reason} ${show(e.letter.message)}`
    case 'Error':
      return `Error ${e.pid} ${e.where} ${show(e.error instanceof Error ? e.error.message : e.error)}`
  }
}

/**
 * A test body for vitest (or any runner): explores `program` and throws,
 * with the failure, the seed, the replayable schedule and the trace, when a
 * schedule breaks `check`.
 *
 * @example
 * import { it } from 'vitest'
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * it('never fails', TestRuntime.testProcess(Effect.succeed(1), { check: (_t, r) => r._tag === 'Normal' }))
 *
 * @category exploring
 * @since 0.1.0
 */
export const testProcess =
  <E, A>(
    program: Effect<E, A>,
    options: Omit<ExploreOptions<E, A>, 'runs' | 'seed'> & { readonly runs?: number; readonly seed?: number }
  ) =>
  (): void => {
    const found = explore(program, { ...options, runs: options.runs ?? 200, seed: options.seed ?? 1 })
    if (O.isNone(found)) return
    const x = found.value
    throw new Error(
      [
        `a schedule breaks the check: ${x.failure}`,
        `  run ${x.run} (${x.strategy}, seed ${x.seed}), ${x.preemptions} preemptions/choices after shrinking`,
        `  replay it: TestRuntime.replay(program, '${x.schedule}')`,
        '',
        format(x.trace)
      ].join('\n')
    )
  }
