/**
 * Supervisor: a process that starts children, watches them and restarts
 * them as their specs say. Written as a `GenServer` that traps exits, as
 * Erlang's supervisor is.
 *
 * ```ts
 * interface ChildSpec {
 *   id: string
 *   start: Effect<unknown, Pid>                    // run by the supervisor; must link the child to it
 *   restart?: 'permanent' | 'transient' | 'temporary' // default permanent
 *   shutdown?: number | 'brutal_kill' | 'infinity'   // default 5000 (worker), 'infinity' (supervisor)
 *   type?: 'worker' | 'supervisor'                   // default worker
 * }
 * strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one'
 * ```
 *
 * As Elixir's:
 * - children start in order, each start finishing before the next; they
 *   stop in reverse order, each with `exit(child, shutdown)` then
 *   `exit(child, kill)` after its `shutdown` ms (`brutal_kill`: `kill` at once);
 * - a `permanent` child is always restarted, a `transient` one only after an
 *   abnormal exit (not `normal`, `shutdown` or `{shutdown, _}`), a `temporary`
 *   one never (and its spec is dropped);
 * - `one_for_one` restarts the child alone; `one_for_all` stops the others
 *   (reverse order) and restarts all (in order); `rest_for_one` does that for
 *   the child and those started after it;
 * - more than `maxRestarts` restarts within `maxSeconds` (default 3 in 5)
 *   and the supervisor stops its children and exits with `shutdown`: a parent
 *   supervisor then restarts it like any child.
 *
 * Time is counted on the process clock only: each restart is forgotten when a
 * `Process.sendAfter` timer the supervisor set for itself fires `maxSeconds`
 * later, so the intensity window also runs on a virtual clock.
 *
 * @example
 * import { Effect, Supervisor, Task } from 'fp-ts-actors'
 *
 * const tree = Supervisor.startLink(
 *   [
 *     { id: 'cache', start: Task.startLink(Effect.never) },
 *     { id: 'worker', start: Task.startLink(Effect.never), restart: 'transient', shutdown: 1000 }
 *   ],
 *   { strategy: 'one_for_one', maxRestarts: 3, maxSeconds: 5 }
 * )
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import * as GenServer from './GenServer.js'
import type { Pid } from './Pid.js'
import * as Process from './Process.js'
import * as Start from './Start.js'
import {
  type Spec,
  type Restart as SpecRestart,
  checkSpec,
  checkIntensity,
  startOne,
  shutdownChild,
  isCleanExit,
  internalOf,
  idOf,
  tryAgainLater,
  Intensity,
  answer
} from './internal/supervision.js'
import { describe, checkStartOptions } from './internal/check.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * When a child is restarted.
 *
 * @category model
 * @since 0.1.0
 */
export type Restart = SpecRestart

/**
 * How long a child may take to stop after `shutdown` before it is killed.
 *
 * @category model
 * @since 0.1.0
 */
export type Shutdown = number | 'brutal_kill' | 'infinity'

/**
 * Which children restart when one must (Elixir's spelling).
 *
 * @category model
 * @since 0.1.0
 */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one'

/**
 * How to start and supervise one child.
 *
 * @category model
 * @since 0.1.0
 */
export interface ChildSpec {
  readonly id: string
  /**
   * Run by the supervisor; must start a process linked to it (a startLink).
   * A function is called at each start with the supervisor's extra arguments
   * (DynamicSupervisor's `extraArguments`; none for a Supervisor).
   */
  readonly start: Effect.Effect<unknown, Pid<unknown>> | ((...args: never) => Effect.Effect<unknown, Pid<unknown>>)
  /** Default `permanent`. */
  readonly restart?: Restart
  /** Default 5000 for a worker, `infinity` for a supervisor. */
  readonly shutdown?: Shutdown
  /** Default `worker`. */
  readonly type?: 'worker' | 'supervisor'
}

/**
 * Options of `startLink`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options extends Start.Options {
  readonly strategy: Strategy
  /** Default 3. */
  readonly maxRestarts?: number
  /** Default 5. */
  readonly maxSeconds?: number
}

/**
 * A child as `whichChildren` lists it: `pid` is `none` for a child that is not
 * running (Elixir's `:undefined`, or `:restarting`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Child {
  readonly id: string | undefined
  readonly pid: Option<Pid<unknown>>
  readonly type: 'worker' | 'supervisor'
}

/**
 * What `countChildren` answers.
 *
 * @category model
 * @since 0.1.0
 */
export interface Counts {
  /** Child specs held. */
  readonly specs: number
  /** Children running. */
  readonly active: number
  readonly supervisors: number
  readonly workers: number
}

