/**
 * TaskSupervisor: tasks started under a supervisor (Elixir's
 * `Task.Supervisor`), a `DynamicSupervisor` whose children are tasks,
 * `temporary` by default (never restarted).
 *
 * ```ts
 * startLink({ name?, maxChildren?, maxRestarts?, maxSeconds? })
 * async(sup, program, { shutdown? })        // a Task linked to the caller, child of sup
 * asyncNolink(sup, program, { shutdown? })  // not linked: a crash is only a DOWN / left(reason)
 * startChild(sup, program, { restart?, shutdown? })
 * children(sup) / terminateChild(sup, pid)
 * asyncStream / asyncStreamNolink (sup, items, f, options) and their lazy forms
 * ```
 *
 * `asyncNolink` is the standard way to run risky work from a server: the
 * task is supervised, the caller awaits it (or receives its reply and DOWN in
 * `handleInfo`) and survives its crash. `Task.await`, `Task.yield`,
 * `Task.shutdown`... work on these tasks as on `Task.async`'s.
 *
 * @example
 * import { Effect, Task, TaskSupervisor } from 'fp-ts-actors'
 *
 * const program = Effect.gen(function* () {
 *   const sup = yield* TaskSupervisor.startLink()
 *   const task = yield* TaskSupervisor.asyncNolink(sup, Effect.die(new Error('risky')))
 *   return yield* Task.yield(task, 1000) // some(left(Defect(Error: risky))): the caller lives
 * })
 *
 * @since 0.2.0
 */
import type { Observable } from 'rxjs'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import * as DynamicSupervisor from './DynamicSupervisor.js'
import type * as GenServer from './GenServer.js'
import type { Pid, Ref } from './Pid.js'
import * as Process from './Process.js'
import type { Runtime } from './Runtime.js'
import { fromProcess as observe } from './rx/fromProcess.js'
import type * as Start from './Start.js'
import type * as Supervisor from './Supervisor.js'
import * as Task from './Task.js'
import { checkProgram, describe } from './internal/check.js'
import { collect, cursor, type Spawner } from './internal/stream.js'
import { guard } from './internal/guard.js'
import { idOf } from './internal/supervision.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of `startLink` (those of `DynamicSupervisor.startLink`).
 *
 * @category model
 * @since 0.2.0
 */
export type Options = DynamicSupervisor.Options

/**
 * Options of a task started under the supervisor.
 *
 * @category model
 * @since 0.2.0
 */
export interface TaskOptions {
  /** How long the task may take to stop when the supervisor stops it. Default 5000. */
  readonly shutdown?: Supervisor.Shutdown
}

/**
 * Options of `startChild`.
 *
 * @category model
 * @since 0.2.0
 */
export interface ChildOptions extends TaskOptions {
  /** Default `temporary`. */
  readonly restart?: Supervisor.Restart
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

interface GoMsg {
  readonly _tag: 'Task.Go'
  readonly tag: Ref
}

/** A supervised task waits for its owner's go (a tag only the owner knows), so the owner's link and monitor come first. */
const afterGo = <E>(tag: Ref, work: Effect.Effect<E, void>): Effect.Effect<E, void> =>
  Effect.flatMap(
    Process.receive(
      guard(
        'Task.Go',
        (u): u is GoMsg =>
          typeof u === 'object' && u !== null && (u as GoMsg)._tag === 'Task.Go' && (u as GoMsg).tag === tag
      )
    ),
    () => work
  )

const checkSup = (where: string, sup: unknown): void => {
  if (typeof sup !== 'string' && !Process.pid.is(sup)) {
    throw new TypeError(`${where}: expected a supervisor pid or name, got ${describe(sup)}`)
  }
}

const checkShutdown = (where: string, options: unknown): void => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
}

/** The start failed (at `maxChildren`, say): the caller exits, as Elixir's `async` raises. */
const startFailed = (where: string, e: unknown): Effect.Effect<Exit.Exiting, never> =>
  Effect.fail(Exit.exiting(Exit.callExit(Exit.isExiting(e) ? e.reason : Exit.custom(e), where, [])))

