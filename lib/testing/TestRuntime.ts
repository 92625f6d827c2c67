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
import type { SchedulerLike } from 'rxjs'
import type { Effect } from '../Effect.js'
import * as Ex from '../Exit.js'
import type { Reason } from '../Exit.js'
import { describe } from '../internal/check.js'
import { safeString } from '../internal/show.js'
import { fromKernel, type Event, type Runtime } from '../Runtime.js'
import { Driver, runOnce, withSetup, type Check, type Outcome } from './driver.js'
import type { Config as NodeConfig } from '../Node.js'
import { attachNode } from '../internal/node/attach.js'
import { isRemoteName } from '../internal/node/layer.js'
import {
  cost,
  decode,
  encode,
  pctStrategy,
  posStrategy,
  randomStrategy,
  replayStrategy,
  type Strategy
} from './schedule.js'
import { explain, shrink } from './shrink.js'
import { backtrack, DfsRun, type Frame } from './systematic.js'
import type { VirtualClock } from './VirtualClock.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How the test runtime picks the next process and where it cuts a slice:
 *
 * - `random`: a uniform choice among the ready processes, and now and then a
 *   slice cut after 1-16 steps;
 * - `pct`: PCT over scheduling points: random priorities per process, the
 *   highest-priority ready process runs (a send that wakes a higher-priority
 *   process hands over to it at once), and at `depth - 1` scheduling points
 *   drawn at random the running process drops below all others;
 * - `pos`: partial order sampling: every process's next step has a random
 *   priority, redrawn after each step it takes (and when a message is sent to
 *   it); the highest-priority step runs;
 * - `fifo`: the production order, no preemption;
 * - `systematic`: the depth-first search of `verify` (only in `Explored`).
 *
 * A scheduling point is each send, spawn, link, unlink, monitor, exit signal,
 * timer set or cancelled, name registered or looked up, and each message
 * taken by a receive.
 *
 * @category model
 * @since 0.1.0
 */
export type StrategyName = 'random' | 'pct' | 'pos' | 'fifo' | 'systematic'

/**
 * A run's trace: every event in order (spawns, sends, receives, links,
 * monitors, exits, dead letters, errors), as `events$` emits them. Pids and
 * refs are numbered per runtime, so a deterministic run gives the same trace
 * every time; `format` prints it one line per event.
 *
 * @category model
 * @since 0.1.0
 */
export type Trace = ReadonlyArray<Event>

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
  /**
   * Replays a schedule from `explore` (or `rt.schedule`) instead of following
   * a strategy. A replay that cannot follow it (a pick beyond the ready
   * processes, a run that ends before its last choice) throws an error that
   * says at which decision; with `lenient` it goes on as best it can.
   */
  readonly schedule?: string
  /** Default `false`. See `schedule`. */
  readonly lenient?: boolean
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
  /**
   * Makes this runtime a node (see `Node`). Other nodes on the same
   * scheduler and virtual clock come from `rt.peer(...)`: then one seed
   * decides the interleaving of every node's processes and deliveries.
   */
  readonly node?: NodeConfig
}

/**
 * The nodes of one `explore`, `verify` or `replay` run, made afresh for each
 * run (a new `Transport.memory()` each time): the program runs on `node`, the
 * `peers` share its scheduler and virtual clock.
 *
 * @category model
 * @since 0.3.0
 */
export interface Cluster {
  readonly node: NodeConfig
  readonly peers?: ReadonlyArray<NodeConfig>
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
  /**
   * Another node on this runtime's scheduler, virtual clock and trace (give
   * it the same transport): its processes interleave with this runtime's
   * under the one seed. Run, advance and inspect through either runtime.
   */
  peer(node: NodeConfig): TestRuntime
}

/**
 * The first failing run `explore` (or `verify`) found, shrunk to a 1-minimal
 * schedule: removing any one of its preemptions or picks makes the failure
 * go away.
 *
 * @category model
 * @since 0.1.0
 */
