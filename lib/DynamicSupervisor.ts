/**
 * DynamicSupervisor: a supervisor that starts with no children and gets them
 * one at a time with `startChild` (a pool of workers, one process per
 * connection...). Written as a `GenServer` that traps exits, like Supervisor.
 *
 * ```ts
 * startLink({ maxChildren?, maxRestarts?, maxSeconds?, name? })
 * startChild(sup, spec)        // the child spec's id is not used: children are known by pid
 * terminateChild(sup, pid)
 * whichChildren / countChildren
 * ```
 *
 * As Elixir's: the strategy is `one_for_one`; a crashed `permanent` child (or
 * `transient` after an abnormal exit) is restarted with the same spec under a
 * new pid, within the restart intensity (default 3 in 5 s, then the
 * supervisor exits with `shutdown`); `startChild` beyond `maxChildren` fails
 * with `MaxChildren`. When the supervisor stops, all children are sent
 * `shutdown` at once and each is killed after its own `shutdown` time.
 *
 * @example
 * import { DynamicSupervisor, Effect, Task } from 'fp-ts-actors'
 *
 * const pool = Effect.gen(function* () {
 *   const sup = yield* DynamicSupervisor.startLink({ maxChildren: 10 })
 *   const worker = yield* DynamicSupervisor.startChild(sup, { id: 'worker', start: Task.startLink(Effect.never) })
 *   return yield* DynamicSupervisor.countChildren(sup) // { specs: 1, active: 1, supervisors: 0, workers: 1 }
 * })
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import * as GenServer from './GenServer.js'
import type { Pid } from './Pid.js'
import * as Process from './Process.js'
import * as Start from './Start.js'
import * as Supervisor from './Supervisor.js'
import * as supervision from './internal/supervision.js'
import { describe, checkStartOptions } from './internal/check.js'
import { guard } from './internal/guard.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of `startLink`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options extends Start.Options {
  /** The only strategy (Elixir's DynamicSupervisor has no other). */
  readonly strategy?: 'one_for_one'
  /** Default `Infinity`. */
  readonly maxChildren?: number
  /** Default 3. */
  readonly maxRestarts?: number
  /** Default 5. */
  readonly maxSeconds?: number
  /** Given first to every child's start function (Elixir's `extra_arguments`). Default none. */
  readonly extraArguments?: ReadonlyArray<unknown>
}

/**
 * `startChild` would go beyond `maxChildren`.
 *
 * @category model
 * @since 0.1.0
 */
export interface MaxChildren {
  readonly _tag: 'MaxChildren'
}

// -------------------------------------------------------------------------------------
// the supervisor process
// -------------------------------------------------------------------------------------

interface ChildRec {
  readonly spec: supervision.Spec
  /** Waiting to be started again after a failed restart (Elixir's `:restarting`). */
  restarting: boolean
}

interface State {
  readonly self: Pid<unknown>
  /** Tags the supervisor's messages to itself (see `supervision.Internal`). */
  readonly secret: Process.Ref
  readonly maxChildren: number
  readonly extra: ReadonlyArray<unknown>
  readonly intensity: supervision.Intensity
  /** Keyed by pid, in start order (a restarted child gets a new pid, at the end). */
  readonly children: Map<Pid<unknown>, ChildRec>
}

type Request =
  | { readonly _tag: 'StartChild'; readonly spec: supervision.Spec }
  | { readonly _tag: 'TerminateChild'; readonly pid: Pid<unknown> }
  | { readonly _tag: 'WhichChildren' }
  | { readonly _tag: 'CountChildren' }

const notFound: Supervisor.NotFound = { _tag: 'NotFound' }
const maxChildren: MaxChildren = { _tag: 'MaxChildren' }