/** Starts `work` as a temporary child of `sup`, then links (when asked) and monitors it, and lets it go. */
const supervised =
  (where: string, sup: GenServer.Server, link: boolean, shutdown: Supervisor.Shutdown): Spawner =>
  (work) =>
    startSupervised(where, sup, link, shutdown, work)

/** `supervised`'s spawner at work (its generator function made once: see `Effect.fn`). */
const startSupervised = Effect.fn(function* (
  where: string,
  sup: GenServer.Server,
  link: boolean,
  shutdown: Supervisor.Shutdown,
  work: Effect.Effect<unknown, void>
) {
  const tag = yield* Process.makeRef
  const started = yield* Effect.either(
    DynamicSupervisor.startChild(sup, {
      id: 'task',
      start: Process.spawnLink(afterGo(tag, work)),
      restart: 'temporary',
      shutdown
    })
  )
  if (started._tag === 'Left') return yield* startFailed(where, started.left)
  const pid = started.right
  if (link) yield* Effect.catchAll(Process.link(pid), () => Effect.unit)
  const ref = yield* Process.monitor(pid)
  yield* Effect.catchAll(Process.send(pid, { _tag: 'Task.Go', tag } satisfies GoMsg), () => Effect.unit)
  return [pid, ref] as const
})

const asyncWith = <E, A>(
  where: string,
  sup: GenServer.Server,
  program: Effect.Effect<E, A>,
  options: TaskOptions,
  link: boolean
): Effect.Effect<Exit.Exiting, Task.Task<E, A>> => {
  checkSup(where, sup)
  checkProgram(where, program)
  checkShutdown(where, options)
  return startTask(where, sup, program, options.shutdown ?? 5000, link) as Effect.Effect<Exit.Exiting, Task.Task<E, A>>
}

/** `asyncWith` once its arguments are checked (its generator function made once: see `Effect.fn`). */
const startTask = Effect.fn(function* (
  where: string,
  sup: GenServer.Server,
  program: Effect.Effect<unknown, unknown>,
  shutdown: Supervisor.Shutdown,
  link: boolean
) {
  const owner = yield* Process.self
  const alias = yield* Process.alias({ oneShot: true })
  const reply = Effect.flatMap(program, (value) =>
    Effect.catchAll(Process.send(alias, { _tag: 'Task.Reply', tag: alias, value }), () => Effect.unit)
  )
  const [pid, ref] = yield* supervised(where, sup, link, shutdown)(reply)
  const task: Task.Task<unknown, unknown> = { owner, pid, ref, alias }
  return task
})

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

/**
 * Starts a task supervisor linked to the caller.
 *
 * @example
 * import { TaskSupervisor } from 'fp-ts-actors'
 * const sup = TaskSupervisor.startLink({ name: 'tasks' })
 *
 * @category starting
 * @since 0.2.0
 */
export const startLink = (options: Options = {}): Effect.Effect<Start.StartError, Pid<unknown>> =>
  DynamicSupervisor.startLink(options)

// -------------------------------------------------------------------------------------
// tasks
// -------------------------------------------------------------------------------------

/**
 * Starts `program` as a child of `sup`, linked to and monitored by the
 * caller, its owner (Elixir's `Task.Supervisor.async/3`): `Task.await` it. The
 * caller exits (a `CallExit` naming `TaskSupervisor.async`) if the
 * supervisor cannot start it (`maxChildren` reached, say).
 *
 * @example
 * import { Effect, Task, TaskSupervisor } from 'fp-ts-actors'
 * const n = Effect.flatMap(TaskSupervisor.async('tasks', Effect.succeed(42)), (task) => Task.await(task))
 *
 * @category tasks
 * @since 0.2.0
 */
export const async = <E, A>(
  sup: GenServer.Server,
  program: Effect.Effect<E, A>,
  options: TaskOptions = {}
): Effect.Effect<Exit.Exiting, Task.Task<E, A>> => asyncWith('TaskSupervisor.async', sup, program, options, true)

