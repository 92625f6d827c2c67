/**
 * Task: run a program in its own process and collect its result, written with
 * the process primitives only (spawnLink, monitor, alias, selective receive).
 *
 * ```ts
 * interface Task<E, A> { owner: Pid; pid: Pid; ref: Ref; alias: Ref } // Elixir's %Task{}
 * type Outcome<A> = Either<Exit.Reason, A>                          // {:ok, value} | {:exit, reason}
 * ```
 *
 * `async` links the task to the caller (its owner) and monitors it; the task
 * sends its result to a reply alias of the owner, tagged with the monitor
 * ref, so `await`/`yield` pick exactly that message out of the mailbox.
 * As in Elixir:
 * - a task that crashes kills an owner that does not trap exits (the link);
 *   a trapping owner gets the `EXIT` message, and its `await` fails with the
 *   crash reason;
 * - `await` that times out fails the caller with `Exit.Exiting` carrying
 *   `CallExit{ reason: timeout, call: 'Task.await', args: [task, timeout] }`
 *   (uncaught, the caller exits with it); the task keeps running, and its
 *   late reply is a dead letter;
 * - `yield` answers `none` while the task runs, and can be asked again;
 * - `shutdown` unlinks and stops the task, and still returns the result if
 *   it arrived meanwhile.
 *
 * `asyncStream` maps a function over items with at most `maxConcurrency`
 * tasks at a time (a parallel map), each element given `timeout` ms.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 *
 * const program = Effect.gen(function* () {
 *   const task = yield* Task.async(Effect.succeed(21))
 *   const n = yield* Task.await(task) // 21
 *   const squares = yield* Task.asyncStream([1, 2, 3], (x) => Effect.succeed(x * x), { maxConcurrency: 2 })
 *   return [n, squares] // [21, [right(1), right(4), right(9)]]
 * })
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import type { Pid, Ref } from './Pid.js'
import * as Process from './Process.js'
import type { Observable } from 'rxjs'
import type { Runtime } from './Runtime.js'
import { fromProcess as observe } from './rx/fromProcess.js'
import { checkMs, checkProgram, describe } from './internal/check.js'
import { guard } from './internal/guard.js'
import { exitCall, sendQuietly } from './internal/otp.js'
import { collect, cursor, type Settings, type Spawner } from './internal/stream.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A running task (Elixir's `%Task{}`): who owns it, its pid, the ref of the
 * owner's monitor on it, and the owner's reply alias (deactivated once the
 * owner stops waiting, so a late reply is a dead letter).
 *
 * @category model
 * @since 0.1.0
 */
export interface Task<out E, out A> {
  readonly owner: Pid<unknown>
  readonly pid: Pid<unknown>
  readonly ref: Ref
  readonly alias: Ref
  readonly _E?: () => E
  readonly _A?: () => A
}

/**
 * How a task ended: `right(value)` (Elixir `{:ok, value}`) or `left(reason)` (`{:exit, reason}`).
 *
 * @category model
 * @since 0.1.0
 */
export type Outcome<A> = Either<Exit.Reason, A>

/**
 * A task was queried from a process that is not its owner (Elixir's
 * ArgumentError "must be queried from the owner").
 *
 * @category model
 * @since 0.1.0
 */
export interface NotOwner {
  readonly _tag: 'NotOwner'
}

/**
 * Options of `asyncStream`.
 *
 * @category model
 * @since 0.1.0
 */
export interface StreamOptions<Z extends boolean = false> {
  /**
   * How many tasks are started and not yet consumed at once (running, or
   * finished and waiting for their turn when `ordered`). Default 8 (Elixir:
   * the number of schedulers online).
   */
  readonly maxConcurrency?: number
  /** Results in the order of the items (default), or in the order the tasks end. */
  readonly ordered?: boolean
  /** Milliseconds each element may take (default 5000; `Infinity` waits forever). */
  readonly timeout?: number
  /**
   * What a timed-out element does: `'exit'` (default) stops every task and fails
   * the caller with a `CallExit{ reason: timeout, call: 'Task.asyncStream',
   * args: [timeout, element] }` naming the element; `'killTask'` kills that task
   * and gives `left(Exit.timeout)` for it.
   */
  readonly onTimeout?: 'exit' | 'killTask'
  /** `left([item, reason])` instead of `left(reason)` for an element that exited (Elixir's `zip_input_on_exit`). */
  readonly zipInputOnExit?: Z
}