export interface Explored {
  /** The seed of the failing run. */
  readonly seed: number
  /** Which run (0-based) failed first. */
  readonly run: number
  /** The strategy of that run: which one found the bug. */
  readonly strategy: StrategyName
  /** The (shrunk) schedule: `replay(program, schedule)` reproduces it exactly. */
  readonly schedule: string
  /** Preemptions and non-default picks in the schedule (after shrinking). */
  readonly preemptions: number
  /** The same before shrinking. */
  readonly unshrunk: number
  /** `true` when shrinking checked that every remaining choice is needed (it ran within its budget). */
  readonly minimal: boolean
  /** The choices that matter, in words: "slice 7: #PID<0.4.0> was preempted after its first send (to #PID<0.2.0>)". */
  readonly explanation: ReadonlyArray<string>
  readonly trace: Trace
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
  readonly check: (trace: Trace, reason: Reason<E, A>) => boolean | void
  /** Default `mixed`: POS, PCT and random runs take turns. */
  readonly strategy?: 'random' | 'pct' | 'pos' | 'mixed'
  /** PCT's depth: the number of priority changes + 1. Default 3. */
  readonly depth?: number
  /** Replays spent on shrinking a failing schedule. Default 2,000. */
  readonly shrinkBudget?: number
  /** Called with the failing run before `explore` returns it (e.g. `Observer.writeTrace(path)` saves it for the trace viewer). */
  readonly onFailure?: (found: Explored) => void
  /** Runs each try on nodes made afresh by this function (the program on `node`). */
  readonly cluster?: () => Cluster
}

/**
 * Options of `verify`.
 *
 * @category model
 * @since 0.1.0
 */
export interface VerifyOptions<E, A> {
  /** `false` or a throw (e.g. a failed `expect`) marks the run as failing. */
  readonly check: (trace: Trace, reason: Reason<E, A>) => boolean | void
  /** At most this many preemptions per interleaving. Default 2. */
  readonly preemptions?: number
  /** Give up (an `Incomplete` verdict) after this many runs. Default 100,000. */
  readonly maxRuns?: number
  /** Partial-order reduction (sleep sets: sends to different processes commute). Default `true`. */
  readonly reduction?: boolean
  /** Replays spent on shrinking a failing schedule. Default 2,000. */
  readonly shrinkBudget?: number
  /** Runs each interleaving on nodes made afresh by this function (the program on `node`). */
  readonly cluster?: () => Cluster
}

/**
 * What `verify` concluded: every interleaving within the bound passes
 * (`Proved`), one fails (`Failed`, shrunk like `explore`'s), or the search hit
 * `maxRuns` first (`Incomplete`). `summary` says it in a line.
 *
 * @category model
 * @since 0.1.0
 */
export type Verdict =
  | {
      readonly _tag: 'Proved'
      /** Distinct interleavings run and checked. */
      readonly interleavings: number
      readonly preemptions: number
      /** Runs cut short because they repeated an explored interleaving (partial-order reduction). */
      readonly pruned: number
      readonly summary: string
    }
  | {
      readonly _tag: 'Failed'
      readonly interleavings: number
      readonly preemptions: number
      readonly found: Explored
      readonly summary: string
    }
  | {
      readonly _tag: 'Incomplete'
      readonly interleavings: number
      readonly preemptions: number
      readonly pruned: number
      readonly summary: string
    }

// -------------------------------------------------------------------------------------
// the runtime
// -------------------------------------------------------------------------------------

const strategyFor = (name: StrategyName, seed: number, depth = 3, expected = 100): Strategy => {
  switch (name) {
    case 'pct':
      return pctStrategy(seed, depth, expected)
    case 'pos':
      return posStrategy(seed)
    case 'fifo':
      return replayStrategy([])
    case 'random':
      return randomStrategy(seed)
    default:
      throw new TypeError(`TestRuntime: strategy must be 'random', 'pct', 'pos' or 'fifo', got ${describe(name)}`)
  }
}

const checkOptions = (where: string, options: unknown): void => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
}

const checkSeed = (where: string, seed: unknown): number => {
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new TypeError(`${where}: seed must be an integer, got ${describe(seed)}`)
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
      ? replayStrategy(decode(options.schedule), options.lenient !== true)
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
  if (options.node !== undefined) attachNode(d.kernel, options.node, 'TestRuntime.make')
  return wrap(d, d.kernel, rx)
}