/**
 * Like `async`, not linked to the caller: a crash of the task reaches the
 * caller only as its DOWN (`Task.await` fails with the reason, `Task.yield`
 * gives `some(left(reason))`), and the caller's exit does not stop the task.
 *
 * @example
 * import { Effect, Task, TaskSupervisor } from 'fp-ts-actors'
 * const safe = Effect.flatMap(TaskSupervisor.asyncNolink('tasks', Effect.die('boom')), (task) => Task.yield(task))
 *
 * @category tasks
 * @since 0.2.0
 */
export const asyncNolink = <E, A>(
  sup: GenServer.Server,
  program: Effect.Effect<E, A>,
  options: TaskOptions = {}
): Effect.Effect<Exit.Exiting, Task.Task<E, A>> => asyncWith('TaskSupervisor.asyncNolink', sup, program, options, false)

/**
 * Starts `program` as a child of `sup` with no owner and no result (Elixir's
 * `Task.Supervisor.start_child/3`); `restart` defaults to `temporary`.
 *
 * @example
 * import { Effect, TaskSupervisor } from 'fp-ts-actors'
 * const pid = TaskSupervisor.startChild('tasks', Effect.sync(() => console.log('background')))
 *
 * @category tasks
 * @since 0.2.0
 */
export const startChild = <E, A>(
  sup: GenServer.Server,
  program: Effect.Effect<E, A>,
  options: ChildOptions = {}
): Effect.Effect<Exit.Exiting | Start.StartError | DynamicSupervisor.MaxChildren, Pid<unknown>> => {
  const where = 'TaskSupervisor.startChild'
  checkSup(where, sup)
  checkProgram(where, program)
  checkShutdown(where, options)
  return DynamicSupervisor.startChild(sup, {
    id: 'task',
    start: Process.spawnLink(program),
    restart: options.restart ?? 'temporary',
    shutdown: options.shutdown ?? 5000
  })
}

/**
 * The pids of the running tasks.
 *
 * @example
 * import { TaskSupervisor } from 'fp-ts-actors'
 * const pids = TaskSupervisor.children('tasks')
 *
 * @category tasks
 * @since 0.2.0
 */
export const children = (sup: GenServer.Server): Effect.Effect<Exit.Exiting, ReadonlyArray<Pid<unknown>>> =>
  Effect.map(DynamicSupervisor.whichChildren(sup), (list) =>
    list.flatMap((c) => (c.pid._tag === 'Some' ? [c.pid.value] : []))
  )

/**
 * Stops the task `pid` (shutdown, then kill after its timeout).
 *
 * @example
 * import { TaskSupervisor } from 'fp-ts-actors'
 * declare const pid: import('fp-ts-actors').Pid.Pid
 * const stopped = TaskSupervisor.terminateChild('tasks', pid)
 *
 * @category tasks
 * @since 0.2.0
 */
export const terminateChild = (
  sup: GenServer.Server,
  pid: Pid<unknown>
): Effect.Effect<Exit.Exiting | Supervisor.NotFound, void> => DynamicSupervisor.terminateChild(sup, pid)

// -------------------------------------------------------------------------------------
// streams
// -------------------------------------------------------------------------------------

const streamWith = <T, E, B, Z extends boolean>(
  where: string,
  link: boolean,
  sup: GenServer.Server,
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: Task.StreamOptions<Z> & TaskOptions
): Effect.Effect<never, Task.Stream<Task.StreamOutcome<T, B, Z>>> => {
  checkSup(where, sup)
  Task.checkItems(where, items, f)
  const settings = Task.streamSettings(where, options)
  return Effect.suspend(() =>
    cursor(items, f, settings, supervised(where, sup, link, options.shutdown ?? 5000))
  ) as Effect.Effect<never, Task.Stream<Task.StreamOutcome<T, B, Z>>>
}

/** `asyncStream` and `asyncStreamNolink`: the stream of `where`, linked or not, collected. */
const collected =
  (where: string, link: boolean) =>
  <T, E, B, Z extends boolean = false>(
    sup: GenServer.Server,
    items: Iterable<T>,
    f: (item: T) => Effect.Effect<E, B>,
    options: Task.StreamOptions<Z> & TaskOptions = {}
  ): Effect.Effect<Exit.Exiting, ReadonlyArray<Task.StreamOutcome<T, B, Z>>> =>
    Effect.flatMap(streamWith(where, link, sup, items, f, options), collect)