/**
 * An element of an async stream: `right(value)`, or `left(reason)` (with
 * `zipInputOnExit: true`, `left([item, reason])`).
 *
 * @category model
 * @since 0.2.0
 */
export type StreamOutcome<T, B, Z extends boolean = false> = Either<
  Z extends true ? readonly [T, Exit.Reason] : Exit.Reason,
  B
>

/**
 * An async stream being consumed by its owner (Elixir's `Task.async_stream`
 * enumerable): `next` gives the next element, or `none` once every item is
 * done; `halt` stops it early (its running tasks are killed and their
 * messages dropped). Tasks start only as `next` asks, at most
 * `maxConcurrency` ahead.
 *
 * @category model
 * @since 0.2.0
 */
export interface Stream<A> {
  readonly next: Effect.Effect<Exit.Exiting, Option<A>>
  readonly halt: Effect.Effect<never, void>
}

/**
 * What `yieldMany` does with a task still running when the time is up:
 * leave it (`nothing`, default), `ignore` it, or `killTask` (`shutdown` with `brutal_kill`).
 *
 * @category model
 * @since 0.2.0
 */
export type OnYieldTimeout = 'nothing' | 'ignore' | 'killTask'

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/**
 * A task's result, sent to its owner's reply alias and tagged with a ref the
 * owner made before spawning it and passed in the task's closure: no other
 * process knows the tag, so no one can forge a result (or start the task early).
 */
interface ReplyMsg {
  readonly _tag: 'Task.Reply'
  readonly tag: Ref
  readonly value: unknown
}

const tagOf = (u: unknown, tag: string): unknown =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === tag
    ? (u as { tag?: unknown }).tag
    : undefined

const replyOf = (tag: Ref): t.Type<ReplyMsg> =>
  guard('Task.Reply', (u): u is ReplyMsg => tagOf(u, 'Task.Reply') === tag)

const notOwner: NotOwner = { _tag: 'NotOwner' }

const checkTask = (where: string, task: unknown): void => {
  const ok =
    typeof task === 'object' &&
    task !== null &&
    Process.pid.is((task as Task<unknown, unknown>).pid) &&
    Process.pid.is((task as Task<unknown, unknown>).owner) &&
    Process.ref.is((task as Task<unknown, unknown>).ref) &&
    Process.ref.is((task as Task<unknown, unknown>).alias)
  if (!ok) throw new TypeError(`${where}: expected a Task made by Task.async, got ${describe(task)}`)
}

const ownerOnly = <E, A>(task: Task<unknown, unknown>, then: Effect.Effect<E, A>): Effect.Effect<E | NotOwner, A> =>
  Effect.flatMap(Process.self, (me): Effect.Effect<E | NotOwner, A> =>
    me === task.owner ? then : Effect.fail(notOwner)
  )

/** The task process: runs, and replies to the owner's alias (which is also the reply's tag). */
const taskBody = <E, A>(program: Effect.Effect<E, A>, alias: Ref): Effect.Effect<E, void> =>
  Effect.flatMap(program, (value) => sendQuietly(alias, { _tag: 'Task.Reply', tag: alias, value } satisfies ReplyMsg))

// -------------------------------------------------------------------------------------
// tasks with a result
// -------------------------------------------------------------------------------------

/**
 * Starts `program` as a task linked to and monitored by the caller, its
 * owner. Only the owner may `await`, `yield` or `shutdown` it.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const answer = Effect.flatMap(Task.async(Effect.succeed(42)), (task) => Task.await(task))
 *
 * @category tasks
 * @since 0.1.0
 */
export const async = <E, A>(program: Effect.Effect<E, A>): Effect.Effect<never, Task<E, A>> => {
  checkProgram('Task.async', program)
  return asyncWith(program) as Effect.Effect<never, Task<E, A>>
}

/** `async` once its argument is checked (its generator function made once: see `Effect.fn`). */
const asyncWith = Effect.fn(function* (program: Effect.Effect<unknown, unknown>) {
  const owner = yield* Process.self
  const alias = yield* Process.alias({ oneShot: true })
  const [pid, ref] = yield* Process.spawnMonitor(taskBody(program, alias), { link: true })
  const task: Task<unknown, unknown> = { owner, pid, ref, alias }
  return task
})