/** Starts a crashed child again under a new pid; a failed start is retried later (counted again). */
const restart = Effect.fn(function* (st: State, old: Pid<unknown>, child: ChildRec) {
  const allowed = yield* st.intensity.add(st.self)
  if (!allowed) {
    st.children.delete(old)
    return false
  }
  const r = yield* supervision.startOne(child.spec, st.extra)
  if (r._tag === 'Failed') {
    child.restarting = true
    yield* supervision.tryAgainLater(st.self, st.secret, old)
    return true
  }
  st.children.delete(old)
  if (r._tag === 'Started') st.children.set(r.pid, { spec: child.spec, restarting: false })
  return true
})

/**
 * Stops every child at once, as Elixir's DynamicSupervisor does: monitor and
 * unlink each, send `shutdown` (or `kill`), and let one timer process per
 * distinct shutdown time kill the ones still running when it fires.
 */
const stopAll = (st: State): Effect.Effect<never, void> =>
  Effect.gen(function* () {
    const waiting = new Map<Process.Ref, Pid<unknown>>()
    const byTime = new Map<number, Array<Pid<unknown>>>()
    for (const [pid, c] of st.children) {
      if (c.restarting) continue
      const mon = yield* Process.monitor(pid)
      yield* supervision.unlinkFlush(pid)
      waiting.set(mon, pid)
      if (c.spec.shutdown === 'brutal_kill') yield* Process.exit(pid, Exit.kill)
      else {
        yield* Process.exit(pid, Exit.shutdown)
        if (c.spec.shutdown !== Infinity) {
          const group = byTime.get(c.spec.shutdown) ?? []
          group.push(pid)
          byTime.set(c.spec.shutdown, group)
        }
      }
    }
    const killers: Array<Pid<unknown>> = []
    for (const [ms, pids] of byTime) {
      const killer = Process.receive(
        Process.on(t.literal('cancel'), () => Effect.unit),
        Process.after(ms, () =>
          Effect.asUnit(Effect.traverseArray((p: Pid<unknown>) => Process.exit(p, Exit.kill))(pids))
        )
      )
      killers.push(yield* Process.spawn(killer))
    }
    const Down = guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && waiting.has(u.ref))
    while (waiting.size > 0) {
      const m = yield* Process.receive(Down)
      waiting.delete(m.ref)
    }
    for (const k of killers) yield* Effect.catchAll(Process.send(k, 'cancel'), () => Effect.unit)
    st.children.clear()
  })

/** The supervisor's calls (its generator function made once: see `Effect.fn`). */
const handleCall = Effect.fn(function* (request: Request, st: State) {
  switch (request._tag) {
    case 'StartChild': {
      if (st.children.size >= st.maxChildren) return GenServer.replyWith(E.left(maxChildren), st)
      const r = yield* supervision.startOne(request.spec, st.extra)
      if (r._tag === 'Started') {
        st.children.set(r.pid, { spec: request.spec, restarting: false })
        return GenServer.replyWith(E.right(r.pid), st)
      }
      return GenServer.replyWith(E.left(r._tag === 'Ignored' ? Start.ignore : Start.initFailed(r.reason)), st)
    }
    case 'TerminateChild': {
      const c = st.children.get(request.pid)
      if (c === undefined) return GenServer.replyWith(E.left(notFound), st)
      if (!c.restarting) yield* supervision.shutdownChild(request.pid, c.spec.shutdown)
      st.children.delete(request.pid)
      return GenServer.replyWith(E.right(undefined), st)
    }
    case 'WhichChildren': {
      const list: Array<Supervisor.Child> = []
      for (const [pid, c] of st.children) {
        list.push({ id: undefined, pid: c.restarting ? O.none : O.some(pid), type: c.spec.type })
      }
      return GenServer.replyWith(list as ReadonlyArray<Supervisor.Child>, st)
    }
    case 'CountChildren': {
      let active = 0
      let supervisors = 0
      for (const [pid, c] of st.children) {
        if (c.spec.type === 'supervisor') supervisors++
        if (!c.restarting && (yield* Process.isAlive(pid))) active++
      }
      const counts: Supervisor.Counts = {
        specs: st.children.size,
        active,
        supervisors,
        workers: st.children.size - supervisors
      }
      return GenServer.replyWith(counts, st)
    }
  }
})

