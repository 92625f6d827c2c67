/**
 * The engine of `Task.stream` / `Task.asyncStream` and their Task.Supervisor
 * forms: a pull cursor, run by its owner process, that maps a function over
 * an iterable in tasks. It starts a task only when fewer than `max` tasks are
 * started and not yet consumed (running, or finished and waiting to be taken
 * in order), so a consumer that stops after n results has started at most
 * n + max tasks whatever the source's length.
 *
 * Each task gets a reply alias and a tag in its closure (no one else knows
 * them, so no result can be forged); it runs `f(item)` within the timeout and
 * reports, or reports that it timed out and waits to be killed. A result
 * counts once the task is gone (its DOWN), as in Elixir.
 *
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as Effect from '../Effect.js'
import * as Exit from '../Exit.js'
import type { Pid, Ref } from '../Pid.js'
import * as Process from '../Process.js'
import { guard } from './guard.js'

/** A pull cursor over the results; `halt` stops it and every task it runs. */
export interface Cursor<A> {
  readonly next: Effect.Effect<Exit.Exiting, Option<A>>
  readonly halt: Effect.Effect<never, void>
}

/** How one element's task is started: spawned (and linked), or under a supervisor. */
export type Spawner = (work: Effect.Effect<unknown, void>) => Effect.Effect<Exit.Exiting, readonly [Pid<unknown>, Ref]>

export interface Settings {
  readonly max: number
  readonly ordered: boolean
  readonly timeout: number
  readonly onTimeout: 'exit' | 'killTask'
  readonly zip: boolean
  /** The call named in a timeout exit (`Task.asyncStream`, `TaskSupervisor.asyncStream`...). */
  readonly call: string
}

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

const sendQuietly = (dest: Process.Dest, message: unknown): Effect.Effect<never, void> =>
  Effect.catchAll(Process.send(dest, message), () => Effect.unit)

/** One element's work: `f(item)` within `timeout`, reported to `alias` under `tag`. */
export const work = <T, E, B>(
  f: (item: T) => Effect.Effect<E, B>,
  item: T,
  timeout: number,
  alias: Ref,
  tag: Ref
): Effect.Effect<E, void> => {
  const run = Effect.suspend(() => f(item))
  const report = (value: B): Effect.Effect<never, void> =>
    sendQuietly(alias, { _tag: 'Task.Reply', tag, value } satisfies ReplyMsg)
  if (timeout === Infinity) return Effect.flatMap(run, report)
  return Effect.flatMap(Effect.timeout(run, timeout), (done) =>
    O.isSome(done)
      ? report(done.value)
      : // timed out: say so, then wait for the owner to kill this task (as Elixir does)
        Effect.flatMap(sendQuietly(alias, { _tag: 'Task.TimedOut', tag } satisfies TimedOutMsg), () => Effect.never)
  )
}

interface Running<T, B> {
  readonly tag: Ref
  readonly index: number
  readonly item: T
  readonly pid: Pid<unknown>
  outcome: Either<Exit.Reason, B> | undefined
  timedOut: boolean
}

/** The stream's element: the outcome, its exit reason zipped with the input when `zip`. */
export type Out<T, B> = Either<Exit.Reason | readonly [T, Exit.Reason], B>