/**
 * Waits for the task's result (default 5000 ms; `Infinity` waits forever).
 * Fails with `Exit.Exiting` carrying `CallExit{ reason, call: 'Task.await',
 * args: [task, timeout] }` when the time runs out (`timeout`: the task keeps
 * running, its late reply is a dead letter) or the task ended without a result
 * (its exit reason: only a caller that traps exits sees this, the link kills
 * the others). Uncaught, that exits the caller, as in Elixir.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * declare const task: Task.Task<never, number>
 * const n = Task.await(task, 1000) // Effect<Exit.Exiting | Task.NotOwner, number>
 *
 * @category tasks
 * @since 0.1.0
 */
const await_ = <E, A>(task: Task<E, A>, timeout: number = 5000): Effect.Effect<Exit.Exiting | NotOwner, A> => {
  checkTask('Task.await', task)
  checkMs('Task.await', timeout)
  const args = [task, timeout] as const
  return ownerOnly(
    task,
    Process.receive(
      Process.on(replyOf(task.alias), (m) => Effect.as(Process.demonitor(task.ref, { flush: true }), m.value as A)),
      Process.on(Exit.downOf(task.ref), (m) =>
        Effect.flatMap(Process.unalias(task.alias), () => exitCall(m.reason, 'Task.await', args))
      ),
      Process.after(timeout, () =>
        Effect.flatMap(Process.demonitor(task.ref, { flush: true }), () =>
          Effect.flatMap(Process.unalias(task.alias), () => exitCall(Exit.timeout, 'Task.await', args))
        )
      )
    )
  )
}

/**
 * The two clauses that take a task's outcome: its reply (the monitor is
 * dropped, with its DOWN if already queued) or its DOWN (the alias is dropped).
 */
const outcomeOf = <E, A>(task: Task<E, A>) =>
  [
    Process.on(replyOf(task.alias), (m) =>
      Effect.as(Process.demonitor(task.ref, { flush: true }), O.some(E.right(m.value as A)))
    ),
    Process.on(Exit.downOf(task.ref), (m) => Effect.as(Process.unalias(task.alias), O.some(E.left(m.reason))))
  ] as const

/**
 * Waits up to `timeout` ms (default 5000) for the task: `some(right(value))`,
 * `some(left(reason))` if it ended without a result (owner trapping exits),
 * or `none` while it is still running (Elixir's `nil`): a later `yield` or
 * `await` can still get the result.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * declare const task: Task.Task<never, number>
 * const soon = Task.yield(task, 100) // Effect<Task.NotOwner, Option<Either<Exit.Reason, number>>>
 *
 * @category tasks
 * @since 0.1.0
 */
const yield_ = <E, A>(task: Task<E, A>, timeout: number = 5000): Effect.Effect<NotOwner, Option<Outcome<A>>> => {
  checkTask('Task.yield', task)
  checkMs('Task.yield', timeout)
  return ownerOnly(
    task,
    Process.receive(
      ...outcomeOf(task),
      Process.after(timeout, () => Effect.succeed(O.none))
    )
  )
}

export { await_ as await, yield_ as yield }

type ShutdownType = 'shutdown' | 'brutal_kill' | 'timeout_kill'

const flushReply = <A>(task: Task<unknown, A>): Effect.Effect<never, Option<Outcome<A>>> =>
  Process.receive(
    Process.on(replyOf(task.alias), (m) => Effect.succeed(O.some(E.right(m.value as A)))),
    Process.after(0, () => Effect.succeed(O.none))
  )

const expected = (reason: Exit.Reason, type: ShutdownType): boolean =>
  type === 'brutal_kill' ? reason._tag === 'Killed' : reason._tag === 'Shutdown' && !('info' in reason)

/** The task was already dead when `shutdown` monitored it: look at the owner's own DOWN. */
const flushNoproc = (task: Task<unknown, unknown>, type: ShutdownType): Effect.Effect<never, Option<Exit.Reason>> =>
  Process.receive(
    Process.on(Exit.downOf(task.ref), (m) => Effect.succeed(expected(m.reason, type) ? O.none : O.some(m.reason))),
    Process.after(0, () => Effect.as(Process.demonitor(task.ref, { flush: true }), O.some(Exit.noproc)))
  )

const orExit = <A>(reply: Option<Outcome<A>>, reason: Option<Exit.Reason>): Option<Outcome<A>> =>
  O.isSome(reply) ? reply : O.isSome(reason) ? O.some(E.left(reason.value)) : O.none