/** The runtime of one of the driver's kernels (the main one or a peer), with the driver's controls. */
const wrap = (d: Driver, kernel: Driver['kernel'], rx: SchedulerLike | undefined): TestRuntime => {
  const base = fromKernel(kernel)
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
      return d.runSync(program, kernel) as Reason<E, A>
    },
    run: <E, A>(program: Effect<E, A>) => {
      onRx('run')
      return d.run(program, kernel) as Promise<Reason<E, A>>
    },
    get now() {
      return d.kernel.clock.now()
    },
    // on the virtual clock, shutting down also runs the processes to their end (on a testScheduler, its time does)
    shutdown: () => (rx === undefined ? d.shutdown(kernel) : base.shutdown()),
    trace: d.trace,
    get schedule() {
      return encode(d.scheduler.decisions)
    },
    clock: d.clock,
    peer: (node: NodeConfig): TestRuntime => {
      const k = d.addPeer()
      attachNode(k, node, 'TestRuntime.peer')
      return wrap(d, k, rx)
    }
  }
  // defineProperties, not Object.assign: keep `now` and `schedule` live getters
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extension)) as TestRuntime
}

// -------------------------------------------------------------------------------------
// exploring interleavings
// -------------------------------------------------------------------------------------

/** A depth-first search's result: the first failing run, if any, and how far it got. */
interface Search {
  readonly failed: Outcome | undefined
  readonly interleavings: number
  readonly pruned: number
  readonly complete: boolean
}

const search = (program: unknown, check: Check, bound: number, maxRuns: number, reduction: boolean): Search => {
  const frames: Array<Frame> = []
  let interleavings = 0
  let pruned = 0
  for (let run = 0; run < maxRuns; run++) {
    const dfs = new DfsRun(frames, bound, reduction)
    const o = runOnce(program, dfs, check)
    dfs.finish()
    if (dfs.redundant && o.failure === undefined) pruned++
    else interleavings++
    if (o.failure !== undefined) return { failed: o, interleavings, pruned, complete: false }
    if (!backtrack(frames, bound)) return { failed: undefined, interleavings, pruned, complete: true }
  }
  return { failed: undefined, interleavings, pruned, complete: false }
}

/** Runs of the bounded search a shrink may spend, per preemption bound tried. */
const SEARCH_RUNS = 300

/**
 * The first failing run, shrunk and explained. Greedy shrinking may stop at a
 * local minimum, so a small bounded search for a run with fewer preemptions
 * (0, 1, 2, ...) is shrunk too, and the smaller result kept.
 */
const report = (
  program: unknown,
  check: Check,
  o: Outcome,
  meta: { readonly seed: number; readonly run: number; readonly strategy: StrategyName },
  shrinkBudget: number
): Explored => {
  let small = shrink(program, check, o, shrinkBudget)
  // the fewest preemptions that fail, if a small bounded search finds them (CHESS's iterative bounding)
  const preemptions = o.decisions.reduce((n, d) => n + (d.budget > 0 ? 1 : 0), 0)
  for (let bound = 0; shrinkBudget > 0 && bound <= Math.min(3, preemptions); bound++) {
    if (cost(small.outcome.decisions) <= bound) break
    const found = search(program, check, bound, SEARCH_RUNS, true).failed
    if (found === undefined) continue
    const s = shrink(program, check, found, shrinkBudget)
    if (cost(s.outcome.decisions) < cost(small.outcome.decisions)) small = s
    break
  }
  const ds = small.outcome.decisions
  const logged = runOnce(program, replayStrategy(ds), check, { log: true })
  return {
    ...meta,
    schedule: encode(ds),
    preemptions: cost(ds),
    unshrunk: cost(o.decisions),
    minimal: small.minimal,
    explanation: explain(ds, logged.log ?? []),
    trace: small.outcome.trace,
    failure: small.outcome.failure ?? (o.failure as string),
    reason: small.outcome.reason
  }
}

/** Sets up a run's nodes from a `cluster` option. */
const clusterSetup = (where: string, cluster: (() => Cluster) | undefined): ((d: Driver) => void) | undefined => {
  if (cluster === undefined) return undefined
  if (typeof cluster !== 'function')
    throw new TypeError(`${where}: cluster must be a function returning { node, peers }`)
  return (d) => {
    const c = cluster()
    attachNode(d.kernel, c.node, where)
    for (const p of c.peers ?? []) attachNode(d.addPeer(), p, where)
  }
}

const checkCheck = (where: string, check: unknown): Check => {
  if (typeof check !== 'function') throw new TypeError(`${where}: check must be a function`)
  return check as Check
}