/** The supervisor's other messages: its children's exits and its own retry timers. */
const handleInfo = Effect.fn(function* (message: unknown, st: State) {
  const internal = supervision.internalOf(message, st.secret)
  if (internal !== undefined) {
    if (internal.what === 'expired') {
      st.intensity.expire()
      return GenServer.noReply(st)
    }
    const old = internal.child as Pid<unknown>
    const c = st.children.get(old)
    if (c === undefined || !c.restarting) return GenServer.noReply(st)
    const ok = yield* restart(st, old, c)
    return ok ? GenServer.noReply(st) : GenServer.stopWith(Exit.shutdown, st)
  }
  if (!Exit.ExitSignal.is(message)) return GenServer.noReply(st)
  const c = st.children.get(message.from)
  if (c === undefined) return GenServer.noReply(st)
  const again =
    c.spec.restart === 'permanent' || (c.spec.restart === 'transient' && !supervision.isCleanExit(message.reason))
  if (!again) {
    st.children.delete(message.from)
    return GenServer.noReply(st)
  }
  const ok = yield* restart(st, message.from, c)
  return ok ? GenServer.noReply(st) : GenServer.stopWith(Exit.shutdown, st)
})

const behaviour: GenServer.Behaviour<
  {
    readonly maxChildren: number
    readonly extra: ReadonlyArray<unknown>
    readonly max: number
    readonly periodMs: number
  },
  State,
  Request,
  unknown,
  never
> = {
  init: ({ maxChildren, extra, max, periodMs }) =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const self = yield* Process.self
      const secret = yield* Process.makeRef
      const intensity = new supervision.Intensity(max, periodMs, secret)
      const st: State = { self, secret, maxChildren, extra, intensity, children: new Map() }
      return GenServer.ok(st)
    }),

  handleCall: (request, _from, st) => handleCall(request, st),
  handleInfo: (message, st) => handleInfo(message, st),
  terminate: (_reason, st) => stopAll(st)
}

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

/**
 * Starts a dynamic supervisor, with no children, linked to the caller.
 *
 * @example
 * import { DynamicSupervisor } from 'fp-ts-actors'
 * const sup = DynamicSupervisor.startLink({ name: 'pool', maxChildren: 100 })
 *
 * @category starting
 * @since 0.1.0
 */
export const startLink = (options: Options = {}): Effect.Effect<Start.StartError, Pid<unknown>> => {
  const where = 'DynamicSupervisor.startLink'
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  if (options.strategy !== undefined && options.strategy !== 'one_for_one') {
    throw new TypeError(`${where}: the only strategy is 'one_for_one', got ${describe(options.strategy)}`)
  }
  const maxChildren = options.maxChildren ?? Infinity
  if (!(maxChildren === Infinity || (Number.isInteger(maxChildren) && maxChildren >= 0))) {
    throw new TypeError(`${where}: maxChildren must be an integer >= 0 (or Infinity), got ${describe(maxChildren)}`)
  }
  supervision.checkIntensity(where, options.maxRestarts, options.maxSeconds)
  checkStartOptions(where, options)
  const extra = options.extraArguments ?? []
  if (!Array.isArray(extra)) throw new TypeError(`${where}: extraArguments must be an array, got ${describe(extra)}`)
  const arg = { maxChildren, extra, max: options.maxRestarts ?? 3, periodMs: (options.maxSeconds ?? 5) * 1000 }
  return GenServer.startLink(behaviour, arg, options.name === undefined ? undefined : { name: options.name })
}

// -------------------------------------------------------------------------------------
// requests
// -------------------------------------------------------------------------------------