/**
 * No child with that id (or pid).
 *
 * @category model
 * @since 0.1.0
 */
export interface NotFound {
  readonly _tag: 'NotFound'
}

/**
 * The child is running (or being restarted).
 *
 * @category model
 * @since 0.1.0
 */
export interface Running {
  readonly _tag: 'Running'
}

/**
 * A child with that id is there already, not running.
 *
 * @category model
 * @since 0.1.0
 */
export interface AlreadyPresent {
  readonly _tag: 'AlreadyPresent'
}

/**
 * The `info` of the `Shutdown` reason of a supervisor whose child failed to
 * start (Elixir `{:shutdown, {:failed_to_start_child, id, reason}}`).
 *
 * @category model
 * @since 0.1.0
 */
export interface FailedToStartChild {
  readonly _tag: 'FailedToStartChild'
  readonly id: string
  readonly reason: Exit.Reason
}

// -------------------------------------------------------------------------------------
// the supervisor process
// -------------------------------------------------------------------------------------

interface ChildRec {
  readonly spec: Spec
  pid: Pid<unknown> | undefined
  restarting: boolean
}

interface State {
  readonly self: Pid<unknown>
  /** Tags the supervisor's messages to itself (see `Internal`). */
  readonly secret: Process.Ref
  readonly strategy: Strategy
  readonly intensity: Intensity
  /** In start order. */
  children: Array<ChildRec>
}

type Request =
  | { readonly _tag: 'WhichChildren' }
  | { readonly _tag: 'CountChildren' }
  | { readonly _tag: 'TerminateChild'; readonly id: string }
  | { readonly _tag: 'RestartChild'; readonly id: string }
  | { readonly _tag: 'DeleteChild'; readonly id: string }
  | { readonly _tag: 'StartChild'; readonly spec: Spec }

const findId = (st: State, id: string): ChildRec | undefined => st.children.find((c) => c.spec.id === id)

/** A child that exited or was stopped: a temporary one is forgotten, the others wait with no pid. */
const delChild = (st: State, child: ChildRec): void => {
  if (child.spec.restart === 'temporary') st.children = st.children.filter((c) => c !== child)
  else {
    child.pid = undefined
    child.restarting = false
  }
}

const stopChildren = (children: ReadonlyArray<ChildRec>): Effect.Effect<never, void> =>
  Effect.asUnit(
    Effect.traverseArray((c: ChildRec) => (c.pid === undefined ? Effect.unit : shutdownChild(c.pid, c.spec.shutdown)))(
      [...children].reverse()
    )
  )

const tryAgain = (st: State, id: string): Effect.Effect<never, void> => tryAgainLater(st.self, st.secret, id)

/** Starts a child again: its new pid, or (it failed to start) a retry later. Says how the start went. */
const startAgain = (st: State, c: ChildRec): Effect.Effect<never, 'Started' | 'Ignored' | 'Failed'> =>
  Effect.gen(function* () {
    const r = yield* startOne(c.spec)
    if (r._tag === 'Started') {
      c.pid = r.pid
      c.restarting = false
    } else if (r._tag === 'Failed') {
      c.restarting = true
      yield* tryAgain(st, c.spec.id)
    }
    return r._tag
  })

/** Stops `group` (reverse order), then starts it again in order; the first failure is retried later. */
const restartGroup = (st: State, group: ReadonlyArray<ChildRec>): Effect.Effect<never, void> =>
  Effect.gen(function* () {
    yield* stopChildren(group)
    for (const c of group) {
      if (c.spec.restart === 'temporary') st.children = st.children.filter((x) => x !== c)
      c.pid = undefined
    }
    for (const c of group) {
      if (!st.children.includes(c)) continue
      if ((yield* startAgain(st, c)) === 'Failed') return
    }
  })

/** A child must be restarted: count it, then restart per the strategy. `false`: too many restarts. */
const restart = (st: State, child: ChildRec): Effect.Effect<never, boolean> =>
  Effect.gen(function* () {
    const allowed = yield* st.intensity.add(st.self)
    if (!allowed) {
      delChild(st, child)
      return false
    }
    child.pid = undefined
    switch (st.strategy) {
      case 'one_for_one':
        if ((yield* startAgain(st, child)) === 'Ignored') child.restarting = false
        return true
      case 'rest_for_one':
        yield* restartGroup(st, st.children.slice(st.children.indexOf(child)))
        return true
      case 'one_for_all':
        yield* restartGroup(st, st.children.slice())
        return true
    }
  })

