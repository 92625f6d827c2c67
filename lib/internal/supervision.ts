/**
 * What Supervisor and DynamicSupervisor share: child-spec checking, starting
 * and stopping one child the way Erlang's supervisor does, and the restart
 * intensity counted on the process clock. Written with the public primitives only.
 *
 * @internal
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import * as Effect from '../Effect.js'
import * as Exit from '../Exit.js'
import type { Pid, Ref } from '../Pid.js'
import * as Process from '../Process.js'
import * as Start from '../Start.js'
import { describe } from './check.js'
import { sandbox } from './sandbox.js'

/** When a child is restarted (`Supervisor.Restart`). */
export type Restart = 'permanent' | 'transient' | 'temporary'

/** A checked child spec, defaults filled in; `start` given the supervisor's extra arguments. */
export interface Spec {
  readonly id: string
  readonly start: (extra: ReadonlyArray<unknown>) => Effect.Effect<unknown, Pid<unknown>>
  readonly restart: Restart
  readonly shutdown: number | 'brutal_kill'
  readonly type: 'worker' | 'supervisor'
}

export const checkSpec = (where: string, spec: unknown, needId = true): Spec => {
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError(`${where}: a child spec must be an object, got ${describe(spec)}`)
  const s = spec as Partial<Record<'id' | 'start' | 'restart' | 'shutdown' | 'type', unknown>>
  if (needId && (typeof s.id !== 'string' || s.id.length === 0)) {
    throw new TypeError(`${where}: child spec id must be a non-empty string, got ${describe(s.id)}`)
  }
  const id = typeof s.id === 'string' ? s.id : ''
  const bad: (what: string, got: unknown) => never = (what, got) => {
    throw new TypeError(`${where}: child spec ${JSON.stringify(id)}: ${what}, got ${describe(got)}`)
  }
  if (!Effect.isEffect(s.start) && typeof s.start !== 'function')
    bad("start must be an Effect giving the child's pid, or a function giving that Effect", s.start)
  const restart = s.restart ?? 'permanent'
  if (restart !== 'permanent' && restart !== 'transient' && restart !== 'temporary') {
    bad("restart must be 'permanent', 'transient' or 'temporary'", restart)
  }
  const type = s.type ?? 'worker'
  if (type !== 'worker' && type !== 'supervisor') bad("type must be 'worker' or 'supervisor'", type)
  const shutdown = s.shutdown ?? (type === 'worker' ? 5000 : 'infinity')
  if (
    shutdown !== 'brutal_kill' &&
    shutdown !== 'infinity' &&
    !(typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0)
  ) {
    bad("shutdown must be an integer >= 0, 'brutal_kill' or 'infinity'", shutdown)
  }
  return {
    id,
    start: startOf(s.start as ChildStart),
    restart,
    shutdown: shutdown === 'infinity' ? Infinity : shutdown,
    type
  }
}

/** A child's start as a spec gives it: an Effect, or a function of the supervisor's extra arguments. */
type ChildStart = Effect.Effect<unknown, Pid<unknown>> | ((...args: never) => Effect.Effect<unknown, Pid<unknown>>)

/** A start function is called anew, with the extra arguments first, at each start (as Elixir applies its MFA). */
const startOf =
  (start: ChildStart) =>
  (extra: ReadonlyArray<unknown>): Effect.Effect<unknown, Pid<unknown>> =>
    typeof start === 'function'
      ? Effect.suspend(() =>
          (start as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, Pid<unknown>>)(...extra)
        )
      : start

/** The id a child spec made from start options gets (as Elixir's child_spec/1): its name, else `fallback`. */
export const idOf = (name: unknown, fallback: string): string =>
  typeof name === 'string'
    ? name
    : typeof name === 'object' && name !== null && 'key' in name
      ? String(name.key)
      : fallback

export const checkIntensity = (where: string, maxRestarts: unknown, maxSeconds: unknown): void => {
  if (maxRestarts !== undefined && !(Number.isInteger(maxRestarts) && (maxRestarts as number) >= 0)) {
    throw new TypeError(`${where}: maxRestarts must be an integer >= 0, got ${describe(maxRestarts)}`)
  }
  if (maxSeconds !== undefined && !(typeof maxSeconds === 'number' && maxSeconds > 0)) {
    throw new TypeError(`${where}: maxSeconds must be a number > 0 (or Infinity), got ${describe(maxSeconds)}`)
  }
}

/** How one start of a child went. */
export type Started =
  | { readonly _tag: 'Started'; readonly pid: Pid<unknown> }
  | { readonly _tag: 'Ignored' }
  | { readonly _tag: 'Failed'; readonly reason: Exit.Reason }

/** The reason a failed child start stands for (Elixir's `{:error, reason}` of the start function). */
export const startFailure = (e: unknown): Started => {
  if (Start.isError(e)) {
    switch (e._tag) {
      case 'Ignore':
        return { _tag: 'Ignored' }
      case 'InitFailed':
        return { _tag: 'Failed', reason: e.reason }
      case 'AlreadyStarted':
        return { _tag: 'Failed', reason: Exit.custom({ already_started: e.pid }) }
    }
  }
  return { _tag: 'Failed', reason: Exit.reasonOf(e) }
}