const shutdownReceive = <A>(
  task: Task<unknown, A>,
  mon: Ref,
  type: ShutdownType,
  timeout: number
): Effect.Effect<never, Option<Outcome<A>>> =>
  Process.receive(
    Process.on(Exit.downOf(mon), (m) => {
      if (m.reason._tag === 'NoProc') {
        return Effect.flatMap(flushNoproc(task, type), (reason) =>
          Effect.map(flushReply(task), (r) => orExit(r, reason))
        )
      }
      const mine = type === 'timeout_kill' ? expected(m.reason, 'shutdown') : expected(m.reason, type)
      return Effect.flatMap(Process.demonitor(task.ref, { flush: true }), () =>
        Effect.map(flushReply(task), (r) => (mine ? r : orExit(r, O.some(m.reason))))
      )
    }),
    Process.after(timeout, () =>
      Effect.flatMap(Process.exit(task.pid, Exit.kill), () => shutdownReceive(task, mon, 'timeout_kill', Infinity))
    )
  )

/**
 * Unlinks and stops the task: `exit(pid, shutdown)`, then `kill` if it has not
 * exited within `how` ms (default 5000); `'brutal_kill'` kills at once. Returns
 * the result if it arrived meanwhile (`some(right(value))`), `some(left(reason))`
 * if the task had ended otherwise, or `none` when it was stopped, as Elixir's
 * `Task.shutdown/2`.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * declare const task: Task.Task<never, number>
 * const stopped = Task.shutdown(task, 'brutal_kill')
 *
 * @category tasks
 * @since 0.1.0
 */
export const shutdown = <E, A>(
  task: Task<E, A>,
  how: number | 'brutal_kill' = 5000
): Effect.Effect<NotOwner, Option<Outcome<A>>> => {
  checkTask('Task.shutdown', task)
  if (how !== 'brutal_kill') checkMs('Task.shutdown', how)
  return ownerOnly(task, shutdownWith(task, how) as Effect.Effect<never, Option<Outcome<A>>>)
}

/** `shutdown` once its arguments are checked (its generator function made once: see `Effect.fn`). */
const shutdownWith = Effect.fn(function* (task: Task<unknown, unknown>, how: number | 'brutal_kill') {
  const mon = yield* Process.monitor(task.pid)
  // unlink and signal without an exit signal in between (Elixir uses an enforcer process for this)
  yield* Effect.uninterruptible(
    Effect.flatMap(Process.unlink(task.pid), () =>
      Process.exit(task.pid, how === 'brutal_kill' ? Exit.kill : Exit.shutdown)
    )
  )
  const result = yield* how === 'brutal_kill'
    ? shutdownReceive(task, mon, 'brutal_kill', Infinity)
    : shutdownReceive(task, mon, 'shutdown', how)
  yield* Process.unalias(task.alias)
  return result
})

/**
 * Waits for all the tasks, within `timeout` ms in total (default 5000), and
 * returns their results in the order of `tasks`. Fails like `await`, with
 * `CallExit{ call: 'Task.awaitMany', args: [tasks, timeout] }`, at the first
 * task that ends without a result or when the time runs out.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const both = Effect.gen(function* () {
 *   const a = yield* Task.async(Effect.succeed(1))
 *   const b = yield* Task.async(Effect.succeed(2))
 *   return yield* Task.awaitMany([a, b]) // [1, 2]
 * })
 *
 * @category tasks
 * @since 0.1.0
 */