// -------------------------------------------------------------------------------------
// requests: one function each, as supervisor.erl's handle_call clauses
// -------------------------------------------------------------------------------------

type Answer = Effect.Effect<never, GenServer.CallResult<State, unknown>>

const reply = (value: unknown, st: State): Answer => Effect.succeed(GenServer.replyWith(value, st))

/** The children, newest first. */
const handleWhichChildren = (st: State): Answer =>
  reply(
    st.children
      .slice()
      .reverse()
      .map((c): Child => ({ id: c.spec.id, pid: O.fromNullable(c.pid), type: c.spec.type })),
    st
  )

const handleCountChildren = (st: State): Answer =>
  Effect.gen(function* () {
    let active = 0
    for (const c of st.children) if (c.pid !== undefined && (yield* Process.isAlive(c.pid))) active++
    const supervisors = st.children.filter((c) => c.spec.type === 'supervisor').length
    const counts: Counts = { specs: st.children.length, active, supervisors, workers: st.children.length - supervisors }
    return GenServer.replyWith(counts, st)
  })

const handleTerminateChild = (st: State, id: string): Answer =>
  Effect.gen(function* () {
    const c = findId(st, id)
    if (c === undefined) return GenServer.replyWith(E.left(notFound), st)
    if (c.pid !== undefined) yield* shutdownChild(c.pid, c.spec.shutdown)
    delChild(st, c)
    return GenServer.replyWith(E.right(undefined), st)
  })

const handleRestartChild = (st: State, id: string): Answer =>
  Effect.gen(function* () {
    const c = findId(st, id)
    if (c === undefined) return GenServer.replyWith(E.left(notFound), st)
    if (c.pid !== undefined || c.restarting) return GenServer.replyWith(E.left(running), st)
    const r = yield* startOne(c.spec)
    if (r._tag === 'Started') {
      c.pid = r.pid
      return GenServer.replyWith(E.right(r.pid), st)
    }
    return GenServer.replyWith(E.left(r._tag === 'Ignored' ? Start.ignore : Start.initFailed(r.reason)), st)
  })

const handleDeleteChild = (st: State, id: string): Answer => {
  const c = findId(st, id)
  if (c === undefined) return reply(E.left(notFound), st)
  if (c.pid !== undefined || c.restarting) return reply(E.left(running), st)
  st.children = st.children.filter((x) => x !== c)
  return reply(E.right(undefined), st)
}

const handleStartChild = (st: State, spec: Spec): Answer =>
  Effect.gen(function* () {
    const existing = findId(st, spec.id)
    if (existing !== undefined)
      return GenServer.replyWith(
        E.left(existing.pid !== undefined ? Start.alreadyStarted(existing.pid) : alreadyPresent),
        st
      )
    const r = yield* startOne(spec)
    if (r._tag === 'Started') {
      st.children.push({ spec, pid: r.pid, restarting: false })
      return GenServer.replyWith(E.right(r.pid), st)
    }
    if (r._tag === 'Ignored') {
      if (spec.restart !== 'temporary') st.children.push({ spec, pid: undefined, restarting: false })
      return GenServer.replyWith(E.left(Start.ignore), st)
    }
    return GenServer.replyWith(E.left(Start.initFailed(r.reason)), st)
  })

const behaviour: GenServer.Behaviour<
  { readonly specs: ReadonlyArray<Spec>; readonly strategy: Strategy; readonly max: number; readonly periodMs: number },
  State,
  Request,
  unknown,
  never