/**
 * Runs a child's start in the supervisor. A start that throws fails with
 * the `Defect` (the supervisor lives on), as Erlang's supervisor catches it.
 */
export const startOne = (spec: Spec, extra: ReadonlyArray<unknown> = []): Effect.Effect<never, Started> =>
  Effect.map(
    sandbox(
      Effect.match(spec.start(extra), startFailure, (pid): Started =>
        Process.pid.is(pid)
          ? { _tag: 'Started', pid }
          : { _tag: 'Failed', reason: Exit.custom({ bad_start_return: pid }) }
      )
    ),
    (r): Started => (E.isLeft(r) ? { _tag: 'Failed', reason: r.left } : r.right)
  )

/** Unlinks `pid` and drops its EXIT message if it is there already. */
export const unlinkFlush = (pid: Pid<unknown>): Effect.Effect<never, void> =>
  Effect.flatMap(Process.unlink(pid), () =>
    Process.receive(
      Process.on(Exit.exitFrom(pid), () => Effect.unit),
      Process.after(0, () => Effect.unit)
    )
  )

/**
 * Stops one child as Erlang's supervisor does: monitor it, send
 * `shutdown` (or `kill` for brutal_kill), `kill` after `shutdown` ms, wait
 * for its DOWN, then unlink and drop its EXIT.
 */
export const shutdownChild = (pid: Pid<unknown>, shutdown: number | 'brutal_kill'): Effect.Effect<never, void> =>
  Effect.gen(function* () {
    const mon = yield* Process.monitor(pid)
    if (shutdown === 'brutal_kill') {
      yield* Process.exit(pid, Exit.kill)
      yield* Process.receive(Exit.downOf(mon))
    } else {
      yield* Process.exit(pid, Exit.shutdown)
      yield* Process.receive(
        Process.on(Exit.downOf(mon), () => Effect.unit),
        Process.after(shutdown, () =>
          Effect.flatMap(Process.exit(pid, Exit.kill), () => Effect.asUnit(Process.receive(Exit.downOf(mon))))
        )
      )
    }
    yield* unlinkFlush(pid)
  })

/** `normal`, `shutdown` and `{shutdown, _}`: exits a transient child is not restarted after. */
export const isCleanExit = (r: Exit.Reason): boolean => r._tag === 'Normal' || r._tag === 'Shutdown'

/**
 * The supervisor's messages to itself ("a restart left the window", "try that
 * restart again") carry a ref made by the supervisor and never shown to
 * anyone: no other process can forge them (a forged window message would
 * reset the restart count).
 */
export interface Internal {
  readonly _tag: 'Supervisor.Internal'
  readonly secret: Ref
  readonly what: 'expired' | 'tryAgain'
  /** The child to try again: its id (Supervisor) or its old pid (DynamicSupervisor). */
  readonly child?: unknown
}

/** The internal message `u`, if it carries `secret`. */
export const internalOf = (u: unknown, secret: Ref): Internal | undefined =>
  typeof u === 'object' &&
  u !== null &&
  (u as { _tag?: unknown })._tag === 'Supervisor.Internal' &&
  (u as { secret?: unknown }).secret === secret
    ? (u as Internal)
    : undefined

/** Asks the supervisor (the caller) to try restarting `child` again, after the messages already queued. */
export const tryAgainLater = (self: Pid<unknown>, secret: Ref, child: unknown): Effect.Effect<never, void> =>
  Effect.catchAll(
    Process.send(self, { _tag: 'Supervisor.Internal', secret, what: 'tryAgain', child } satisfies Internal),
    () => Effect.unit
  )

/**
 * The restart intensity, counted on the process clock: each restart sets a
 * `sendAfter` timer to the supervisor itself that tells it, a period later,
 * to forget that restart (the timers go with the supervisor when it exits).
 */
export class Intensity {
  private recent = 0
  constructor(
    private readonly max: number,
    private readonly periodMs: number,
    private readonly secret: Ref
  ) {}
  /** Adds a restart; `false` when that is one too many (the supervisor must shut down). */
  add(sup: Pid<unknown>): Effect.Effect<never, boolean> {
    return Effect.suspend(() => {
      if (this.recent + 1 > this.max) return Effect.succeed(false)
      this.recent++
      if (this.periodMs === Infinity) return Effect.succeed(true)
      const expired: Internal = { _tag: 'Supervisor.Internal', secret: this.secret, what: 'expired' }
      return Effect.as(Process.sendAfter(sup, expired, this.periodMs), true)
    })
  }
  /** A restart left the window. */
  expire(): void {
    if (this.recent > 0) this.recent--
  }
}

/** Answers of the supervisor's calls travel as Either. */
export const answer = <E, A>(call: Effect.Effect<Exit.Exiting, Either<E, A>>): Effect.Effect<Exit.Exiting | E, A> =>
  Effect.flatMap(call, (r) => Effect.fromEither(r))
