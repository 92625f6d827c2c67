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
import { checkMs, checkProgram, describe } from './internal/check.js'
import { guard } from './internal/guard.js'
import { exitCall, sendQuietly } from './internal/otp.js'

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
export interface StreamOptions {
  /** How many tasks run at once. Default 8 (Elixir: the number of schedulers online). */
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
}

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
interface TimedOutMsg {
  readonly _tag: 'Task.TimedOut'
  readonly tag: Ref
}

const tagOf = (u: unknown, tag: string): unknown =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === tag
    ? (u as { tag?: unknown }).tag
    : undefined

const replyOf = (tag: Ref): t.Type<ReplyMsg> =>
  guard('Task.Reply', (u): u is ReplyMsg => tagOf(u, 'Task.Reply') === tag)

const timedOutOf = (tag: Ref): t.Type<TimedOutMsg> =>
  guard('Task.TimedOut', (u): u is TimedOutMsg => tagOf(u, 'Task.TimedOut') === tag)

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
  return Effect.gen(function* () {
    const owner = yield* Process.self
    const alias = yield* Process.alias({ oneShot: true })
    const [pid, ref] = yield* Process.spawnMonitor(taskBody(program, alias), { link: true })
    const task: Task<E, A> = { owner, pid, ref, alias }
    return task
  })
}

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
      Process.on(replyOf(task.alias), (m) =>
        Effect.as(Process.demonitor(task.ref, { flush: true }), O.some(E.right(m.value as A)))
      ),
      Process.on(Exit.downOf(task.ref), (m) => Effect.as(Process.unalias(task.alias), O.some(E.left(m.reason)))),
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
  return ownerOnly(
    task,
    Effect.gen(function* () {
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
  )
}

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
// streams
// -------------------------------------------------------------------------------------

const DEFAULT_CONCURRENCY = 8

const checkStreamOptions = (options: unknown): void => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Task.asyncStream: options must be an object, got ${describe(options)}`)
  }
  const o = options as StreamOptions
  if (o.maxConcurrency !== undefined && (!Number.isInteger(o.maxConcurrency) || o.maxConcurrency < 1)) {
    throw new TypeError(`Task.asyncStream: maxConcurrency must be an integer >= 1, got ${String(o.maxConcurrency)}`)
  }
  if (o.ordered !== undefined && typeof o.ordered !== 'boolean') {
    throw new TypeError(`Task.asyncStream: ordered must be a boolean, got ${describe(o.ordered)}`)
  }
  if (o.timeout !== undefined) checkMs('Task.asyncStream', o.timeout)
  if (o.onTimeout !== undefined && o.onTimeout !== 'exit' && o.onTimeout !== 'killTask') {
    throw new TypeError(`Task.asyncStream: onTimeout must be 'exit' or 'killTask', got ${describe(o.onTimeout)}`)
  }
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
 * that timed out (Elixir names only the timeout). Lazy: nothing starts before
 * the Effect runs.
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
export const asyncStream = <T, E, B>(
  items: ReadonlyArray<T>,
  f: (item: T) => Effect.Effect<E, B>,
  options: StreamOptions = {}
): Effect.Effect<Exit.Exiting, ReadonlyArray<Outcome<B>>> => {
  if (!Array.isArray(items)) throw new TypeError(`Task.asyncStream: expected an array of items, got ${describe(items)}`)
  if (typeof f !== 'function') throw new TypeError(`Task.asyncStream: expected a function, got ${describe(f)}`)
  checkStreamOptions(options)
  const max = options.maxConcurrency ?? DEFAULT_CONCURRENCY
  const ordered = options.ordered ?? true
  const timeout = options.timeout ?? 5000
  const onTimeout = options.onTimeout ?? 'exit'

  // one element's task: wait for the go, run f(item) within the timeout, report
  const worker = (item: T, alias: Ref, tag: Ref): Effect.Effect<E, void> =>
    Effect.suspend(() => {
      const work = Effect.suspend(() => f(item))
      const report = (value: B): Effect.Effect<never, void> =>
        sendQuietly(alias, { _tag: 'Task.Reply', tag, value } satisfies ReplyMsg)
      if (timeout === Infinity) return Effect.flatMap(work, report)
      return Effect.flatMap(Effect.timeout(work, timeout), (done) =>
        O.isSome(done)
          ? report(done.value)
          : // timed out: say so, then wait for the owner to kill this task (as Elixir does)
            Effect.flatMap(sendQuietly(alias, { _tag: 'Task.TimedOut', tag } satisfies TimedOutMsg), () => Effect.never)
      )
    })

  return Effect.suspend(() => {
    const list = items.slice()
    interface Running {
      readonly tag: Ref
      readonly index: number
      readonly item: T
      readonly pid: Pid<unknown>
      outcome: Outcome<B> | undefined
      timedOut: boolean
    }
    const running = new Map<Ref, Running>()
    const byTag = new Map<Ref, Ref>()
    const results: Array<Outcome<B>> = []
    let next = 0

    const Reply = guard('Task.Reply', (u): u is ReplyMsg => byTag.has(tagOf(u, 'Task.Reply') as Ref))
    const TimedOut = guard('Task.TimedOut', (u): u is TimedOutMsg => byTag.has(tagOf(u, 'Task.TimedOut') as Ref))
    const Down = guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && running.has(u.ref))

    const unlinkAndKill = (pid: Pid<unknown>): Effect.Effect<never, void> =>
      Effect.uninterruptible(Effect.flatMap(Process.unlink(pid), () => Process.exit(pid, Exit.kill)))

    /** Drops what a finished task left in the mailbox: its reply, its timeout notice, its EXIT. */
    const flush = (tag: Ref, pid: Pid<unknown>): Effect.Effect<never, void> =>
      Process.receive(
        Process.on(replyOf(tag), () => flush(tag, pid)),
        Process.on(timedOutOf(tag), () => flush(tag, pid)),
        Process.on(Exit.exitFrom(pid), () => flush(tag, pid)),
        Process.after(0, () => Effect.unit)
      )

    /** Kills every running task and waits for each to be gone, dropping its messages. */
    const closeAll: Effect.Effect<never, void> = Effect.suspend(() =>
      Effect.asUnit(
        Effect.traverseArray(([ref, r]: readonly [Ref, Running]) =>
          Effect.flatMap(unlinkAndKill(r.pid), () =>
            Effect.flatMap(Process.receive(Exit.downOf(ref)), () => flush(r.tag, r.pid))
          )
        )([...running.entries()])
      )
    )

    return Effect.gen(function* () {
      const alias = yield* Process.alias()
      while (next < list.length || running.size > 0) {
        while (running.size < max && next < list.length) {
          const index = next++
          const item = list[index] as T
          const tag = yield* Process.makeRef
          const [pid, ref] = yield* Process.spawnMonitor(worker(item, alias, tag), { link: true })
          running.set(ref, { tag, index, item, pid, outcome: undefined, timedOut: false })
          byTag.set(tag, ref)
        }
        const event = yield* Process.receive(
          Process.on(Reply, (m) =>
            Effect.succeed({ _tag: 'reply' as const, ref: byTag.get(m.tag) as Ref, value: m.value as B })
          ),
          Process.on(TimedOut, (m) => Effect.succeed({ _tag: 'timedOut' as const, ref: byTag.get(m.tag) as Ref })),
          Process.on(Down, (m) => Effect.succeed({ _tag: 'down' as const, ref: m.ref, reason: m.reason }))
        )
        const r = running.get(event.ref) as Running
        if (event._tag === 'reply') {
          // the result counts when the task is gone (its DOWN), as Elixir's stream does
          r.outcome = E.right(event.value)
        } else if (event._tag === 'timedOut') {
          if (r.outcome === undefined && !r.timedOut) {
            r.timedOut = true
            yield* unlinkAndKill(r.pid)
          }
        } else {
          running.delete(event.ref)
          byTag.delete(r.tag)
          // a trapping owner also got the link's EXIT: drop it (Elixir's tasks are linked to a helper process)
          yield* flush(r.tag, r.pid)
          let outcome = r.outcome
          if (outcome === undefined && r.timedOut) {
            if (onTimeout === 'exit') {
              yield* closeAll
              yield* Process.unalias(alias)
              return yield* exitCall(Exit.timeout, 'Task.asyncStream', [timeout, r.item])
            }
            outcome = E.left(Exit.timeout)
          }
          outcome ??= E.left(event.reason)
          if (ordered) results[r.index] = outcome
          else results.push(outcome)
        }
      }
      yield* Process.unalias(alias)
      return results as ReadonlyArray<Outcome<B>>
    })
  })
}