const MIXED: ReadonlyArray<StrategyName> = ['pos', 'pct', 'random']

/**
 * Runs `program` under many schedules and returns the first one that breaks
 * `check` (or deadlocks), shrunk to a 1-minimal schedule and explained, with
 * the strategy and seed that found it and a compact schedule string for
 * `replay`. `none` when every run passed.
 *
 * By default the strategies take turns (`mixed`): POS (partial order
 * sampling), PCT over scheduling points with `depth` (default 3), and the
 * seeded random walk. A first run in the production order calibrates PCT.
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
  checkOptions('TestRuntime.explore', options)
  return withSetup(clusterSetup('TestRuntime.explore', options.cluster), () => explore_(program, options))
}

const explore_ = <E, A>(program: Effect<E, A>, options: ExploreOptions<E, A>): Option<Explored> => {
  const seed = checkSeed('TestRuntime.explore', options.seed)
  const { runs } = options
  if (!Number.isInteger(runs) || runs < 1)
    throw new TypeError(`TestRuntime.explore: runs must be an integer >= 1, got ${describe(runs)}`)
  const check = checkCheck('TestRuntime.explore', options.check)
  const mode = options.strategy ?? 'mixed'
  if (mode !== 'mixed' && mode !== 'random' && mode !== 'pct' && mode !== 'pos')
    throw new TypeError(
      `TestRuntime.explore: strategy must be 'mixed', 'random', 'pct' or 'pos', got ${describe(mode)}`
    )
  const depth = options.depth ?? 3
  if (!Number.isInteger(depth) || depth < 1)
    throw new TypeError(`TestRuntime.explore: depth must be an integer >= 1, got ${describe(depth)}`)
  const shrinkBudget = options.shrinkBudget ?? 2000
  const failed = (found: Explored): Option<Explored> => {
    options.onFailure?.(found)
    return O.some(found)
  }
  // a first production-order run: its scheduling points calibrate PCT's change points
  const calibration = runOnce(program, replayStrategy([]), check, { count: true })
  if (calibration.failure !== undefined) {
    return failed(report(program, check, calibration, { seed, run: 0, strategy: 'fifo' }, shrinkBudget))
  }
  const expected = Math.max(1, calibration.points)
  const seedOf = (run: number): number => (seed + Math.imul(run, 0x9e3779b9)) >>> 0
  const nameOf = (run: number): StrategyName => (mode === 'mixed' ? (MIXED[run % MIXED.length] as StrategyName) : mode)
  for (let run = 0; run < runs; run++) {
    const o = runOnce(program, strategyFor(nameOf(run), seedOf(run), depth, expected), check)
    if (o.failure === undefined) continue
    const meta = { seed: seedOf(run), run, strategy: nameOf(run) }
    return failed(report(program, check, o, meta, shrinkBudget))
  }
  return O.none
}

/**
 * Explores every interleaving of `program` with at most `preemptions`
 * preemptions (default 2), depth first, each run replayed from the start:
 * at each scheduling point the running process either goes on or is
 * preempted by another ready one, and whenever it blocks any ready process
 * may go next. Interleavings that differ only in the order of steps that
 * commute (sends to different processes, receives from different mailboxes)
 * are run once (sleep sets). For a small program this is a proof up to the
 * bound: "all 1,234 interleavings up to 2 preemptions explored: no failure".
 *
 * @example
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const v = TestRuntime.verify(Effect.succeed(1), { check: (_t, r) => r._tag === 'Normal' })
 * v.summary // 'all 1 interleavings up to 2 preemptions explored: no failure'
 *
 * @category exploring
 * @since 0.1.0
 */
export const verify = <E, A>(program: Effect<E, A>, options: VerifyOptions<E, A>): Verdict => {
  checkOptions('TestRuntime.verify', options)
  return withSetup(clusterSetup('TestRuntime.verify', options.cluster), () => verify_(program, options))
}