> = {
  init: ({ specs, strategy, max, periodMs }) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const self = yield* Process.self
      const secret = yield* Process.makeRef
      const st: State = { self, secret, strategy, intensity: new Intensity(max, periodMs, secret), children: [] }
      for (const spec of specs) {
        const r = yield* startOne(spec)
        if (r._tag === 'Started') st.children.push({ spec, pid: r.pid, restarting: false })
        else if (r._tag === 'Ignored') {
          if (spec.restart !== 'temporary') st.children.push({ spec, pid: undefined, restarting: false })
        } else {
          yield* stopChildren(st.children)
          const info: FailedToStartChild = { _tag: 'FailedToStartChild', id: spec.id, reason: r.reason }
          return GenServer.stopWith(Exit.shutdownWith(info))
        }
      }
      return GenServer.ok(st)
    }),

  handleCall: (request, _from, st) => {
    switch (request._tag) {
      case 'WhichChildren':
        return handleWhichChildren(st)
      case 'CountChildren':
        return handleCountChildren(st)
      case 'TerminateChild':
        return handleTerminateChild(st, request.id)
      case 'RestartChild':
        return handleRestartChild(st, request.id)
      case 'DeleteChild':
        return handleDeleteChild(st, request.id)
      case 'StartChild':
        return handleStartChild(st, request.spec)
    }
  },

  handleInfo: (message, st) =>
    Effect.gen(function* () {
      const internal = internalOf(message, st.secret)
      if (internal !== undefined) {
        if (internal.what === 'expired') {
          st.intensity.expire()
          return GenServer.noReply(st)
        }
        const c = findId(st, internal.child as string)
        if (c === undefined || !c.restarting) return GenServer.noReply(st)
        const ok = yield* restart(st, c)
        return ok ? GenServer.noReply(st) : GenServer.stopWith(Exit.shutdown, st)
      }
      if (!Exit.ExitSignal.is(message)) return GenServer.noReply(st)
      const c = st.children.find((x) => x.pid === message.from)
      if (c === undefined) return GenServer.noReply(st)
      const again = c.spec.restart === 'permanent' || (c.spec.restart === 'transient' && !isCleanExit(message.reason))
      if (!again) {
        delChild(st, c)
        return GenServer.noReply(st)
      }
      const ok = yield* restart(st, c)
      return ok ? GenServer.noReply(st) : GenServer.stopWith(Exit.shutdown, st)
    }),

  terminate: (_reason, st) => stopChildren(st.children)
}

const notFound: NotFound = { _tag: 'NotFound' }
const running: Running = { _tag: 'Running' }
const alreadyPresent: AlreadyPresent = { _tag: 'AlreadyPresent' }

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

/**
 * Starts a supervisor linked to the caller, and its children in order, each
 * start finishing before the next. If one fails, the started ones are
 * stopped (reverse order) and `startLink` fails with
 * `InitFailed(Shutdown{ info: FailedToStartChild })`, the supervisor exiting
 * with that reason (so a linked caller that does not trap exits gets it too).
 * A child start that answers `Ignore` leaves the child listed, not running.
 *
 * @example
 * import { Effect, Supervisor, Task } from 'fp-ts-actors'
 * const sup = Supervisor.startLink([{ id: 'w', start: Task.startLink(Effect.never) }], {
 *   strategy: 'one_for_one',
 *   name: 'workers'
 * })
 *
 * @category starting
 * @since 0.1.0
 */
export const startLink = (
  children: ReadonlyArray<ChildSpec>,
  options: Options
): Effect.Effect<Start.StartError, Pid<unknown>> => {
  const where = 'Supervisor.startLink'
  if (!Array.isArray(children))
    throw new TypeError(`${where}: expected an array of child specs, got ${describe(children)}`)
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  const strategy: unknown = options.strategy
  if (strategy !== 'one_for_one' && strategy !== 'one_for_all' && strategy !== 'rest_for_one') {
    throw new TypeError(
      `${where}: strategy must be 'one_for_one', 'one_for_all' or 'rest_for_one', got ${describe(strategy)}`
    )
  }
  checkIntensity(where, options.maxRestarts, options.maxSeconds)
  checkStartOptions(where, options)
  const specs = children.map((c) => checkSpec(where, c))
  const ids = new Set<string>()
  for (const s of specs) {
    if (ids.has(s.id)) throw new TypeError(`${where}: duplicate child id ${JSON.stringify(s.id)}`)
    ids.add(s.id)
  }
  const arg = {
    specs,
    strategy: strategy as Strategy,
    max: options.maxRestarts ?? 3,
    periodMs: (options.maxSeconds ?? 5) * 1000
  }
  return GenServer.startLink(behaviour, arg, options.name === undefined ? undefined : { name: options.name })
}

// -------------------------------------------------------------------------------------
// requests
// -------------------------------------------------------------------------------------

/**
 * The children, newest first as Elixir lists them; `pid` is `none` for a
 * child that is not running.
 *
 * @example
 * import { Supervisor } from 'fp-ts-actors'
 * const kids = Supervisor.whichChildren('workers') // Effect<Exit.Exiting, ReadonlyArray<Supervisor.Child>>
 *
 * @category requests
 * @since 0.1.0
 */
export const whichChildren = (sup: GenServer.Server): Effect.Effect<Exit.Exiting, ReadonlyArray<Child>> =>
  GenServer.call<ReadonlyArray<Child>>(sup, { _tag: 'WhichChildren' } satisfies Request, Infinity)

/**
 * How many child specs, running children, supervisors and workers.
 *
 * @example
 * import { Supervisor } from 'fp-ts-actors'
 * const counts = Supervisor.countChildren('workers') // { specs, active, supervisors, workers }
 *
 * @category requests
 * @since 0.1.0
 */