/**
 * Starts a child under the supervisor (its spec's `id` is not used: dynamic
 * children are known by pid). Fails with `MaxChildren`, or the start's
 * `Start.StartError` (`Ignore` when the start ignored; the child is not kept).
 *
 * @example
 * import { DynamicSupervisor, Effect, Task } from 'fp-ts-actors'
 * const worker = DynamicSupervisor.startChild('pool', { id: 'worker', start: Task.startLink(Effect.never) })
 *
 * @category requests
 * @since 0.1.0
 */
export const startChild = (
  sup: GenServer.Server,
  spec: Supervisor.ChildSpec
): Effect.Effect<Exit.Exiting | Start.StartError | MaxChildren, Pid<unknown>> => {
  const checked = supervision.checkSpec('DynamicSupervisor.startChild', spec, false)
  return supervision.answer(
    GenServer.call<Either<Start.StartError | MaxChildren, Pid<unknown>>>(
      sup,
      { _tag: 'StartChild', spec: checked } satisfies Request,
      Infinity
    )
  )
}

/**
 * Stops the child `pid` (shutdown, then kill after its timeout) and forgets it.
 *
 * @example
 * import { DynamicSupervisor } from 'fp-ts-actors'
 * declare const worker: import('fp-ts-actors').Pid.Pid
 * const stopped = DynamicSupervisor.terminateChild('pool', worker)
 *
 * @category requests
 * @since 0.1.0
 */
export const terminateChild = (
  sup: GenServer.Server,
  pid: Pid<unknown>
): Effect.Effect<Exit.Exiting | Supervisor.NotFound, void> => {
  if (!Process.pid.is(pid))
    throw new TypeError(`DynamicSupervisor.terminateChild: expected a child pid, got ${describe(pid)}`)
  return supervision.answer(
    GenServer.call<Either<Supervisor.NotFound, void>>(sup, { _tag: 'TerminateChild', pid } satisfies Request, Infinity)
  )
}

/**
 * The children in start order (Elixir lists them by pid, which for a small
 * supervisor is start order), each with id `undefined`.
 *
 * @example
 * import { DynamicSupervisor } from 'fp-ts-actors'
 * const kids = DynamicSupervisor.whichChildren('pool')
 *
 * @category requests
 * @since 0.1.0
 */
export const whichChildren = (sup: GenServer.Server): Effect.Effect<Exit.Exiting, ReadonlyArray<Supervisor.Child>> =>
  GenServer.call<ReadonlyArray<Supervisor.Child>>(sup, { _tag: 'WhichChildren' } satisfies Request, Infinity)

/**
 * How many children, running children, supervisors and workers (`specs` is
 * the number of children).
 *
 * @example
 * import { DynamicSupervisor } from 'fp-ts-actors'
 * const counts = DynamicSupervisor.countChildren('pool')
 *
 * @category requests
 * @since 0.1.0
 */
export const countChildren = (sup: GenServer.Server): Effect.Effect<Exit.Exiting, Supervisor.Counts> =>
  GenServer.call<Supervisor.Counts>(sup, { _tag: 'CountChildren' } satisfies Request, Infinity)

/**
 * Stops the supervisor and all its children; it exits with `reason`
 * (default `normal`). Fails like `GenServer.stop`.
 *
 * @example
 * import { DynamicSupervisor } from 'fp-ts-actors'
 * const bye = DynamicSupervisor.stop('pool')
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
 * The child spec that starts a DynamicSupervisor with `options` under
 * another supervisor (Elixir's `child_spec/1`): id its name (or
 * `'DynamicSupervisor'`), type `supervisor`.
 *
 * @example
 * import { DynamicSupervisor, Supervisor } from 'fp-ts-actors'
 * const tree = Supervisor.startLink([DynamicSupervisor.childSpec({ name: 'pool' })], { strategy: 'one_for_one' })
 *
 * @category child specs
 * @since 0.2.0
 */
export const childSpec = (options: Options = {}): Supervisor.ChildSpec => ({
  id: supervision.idOf(options?.name, 'DynamicSupervisor'),
  start: startLink(options),
  type: 'supervisor'
})