/**
 * `Task.asyncStream` with each task a child of `sup`, linked to the caller
 * (Elixir's `Task.Supervisor.async_stream/4`), collected.
 *
 * @example
 * import { Effect, TaskSupervisor } from 'fp-ts-actors'
 * const squares = TaskSupervisor.asyncStream('tasks', [1, 2, 3], (n) => Effect.succeed(n * n))
 *
 * @category streams
 * @since 0.2.0
 */
export const asyncStream = collected('TaskSupervisor.asyncStream', true)

/**
 * Like `asyncStream`, the tasks not linked to the caller: a crashed element
 * is `left(reason)` and the caller lives (Elixir's `async_stream_nolink`).
 *
 * @example
 * import { Effect, TaskSupervisor } from 'fp-ts-actors'
 * const outcomes = TaskSupervisor.asyncStreamNolink('tasks', [1, 0], (n) =>
 *   n === 0 ? Effect.die('zero') : Effect.succeed(1 / n)
 * ) // [right(1), left(Defect('zero'))]
 *
 * @category streams
 * @since 0.2.0
 */
export const asyncStreamNolink = collected('TaskSupervisor.asyncStreamNolink', false)

/**
 * The lazy forms: a `Task.Stream` pulled with `next` (see `Task.stream`).
 *
 * @example
 * import { Effect, TaskSupervisor } from 'fp-ts-actors'
 * const first = Effect.flatMap(TaskSupervisor.stream('tasks', [1, 2, 3], (n) => Effect.succeed(n)), (s) => s.next)
 *
 * @category streams
 * @since 0.2.0
 */
export const stream = <T, E, B, Z extends boolean = false>(
  sup: GenServer.Server,
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: Task.StreamOptions<Z> & TaskOptions & { readonly link?: boolean } = {}
): Effect.Effect<never, Task.Stream<Task.StreamOutcome<T, B, Z>>> =>
  streamWith('TaskSupervisor.stream', options.link ?? true, sup, items, f, options)

/**
 * `TaskSupervisor.asyncStreamNolink` as a lazy Observable (see `Task.asyncStream$`):
 * the tasks are children of `sup`, not linked to the emitting process, and
 * are killed when the subscriber unsubscribes.
 *
 * @example
 * import { take } from 'rxjs'
 * import { Effect, Runtime, TaskSupervisor } from 'fp-ts-actors'
 * declare const rt: Runtime.Runtime
 * const firstTwo = TaskSupervisor.asyncStream$(rt, 'tasks', [1, 2, 3], (n) => Effect.succeed(n)).pipe(take(2))
 *
 * @category streams
 * @since 0.2.0
 */
export const asyncStream$ = <T, E, B, Z extends boolean = false>(
  rt: Runtime,
  sup: GenServer.Server,
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: Task.StreamOptions<Z> & TaskOptions = {}
): Observable<Task.StreamOutcome<T, B, Z>> => {
  const where = 'TaskSupervisor.asyncStream$'
  checkSup(where, sup)
  Task.checkItems(where, items, f)
  const settings = Task.streamSettings(where, options)
  return observe(rt, (emit) =>
    Effect.flatMap(cursor(items, f, settings, supervised(where, sup, false, options.shutdown ?? 5000)), (c) =>
      Task.pump(c as Task.Stream<Task.StreamOutcome<T, B, Z>>, emit)
    )
  )
}

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that starts a task supervisor under another supervisor:
 * id its name (or `'TaskSupervisor'`), type `supervisor`.
 *
 * @example
 * import { Supervisor, TaskSupervisor } from 'fp-ts-actors'
 * const tree = Supervisor.startLink([TaskSupervisor.childSpec({ name: 'tasks' })], { strategy: 'one_for_one' })
 *
 * @category child specs
 * @since 0.2.0
 */
export const childSpec = (options: Options = {}): Supervisor.ChildSpec => ({
  id: idOf(options?.name, 'TaskSupervisor'),
  start: startLink(options),
  type: 'supervisor'
})