export const awaitMany = <E, A>(
  tasks: ReadonlyArray<Task<E, A>>,
  timeout: number = 5000
): Effect.Effect<Exit.Exiting | NotOwner, ReadonlyArray<A>> => {
  if (!Array.isArray(tasks)) throw new TypeError(`Task.awaitMany: expected an array of tasks, got ${describe(tasks)}`)
  tasks.forEach((task) => checkTask('Task.awaitMany', task))
  checkMs('Task.awaitMany', timeout)
  const args = [tasks, timeout] as const
  return Effect.gen(function* () {
    const me = yield* Process.self
    if (tasks.some((task) => task.owner !== me)) return yield* Effect.fail(notOwner)
    const pending = new Map<Ref, Task<E, A>>(tasks.map((task) => [task.ref, task]))
    const byAlias = new Map<Ref, Task<E, A>>(tasks.map((task) => [task.alias, task]))
    const replies = new Map<Ref, A>()
    const Reply = guard('Task.Reply', (u): u is ReplyMsg => {
      const task = byAlias.get(tagOf(u, 'Task.Reply') as Ref)
      return task !== undefined && pending.has(task.ref)
    })
    const Down = guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && pending.has(u.ref))
    const giveUp = Effect.suspend(() =>
      Effect.asUnit(
        Effect.traverseArray((task: Task<E, A>) =>
          Effect.flatMap(Process.demonitor(task.ref, { flush: true }), () => Process.unalias(task.alias))
        )([...pending.values()])
      )
    )
    const collect: Effect.Effect<Exit.Exiting, void> = Effect.suspend(() =>
      pending.size === 0
        ? Effect.unit
        : Effect.flatMap(
            Process.receive(
              Process.on(Reply, (m) => {
                const ref = (byAlias.get(m.tag) as Task<E, A>).ref
                pending.delete(ref)
                replies.set(ref, m.value as A)
                return Effect.asUnit(Process.demonitor(ref, { flush: true }))
              }),
              Process.on(Down, (m) => {
                pending.delete(m.ref)
                return Effect.flatMap(giveUp, () => exitCall(m.reason, 'Task.awaitMany', args))
              })
            ),
            () => collect
          )
    )
    const done = yield* Effect.timeout(collect, timeout)
    if (O.isNone(done)) {
      yield* giveUp
      return yield* exitCall(Exit.timeout, 'Task.awaitMany', args)
    }
    return tasks.map((task) => replies.get(task.ref) as A)
  })
}

// -------------------------------------------------------------------------------------
// fire and forget
// -------------------------------------------------------------------------------------

/**
 * Runs `program` in a new process, neither linked nor monitored (Elixir's
 * `Task.start/1`); succeeds with its pid.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const log = Task.start(Effect.sync(() => console.log('in the background')))
 *
 * @category fire and forget
 * @since 0.1.0
 */
export const start = <E, A>(program: Effect.Effect<E, A>): Effect.Effect<never, Pid<unknown>> => {
  checkProgram('Task.start', program)
  return Process.spawn(program)
}

/**
 * Like `start`, linked to the caller (Elixir's `Task.start_link/1`, the usual
 * child of a supervisor).
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const worker = Task.startLink(Effect.never)
 *
 * @category fire and forget
 * @since 0.1.0
 */
export const startLink = <E, A>(program: Effect.Effect<E, A>): Effect.Effect<never, Pid<unknown>> => {
  checkProgram('Task.startLink', program)
  return Process.spawnLink(program)
}

// -------------------------------------------------------------------------------------
// more tasks
// -------------------------------------------------------------------------------------

/**
 * A task that is already done with `value` (Elixir's `Task.completed/1`):
 * `await` and `yield` give `value` at once. Its pid is a process that has
 * already ended.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const cached = Effect.flatMap(Task.completed(42), (task) => Task.await(task)) // 42
 *
 * @category tasks
 * @since 0.2.0
 */
export const completed: <A>(value: A) => Effect.Effect<never, Task<never, A>> = Effect.fn(function* <A>(value: A) {
  const owner = yield* Process.self
  const alias = yield* Process.alias({ oneShot: true })
  const ref = yield* Process.makeRef
  const pid = yield* Process.spawn(Effect.unit)
  yield* sendQuietly(alias, { _tag: 'Task.Reply', tag: alias, value } satisfies ReplyMsg)
  const task: Task<never, A> = { owner, pid, ref, alias }
  return task
})

/**
 * Stops waiting for the task without stopping it (Elixir's `Task.ignore/1`):
 * the result if it is there already (`some(right(value))`, or
 * `some(left(reason))` if the task ended without one), else `none`. The task
 * is unlinked and its late reply becomes a dead letter.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const fireAndForget = Effect.flatMap(Task.async(Effect.sleep(1000)), (task) => Task.ignore(task))
 *
 * @category tasks
 * @since 0.2.0
 */
export const ignore = <E, A>(task: Task<E, A>): Effect.Effect<NotOwner, Option<Outcome<A>>> => {
  checkTask('Task.ignore', task)
  return ownerOnly(
    task,
    Process.receive(
      ...outcomeOf(task),
      Process.after(0, () => letGo(task))
    )
  )
}