const verify_ = <E, A>(program: Effect<E, A>, options: VerifyOptions<E, A>): Verdict => {
  const check = checkCheck('TestRuntime.verify', options.check)
  const bound = options.preemptions ?? 2
  if (!Number.isInteger(bound) || bound < 0)
    throw new TypeError(`TestRuntime.verify: preemptions must be an integer >= 0, got ${describe(bound)}`)
  const maxRuns = options.maxRuns ?? 100_000
  if (!Number.isInteger(maxRuns) || maxRuns < 1)
    throw new TypeError(`TestRuntime.verify: maxRuns must be an integer >= 1, got ${describe(maxRuns)}`)
  const reduction = options.reduction ?? true
  const upTo = `up to ${bound} preemption${bound === 1 ? '' : 's'}`
  const { failed, interleavings, pruned, complete } = search(program, check, bound, maxRuns, reduction)
  if (failed !== undefined) {
    const meta = { seed: 0, run: interleavings + pruned - 1, strategy: 'systematic' as const }
    const found = report(program, check, failed, meta, options.shrinkBudget ?? 2000)
    return {
      _tag: 'Failed',
      interleavings,
      preemptions: bound,
      found,
      summary: `interleaving ${interleavings} (${upTo}) fails: ${found.failure}`
    }
  }
  const n = interleavings.toLocaleString('en-US')
  return complete
    ? {
        _tag: 'Proved',
        interleavings,
        preemptions: bound,
        pruned,
        summary: `all ${n} interleavings ${upTo} explored: no failure`
      }
    : {
        _tag: 'Incomplete',
        interleavings,
        preemptions: bound,
        pruned,
        summary: `${n} interleavings ${upTo} explored, no failure, but the search stopped at ${maxRuns} runs`
      }
}

/**
 * Runs `program` under a schedule from `explore` (or `rt.schedule`) and
 * returns its trace: the same one, event for event. A schedule the run cannot
 * follow (the program changed since it was recorded) throws an error naming
 * the decision where the replay diverged.
 *
 * @example
 * import * as O from 'fp-ts/lib/Option.js'
 * import { Effect, TestRuntime } from 'fp-ts-actors'
 * const trace = TestRuntime.replay(Effect.succeed(1), 'v1:')
 *
 * @category exploring
 * @since 0.1.0
 */
export const replay = <E, A>(
  program: Effect<E, A>,
  schedule: string,
  options?: { readonly cluster?: () => Cluster }
): Trace => {
  const ds = decode(schedule)
  return withSetup(
    clusterSetup('TestRuntime.replay', options?.cluster),
    () => runOnce(program, replayStrategy(ds, true), () => true, {}, ds).trace
  )
}

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
export const format = (trace: ReadonlyArray<Event>): string => {
  if (!Array.isArray(trace))
    throw new TypeError(`TestRuntime.format: expected a trace (an array of events), got ${describe(trace)}`)
  return trace.map(formatEvent).join('\n')
}

const show = (u: unknown): string => {
  try {
    const s = JSON.stringify(u, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    return s === undefined ? safeString(u) : s
  } catch {
    return safeString(u)
  }
}

/** A destination as the trace shows it: a name quoted, `{ name, node }` as Erlang's `{name, node}`, a pid as itself. */
const dest = (d: unknown): string =>
  typeof d === 'string' ? JSON.stringify(d) : isRemoteName(d) ? `{${JSON.stringify(d.name)}, ${d.node}}` : safeString(d)

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
      return `Monitor ${e.watcher} ${dest(e.target)} ${e.ref}`
    case 'Down':
      return `Down ${e.watcher} ${e.ref} ${Ex.format(e.reason)}`
    case 'Send':
      return `Send ${e.from ?? 'outside'} -> ${dest(e.to)} ${show(e.message)}`
    case 'Receive':
      return `Receive ${e.pid} ${show(e.message)}`
    case 'DeadLetter':
      return `DeadLetter ${dest(e.letter.to)} ${e.letter.reason} ${show(e.letter.message)}`
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
    checkOptions('TestRuntime.testProcess', options)
    const found = explore(program, { ...options, runs: options.runs ?? 200, seed: options.seed ?? 1 })
    if (O.isNone(found)) return
    const x = found.value
    throw new Error(
      [
        `a schedule breaks the check: ${x.failure}`,
        `  run ${x.run} (${x.strategy}, seed ${x.seed}), ${x.preemptions} preemptions/choices after shrinking`,
        `  replay it: TestRuntime.replay(program, '${x.schedule}')`,
        ...x.explanation.map((line) => `  ${line}`),
        '',
        format(x.trace)
      ].join('\n')
    )
  }