export const countChildren = (sup: GenServer.Server): Effect.Effect<Exit.Exiting, Counts> =>
  GenServer.call<Counts>(sup, { _tag: 'CountChildren' } satisfies Request, Infinity)

/**
 * Stops the child `id` (shutdown, then kill after its timeout). Its spec stays
 * (a temporary child's is dropped), so `restartChild` can start it again.
 *
 * @example
 * import { Supervisor } from 'fp-ts-actors'
 * const stopped = Supervisor.terminateChild('workers', 'w')
 *
 * @category requests
 * @since 0.1.0
 */
export const terminateChild = (sup: GenServer.Server, id: string): Effect.Effect<Exit.Exiting | NotFound, void> =>
  answer(GenServer.call<Either<NotFound, void>>(sup, { _tag: 'TerminateChild', id } satisfies Request, Infinity))

/**
 * Starts again a child that is not running (after `terminateChild`).
 *
 * @example
 * import { Supervisor } from 'fp-ts-actors'
 * const pid = Supervisor.restartChild('workers', 'w')
 *
 * @category requests
 * @since 0.1.0
 */
export const restartChild = (
  sup: GenServer.Server,
  id: string
): Effect.Effect<Exit.Exiting | NotFound | Running | Start.StartError, Pid<unknown>> =>
  answer(
    GenServer.call<Either<NotFound | Running | Start.StartError, Pid<unknown>>>(
      sup,
      { _tag: 'RestartChild', id } satisfies Request,
      Infinity
    )
  )

/**
 * Forgets the spec of a child that is not running.
 *
 * @example
 * import { Effect, Supervisor } from 'fp-ts-actors'
 * const gone = Effect.flatMap(Supervisor.terminateChild('workers', 'w'), () => Supervisor.deleteChild('workers', 'w'))
 *
 * @category requests
 * @since 0.1.0
 */
export const deleteChild = (
  sup: GenServer.Server,
  id: string
): Effect.Effect<Exit.Exiting | NotFound | Running, void> =>
  answer(GenServer.call<Either<NotFound | Running, void>>(sup, { _tag: 'DeleteChild', id } satisfies Request, Infinity))

/**
 * Adds a child to a running supervisor and starts it (Elixir's
 * `Supervisor.start_child/2`). Fails with `AlreadyStarted(pid)` when a running
 * child has that id, `AlreadyPresent` when a stopped one has, or the start's
 * `Start.StartError`.
 *
 * @example
 * import { Effect, Supervisor, Task } from 'fp-ts-actors'
 * const more = Supervisor.startChild('workers', { id: 'w2', start: Task.startLink(Effect.never) })
 *
 * @category requests
 * @since 0.1.0
 */
export const startChild = (
  sup: GenServer.Server,
  spec: ChildSpec
): Effect.Effect<Exit.Exiting | AlreadyPresent | Start.StartError, Pid<unknown>> => {
  const checked = checkSpec('Supervisor.startChild', spec)
  return answer(
    GenServer.call<Either<AlreadyPresent | Start.StartError, Pid<unknown>>>(
      sup,
      { _tag: 'StartChild', spec: checked } satisfies Request,
      Infinity
    )
  )
}

/**
 * Stops the supervisor: its children stop in reverse order, then it exits
 * with `reason` (default `normal`). Fails like `GenServer.stop`.
 *
 * @example
 * import { Supervisor } from 'fp-ts-actors'
 * const bye = Supervisor.stop('workers')
 *
 * @category requests
 * @since 0.1.0
 */
export const stop = (
  sup: GenServer.Server,
  reason: Exit.Reason = Exit.normal,
  timeout: number = Infinity
): Effect.Effect<Exit.Exiting, void> => GenServer.stop(sup, reason, timeout)

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that starts this supervisor under another one (Elixir's
 * `child_spec/1` of `use Supervisor`): id its name (or `'Supervisor'`), type
 * `supervisor`.
 *
 * @example
 * import { Effect, Supervisor, Task } from 'fp-ts-actors'
 * const inner = Supervisor.childSpec([Task.childSpec(Effect.never)], { strategy: 'one_for_one', name: 'inner' })
 * const tree = Supervisor.startLink([inner], { strategy: 'one_for_all' })
 *
 * @category child specs
 * @since 0.2.0
 */
export const childSpec = (children: ReadonlyArray<ChildSpec>, options: Options): ChildSpec => ({
  id: idOf(options?.name, 'Supervisor'),
  start: startLink(children, options),
  type: 'supervisor'
})