/** `ignore` with no result there: the task is let go (no monitor, no link, no alias). */
const letGo = Effect.fn(function* (task: Task<unknown, unknown>) {
  yield* Process.demonitor(task.ref, { flush: true })
  yield* Process.unlink(task.pid)
  yield* Process.unalias(task.alias)
  return O.none
})

/**
 * Waits up to `timeout` ms in total (default 5000) for all the tasks and
 * gives each with its result so far, in the order of `tasks` (Elixir's
 * `Task.yield_many/2`): `some(right(value))`, `some(left(reason))`, or `none`
 * for a task still running, which `onTimeout` then leaves running
 * (`nothing`, default), `ignore`s, or kills (`killTask`).
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const some = Effect.gen(function* () {
 *   const fast = yield* Task.async(Effect.succeed(1))
 *   const slow = yield* Task.async(Effect.as(Effect.sleep(10_000), 2))
 *   return yield* Task.yieldMany([fast, slow], { timeout: 100, onTimeout: 'killTask' })
 *   // [[fast, some(right(1))], [slow, none]]
 * })
 *
 * @category tasks
 * @since 0.2.0
 */
export const yieldMany = <E, A>(
  tasks: ReadonlyArray<Task<E, A>>,
  options: number | { readonly timeout?: number; readonly onTimeout?: OnYieldTimeout } = 5000
): Effect.Effect<NotOwner, ReadonlyArray<readonly [Task<E, A>, Option<Outcome<A>>]>> => {
  const where = 'Task.yieldMany'
  if (!Array.isArray(tasks)) throw new TypeError(`${where}: expected an array of tasks, got ${describe(tasks)}`)
  tasks.forEach((task) => checkTask(where, task))
  const o = typeof options === 'number' ? { timeout: options } : options
  if (typeof o !== 'object' || o === null)
    throw new TypeError(`${where}: expected a timeout or options, got ${describe(options)}`)
  const timeout = o.timeout ?? 5000
  checkMs(where, timeout)
  const onTimeout = o.onTimeout ?? 'nothing'
  if (onTimeout !== 'nothing' && onTimeout !== 'ignore' && onTimeout !== 'killTask') {
    throw new TypeError(`${where}: onTimeout must be 'nothing', 'ignore' or 'killTask', got ${describe(onTimeout)}`)
  }
  return Effect.gen(function* () {
    const me = yield* Process.self
    if (tasks.some((task) => task.owner !== me)) return yield* Effect.fail(notOwner)
    const results = new Map<Task<E, A>, Option<Outcome<A>>>()
    const pending = new Map<Ref, Task<E, A>>(tasks.map((task) => [task.ref, task]))
    const byAlias = new Map<Ref, Task<E, A>>(tasks.map((task) => [task.alias, task]))
    const Reply = guard('Task.Reply', (u): u is ReplyMsg => {
      const task = byAlias.get(tagOf(u, 'Task.Reply') as Ref)
      return task !== undefined && pending.has(task.ref)
    })
    const Down = guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && pending.has(u.ref))
    const collect: Effect.Effect<never, void> = Effect.suspend(() =>
      pending.size === 0
        ? Effect.unit
        : Effect.flatMap(
            Process.receive(
              Process.on(Reply, (m) => {
                const task = byAlias.get(m.tag) as Task<E, A>
                pending.delete(task.ref)
                results.set(task, O.some(E.right(m.value as A)))
                return Effect.asUnit(Process.demonitor(task.ref, { flush: true }))
              }),
              Process.on(Down, (m) => {
                const task = pending.get(m.ref) as Task<E, A>
                pending.delete(m.ref)
                results.set(task, O.some(E.left(m.reason)))
                return Effect.asUnit(Process.unalias(task.alias))
              })
            ),
            () => collect
          )
    )
    yield* Effect.timeout(collect, timeout)
    for (const task of pending.values()) {
      if (onTimeout === 'ignore') results.set(task, yield* Effect.orElse(ignore(task), () => Effect.succeed(O.none)))
      else if (onTimeout === 'killTask') {
        results.set(task, yield* Effect.orElse(shutdown(task, 'brutal_kill'), () => Effect.succeed(O.none)))
      }
    }
    return tasks.map((task) => [task, results.get(task) ?? O.none] as const)
  })
}

// -------------------------------------------------------------------------------------
// streams
// -------------------------------------------------------------------------------------