/** Makes the cursor (in the owner process: it makes the owner's reply alias). */
export const cursor = <T, E, B>(
  items: Iterable<T>,
  f: (item: T) => Effect.Effect<E, B>,
  s: Settings,
  spawn: Spawner
): Effect.Effect<never, Cursor<Out<T, B>>> =>
  Effect.map(Process.alias(), (alias): Cursor<Out<T, B>> => {
    const running = new Map<Ref, Running<T, B>>()
    const byTag = new Map<Ref, Ref>()
    /** Finished, not yet taken: by index (ordered) or in end order. */
    const ready = new Map<number, Out<T, B>>()
    const queue: Array<Out<T, B>> = []
    let iterator: Iterator<T> | undefined
    let sourceDone = false
    let started = 0
    let emitted = 0
    let closed = false

    const Reply = guard('Task.Reply', (u): u is ReplyMsg => byTag.has(tagOf(u, 'Task.Reply') as Ref))
    const TimedOut = guard('Task.TimedOut', (u): u is TimedOutMsg => byTag.has(tagOf(u, 'Task.TimedOut') as Ref))
    const Down = guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && running.has(u.ref))

    const unlinkAndKill = (pid: Pid<unknown>): Effect.Effect<never, void> =>
      Effect.uninterruptible(Effect.flatMap(Process.unlink(pid), () => Process.exit(pid, Exit.kill)))

    /** Drops what a finished task left in the mailbox: its reply, its timeout notice, its EXIT. */
    const flush = (tag: Ref, pid: Pid<unknown>): Effect.Effect<never, void> =>
      Process.receive(
        Process.on(
          guard('own', (u): u is unknown => tagOf(u, 'Task.Reply') === tag || tagOf(u, 'Task.TimedOut') === tag),
          () => flush(tag, pid)
        ),
        Process.on(
          guard('EXIT', (u): u is Exit.ExitSignal => Exit.ExitSignal.is(u) && u.from === pid),
          () => flush(tag, pid)
        ),
        Process.after(0, () => Effect.unit)
      )

    /** Kills every running task and waits for each to be gone, dropping its messages; forgets the rest. */
    const close: Effect.Effect<never, void> = Effect.suspend(() => {
      if (closed) return Effect.unit
      closed = true
      // a source left unfinished is closed (a generator's `finally` runs), as Elixir halts the input stream
      if (!sourceDone) {
        sourceDone = true
        iterator?.return?.()
      }
      const all = [...running.entries()]
      running.clear()
      byTag.clear()
      ready.clear()
      queue.length = 0
      return Effect.flatMap(
        Effect.traverseArray(([ref, r]: readonly [Ref, Running<T, B>]) =>
          Effect.flatMap(unlinkAndKill(r.pid), () =>
            Effect.flatMap(
              Process.receive(guard('DOWN', (u): u is Exit.Down => Exit.Down.is(u) && u.ref === ref)),
              () => flush(r.tag, r.pid)
            )
          )
        )(all),
        () => Effect.asUnit(Process.unalias(alias))
      )
    })

    const buffered = (): number => (s.ordered ? ready.size : queue.length)

    /** Starts tasks while fewer than `max` are started and not yet taken. */
    const fill: Effect.Effect<Exit.Exiting, void> = Effect.suspend(() => {
      if (sourceDone || running.size + buffered() >= s.max) return Effect.unit
      iterator ??= items[Symbol.iterator]()
      const step = iterator.next()
      if (step.done === true) {
        sourceDone = true
        return Effect.unit
      }
      const item = step.value
      const index = started++
      return Effect.flatMap(Process.makeRef, (tag) =>
        Effect.flatMap(
          // a task that cannot start (maxChildren reached...) stops the stream cleanly first
          Effect.catchAll(spawn(work(f, item, s.timeout, alias, tag)), (e) =>
            Effect.flatMap(close, () => Effect.fail(e))
          ),
          ([pid, ref]) => {
            running.set(ref, { tag, index, item, pid, outcome: undefined, timedOut: false })
            byTag.set(tag, ref)
            return fill
          }
        )
      )
    })

    const finished = (r: Running<T, B>, outcome: Either<Exit.Reason, B>): void => {
      const out: Out<T, B> = s.zip && E.isLeft(outcome) ? E.left([r.item, outcome.left] as const) : outcome
      if (s.ordered) ready.set(r.index, out)
      else queue.push(out)
    }

    /** Waits for one event of a running task and records it. */
    const step: Effect.Effect<Exit.Exiting, void> = Effect.flatMap(
      Process.receive(
        Process.on(Reply, (m) =>
          Effect.sync(() => {
            const r = running.get(byTag.get(m.tag) as Ref) as Running<T, B>
            r.outcome = E.right(m.value as B)
          })
        ),
        Process.on(TimedOut, (m) => {
          const r = running.get(byTag.get(m.tag) as Ref) as Running<T, B>
          if (r.outcome !== undefined || r.timedOut) return Effect.unit
          r.timedOut = true
          return unlinkAndKill(r.pid)
        }),
        Process.on(Down, (m) => Effect.succeed(m))
      ),
      (down): Effect.Effect<Exit.Exiting, void> => {
        if (down === undefined) return Effect.unit
        const r = running.get(down.ref) as Running<T, B>
        running.delete(down.ref)
        byTag.delete(r.tag)
        // a trapping owner also got the link's EXIT: drop it
        return Effect.flatMap(flush(r.tag, r.pid), () => {
          if (r.outcome !== undefined) finished(r, r.outcome)
          else if (r.timedOut) {
            if (s.onTimeout === 'exit') {
              return Effect.flatMap(close, () =>
                Effect.fail(Exit.exiting(Exit.callExit(Exit.timeout, s.call, [s.timeout, r.item])))
              )
            }
            finished(r, E.left(Exit.timeout))
          } else finished(r, E.left(down.reason))
          return Effect.unit
        })
      }
    )

    const take = (): Option<Out<T, B>> => {
      if (s.ordered) {
        const out = ready.get(emitted)
        if (out === undefined) return O.none
        ready.delete(emitted)
        emitted++
        return O.some(out)
      }
      const out = queue.shift()
      if (out === undefined) return O.none
      emitted++
      return O.some(out)
    }

    const next: Effect.Effect<Exit.Exiting, Option<Out<T, B>>> = Effect.suspend(() => {
      if (closed) return Effect.succeed(O.none)
      return Effect.flatMap(fill, () => {
        const out = take()
        if (O.isSome(out)) return Effect.succeed(out)
        if (running.size === 0) return Effect.as(close, O.none)
        return Effect.flatMap(step, () => next)
      })
    })

    return { next, halt: close }
  })

/** Takes every result of a cursor. */
export const collect = <A>(c: Cursor<A>): Effect.Effect<Exit.Exiting, ReadonlyArray<A>> =>
  Effect.suspend(() => {
    const out: Array<A> = []
    const loop: Effect.Effect<Exit.Exiting, ReadonlyArray<A>> = Effect.flatMap(c.next, (o) => {
      if (O.isNone(o)) return Effect.succeed(out)
      out.push(o.value)
      return loop
    })
    return loop
  })