const DEFAULT_CONCURRENCY = 8

/** @internal */
export const streamSettings = (where: string, options: unknown): Settings => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${describe(options)}`)
  }
  const o = options as StreamOptions<boolean>
  if (o.maxConcurrency !== undefined && (!Number.isInteger(o.maxConcurrency) || o.maxConcurrency < 1)) {
    throw new TypeError(`${where}: maxConcurrency must be an integer >= 1, got ${String(o.maxConcurrency)}`)
  }
  if (o.ordered !== undefined && typeof o.ordered !== 'boolean') {
    throw new TypeError(`${where}: ordered must be a boolean, got ${describe(o.ordered)}`)
  }
  if (o.timeout !== undefined) checkMs(where, o.timeout)
  if (o.onTimeout !== undefined && o.onTimeout !== 'exit' && o.onTimeout !== 'killTask') {
    throw new TypeError(`${where}: onTimeout must be 'exit' or 'killTask', got ${describe(o.onTimeout)}`)
  }
  if (o.zipInputOnExit !== undefined && typeof o.zipInputOnExit !== 'boolean') {
    throw new TypeError(`${where}: zipInputOnExit must be a boolean, got ${describe(o.zipInputOnExit)}`)
  }
  return {
    max: o.maxConcurrency ?? DEFAULT_CONCURRENCY,
    ordered: o.ordered ?? true,
    timeout: o.timeout ?? 5000,
    onTimeout: o.onTimeout ?? 'exit',
    zip: o.zipInputOnExit ?? false,
    call: where
  }
}

/** @internal */
export const checkItems = (where: string, items: unknown, f: unknown): void => {
  if (
    typeof items !== 'object' ||
    items === null ||
    typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(`${where}: expected an iterable of items, got ${describe(items)}`)
  }
  if (typeof f !== 'function') throw new TypeError(`${where}: expected a function, got ${describe(f)}`)
}

/** Each element's task, spawned linked to and monitored by the owner. */
const spawnLinked: Spawner = (work) => Process.spawnMonitor(work, { link: true })

/**
 * The lazy form of `asyncStream`: a `Stream` consumed by the caller with
 * `next`, starting a task per item only as results are taken, at most
 * `maxConcurrency` ahead, so an infinite iterable is fine. The tasks are
 * linked to the caller (a crash kills a caller that does not trap exits; a
 * trapping one gets `left(reason)` for that element). Stop early with `halt`.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * function* naturals() {
 *   for (let n = 0; ; n++) yield n
 * }
 * const firstThree = Effect.gen(function* () {
 *   const s = yield* Task.stream(naturals(), (n) => Effect.succeed(n * n), { maxConcurrency: 2 })
 *   const out = [yield* s.next, yield* s.next, yield* s.next] // some(right(0)), some(right(1)), some(right(4))
 *   yield* s.halt
 *   return out
 * })
 *
 * @category streams
 * @since 0.2.0
 */
export const stream = <T, E, B, Z extends boolean = false>(
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: StreamOptions<Z> = {}
): Effect.Effect<never, Stream<StreamOutcome<T, B, Z>>> => {
  checkItems('Task.stream', items, f)
  const settings = streamSettings('Task.stream', options)
  return Effect.suspend(() => cursor(items, f, settings, spawnLinked)) as Effect.Effect<
    never,
    Stream<StreamOutcome<T, B, Z>>
  >
}

/**
 * Maps `f` over `items` in tasks, at most `maxConcurrency` at a time (Elixir's
 * `Task.async_stream/3`, collected): `right(value)` per element, or
 * `left(reason)` for an element whose task crashed (only seen by a caller
 * that traps exits: the tasks are linked to it) or timed out with
 * `onTimeout: 'killTask'` (`left(Exit.timeout)`). Results follow the items'
 * order when `ordered` (default), else the order the tasks end in.
 *
 * Each element gets `timeout` ms (default 5000). On a timeout with
 * `onTimeout: 'exit'` (default) every task still running is killed and the
 * Effect fails with `Exit.Exiting` carrying `CallExit{ reason: timeout,
 * call: 'Task.asyncStream', args: [timeout, element] }`, naming the element
 * that timed out (Elixir names only the timeout). Nothing starts before the
 * Effect runs; for an unbounded source use `stream` or `asyncStream$`.
 *
 * @example
 * import { Effect, Task } from 'fp-ts-actors'
 * const lengths = Task.asyncStream(['a', 'bb', 'ccc'], (s) => Effect.succeed(s.length), {
 *   maxConcurrency: 2,
 *   timeout: 1000
 * }) // succeeds with [right(1), right(2), right(3)]
 *
 * @category streams
 * @since 0.1.0
 */
export const asyncStream = <T, E, B, Z extends boolean = false>(
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: StreamOptions<Z> = {}
): Effect.Effect<Exit.Exiting, ReadonlyArray<StreamOutcome<T, B, Z>>> => {
  checkItems('Task.asyncStream', items, f)
  const settings = streamSettings('Task.asyncStream', options)
  return Effect.suspend(() => Effect.flatMap(cursor(items, f, settings, spawnLinked), collect)) as Effect.Effect<
    Exit.Exiting,
    ReadonlyArray<StreamOutcome<T, B, Z>>
  >
}

/**
 * `asyncStream` as a lazy RxJS `Observable`: each subscription spawns in `rt`
 * a process that owns the tasks and emits each element as it is ready. It
 * starts at most `maxConcurrency` tasks ahead of what it has emitted, and when
 * the subscriber unsubscribes (`take(3)`, say) it stops at once, killing the
 * tasks still running: taking 3 elements of an infinite iterable starts at
 * most 3 + `maxConcurrency` tasks. A crashed task's element is
 * `left(reason)`; a timeout with `onTimeout: 'exit'` errors the Observable
 * with the `CallExit` reason.
 *
 * @example
 * import { take } from 'rxjs'
 * import { Effect, Runtime, Task } from 'fp-ts-actors'
 * function* naturals() {
 *   for (let n = 0; ; n++) yield n
 * }
 * const rt = Runtime.make()
 * Task.asyncStream$(rt, naturals(), (n) => Effect.succeed(n * n), { maxConcurrency: 4 })
 *   .pipe(take(3))
 *   .subscribe((r) => console.log(r)) // right(0), right(1), right(4)
 *
 * @category streams
 * @since 0.2.0
 */
export const asyncStream$ = <T, E, B, Z extends boolean = false>(
  rt: Runtime,
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: StreamOptions<Z> = {}
): Observable<StreamOutcome<T, B, Z>> => {
  checkItems('Task.asyncStream$', items, f)
  const settings = streamSettings('Task.asyncStream$', options)
  return observe(rt, (emit) =>
    Effect.flatMap(cursor(items, f, { ...settings, call: 'Task.asyncStream$' }, spawnLinked), (c) =>
      pump(c as Stream<StreamOutcome<T, B, Z>>, emit)
    )
  )
}

/** @internal Emits every element of `s`, halting it however the emitting process ends. */
export const pump = <A>(s: Stream<A>, emit: (a: A) => Effect.Effect<never, void>): Effect.Effect<Exit.Exiting, void> =>
  Effect.ensuring(
    Effect.suspend(() => {
      const loop: Effect.Effect<Exit.Exiting, void> = Effect.flatMap(s.next, (o) =>
        O.isNone(o) ? Effect.unit : Effect.flatMap(emit(o.value), () => loop)
      )
      return loop
    }),
    s.halt
  )

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that runs `program` as a supervised task (Elixir's
 * `Task.child_spec/1`): id `'Task'`, `temporary` (not restarted), unless
 * `overrides` say otherwise.
 *
 * @example
 * import { Effect, Supervisor, Task } from 'fp-ts-actors'
 * const tree = Supervisor.startLink([Task.childSpec(Effect.never, { restart: 'permanent' })], {
 *   strategy: 'one_for_one'
 * })
 *
 * @category child specs
 * @since 0.2.0
 */
export const childSpec = <E, A>(
  program: Effect.Effect<E, A>,
  overrides: {
    readonly id?: string
    readonly restart?: 'permanent' | 'transient' | 'temporary'
    readonly shutdown?: number | 'brutal_kill' | 'infinity'
  } = {}
): {
  readonly id: string
  readonly start: Effect.Effect<never, Pid<unknown>>
  readonly restart: 'permanent' | 'transient' | 'temporary'
  readonly shutdown?: number | 'brutal_kill' | 'infinity'
} => {
  checkProgram('Task.childSpec', program)
  return { id: 'Task', restart: 'temporary', ...overrides, start: startLink(program) }
}
