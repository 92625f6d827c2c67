/**
 * Exit reasons: why a process ended, one variant per Elixir reason class.
 *
 * ```ts
 * type Reason<E, A> =
 *   | Normal<A>   // :normal (value: what the program returned)
 *   | Shutdown    // :shutdown, or {:shutdown, info}
 *   | Kill        // :kill, from a process's own exit(:kill): trappable through links
 *   | Killed      // :killed, from Process.exit(pid, :kill)
 *   | NoProc      // :noproc
 *   | Timeout     // :timeout
 *   | Failure<E>  // an uncaught typed failure
 *   | Defect      // a thrown value
 *   | Custom      // any other term (:boom, {:custom, 1})
 *   | CallExit    // {reason, {Module, :fun, args}}: a synchronous request ended without a result
 * ```
 *
 * Also the two system messages a trapping or monitoring process receives,
 * `{ _tag: 'EXIT', from, reason }` and `{ _tag: 'DOWN', ref, pid, reason }`,
 * with their io-ts codecs, and `Exiting`: Elixir's `exit/1` as a typed
 * failure that `Effect.catchAll` can catch.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.isNormal(Exit.normal) // true
 * Exit.format(Exit.custom('boom')) // ':boom'
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import type { Type } from 'io-ts'
import { pid, ref, type Pid, type Ref } from './Pid.js'
import { guard } from './internal/guard.js'
import { describe, hasMethod } from './internal/check.js'
import { safeJson, safeString } from './internal/show.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Why a process ended.
 *
 * @category model
 * @since 0.1.0
 */
export type Reason<E = unknown, A = unknown> =
  Normal<A> | Shutdown | Kill | Killed | NoProc | Timeout | Failure<E> | Defect | Custom | CallExit

/** @category model @since 0.1.0 */
export interface Normal<A = unknown> {
  readonly _tag: 'Normal'
  readonly value?: A
}
/** @category model @since 0.1.0 */
export interface Shutdown {
  readonly _tag: 'Shutdown'
  readonly info?: unknown
}
/** @category model @since 0.1.0 */
export interface Kill {
  readonly _tag: 'Kill'
}
/** @category model @since 0.1.0 */
export interface Killed {
  readonly _tag: 'Killed'
}
/** @category model @since 0.1.0 */
export interface NoProc {
  readonly _tag: 'NoProc'
}
/** @category model @since 0.1.0 */
export interface Timeout {
  readonly _tag: 'Timeout'
}
/** @category model @since 0.1.0 */
export interface Failure<E = unknown> {
  readonly _tag: 'Failure'
  readonly error: E
}
/** @category model @since 0.1.0 */
export interface Defect {
  readonly _tag: 'Defect'
  readonly defect: unknown
}
/** @category model @since 0.1.0 */
export interface Custom {
  readonly _tag: 'Custom'
  readonly reason: unknown
}
/** @category model @since 0.1.0 */
export interface CallExit {
  readonly _tag: 'CallExit'
  readonly reason: Reason
  /** The Elixir call it stands for, e.g. 'Task.await', 'GenServer.call'. */
  readonly call: string
  readonly args: ReadonlyArray<unknown>
}

/**
 * Elixir's `exit(reason)` raised in a process's own code, as a typed failure:
 * `Effect.either`/`catchAll` catch it (as `catch :exit` does); uncaught, the
 * process ends with `reason` itself, not wrapped in `Failure`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Exiting {
  readonly _tag: 'Exiting'
  readonly reason: Reason
}

/**
 * The message a trapping process gets for an exit signal.
 *
 * @category system messages
 * @since 0.1.0
 */
export interface ExitSignal {
  readonly _tag: 'EXIT'
  readonly from: Pid<unknown>
  readonly reason: Reason
}

/**
 * The message a monitoring process gets when its target ends. `pid` is the
 * registered name for a monitor set by name (Elixir: `{name, node}`).
 *
 * @category system messages
 * @since 0.1.0
 */
export interface Down {
  readonly _tag: 'DOWN'
  readonly ref: Ref
  readonly pid: Pid<unknown> | string
  readonly reason: Reason
}

/**
 * What made a process end: how its own code finished, or who stopped it.
 * Every exit carries one (`rt.exits$`, the `Exit` event), so a chain of
 * deaths can be followed back to where it started (`Rx.why`).
 *
 * - `Returned`: its program succeeded.
 * - `Failed`: an uncaught typed failure. `Threw`: a thrown value (a defect).
 * - `Exited`: it called `Process.exit(reason)` (Elixir's `exit/1`).
 * - `Signal`: `Process.exit(pid, reason)` sent by `from` (itself included).
 * - `Link`: a linked process, `from`, died and the signal killed it.
 * - `Shutdown`: the runtime shut down.
 *
 * @category model
 * @since 0.1.0
 */
export type Cause =
  | { readonly _tag: 'Returned' }
  | { readonly _tag: 'Failed' }
  | { readonly _tag: 'Threw' }
  | { readonly _tag: 'Exited' }
  | { readonly _tag: 'Signal'; readonly from: Pid<unknown> }
  | { readonly _tag: 'Link'; readonly from: Pid<unknown> }
  | { readonly _tag: 'Shutdown' }

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `:normal`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.isNormal(Exit.normal) // true
 *
 * @category constructors
 * @since 0.1.0
 */
export const normal: Reason<never, never> = { _tag: 'Normal' }
/**
 * `:normal` carrying what the program returned.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.returned(42) // { _tag: 'Normal', value: 42 }
 *
 * @category constructors
 * @since 0.1.0
 */
export const returned = <A>(value: A): Reason<never, A> => ({ _tag: 'Normal', value })
/**
 * `:shutdown`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.format(Exit.shutdown) // ':shutdown'
 *
 * @category constructors
 * @since 0.1.0
 */
export const shutdown: Reason<never, never> = { _tag: 'Shutdown' }
/**
 * `{:shutdown, info}`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.shutdownWith('restart') // { _tag: 'Shutdown', info: 'restart' }
 *
 * @category constructors
 * @since 0.1.0
 */
export const shutdownWith = (info: unknown): Reason<never, never> => ({ _tag: 'Shutdown', info })
/**
 * `:kill`: sent with `Process.exit(pid, kill)` it is untrappable and the
 * target dies with `killed`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.kill._tag // 'Kill'
 *
 * @category constructors
 * @since 0.1.0
 */
export const kill: Reason<never, never> = { _tag: 'Kill' }
/**
 * `:killed`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.killed._tag // 'Killed'
 *
 * @category constructors
 * @since 0.1.0
 */
export const killed: Reason<never, never> = { _tag: 'Killed' }
/**
 * `:noproc`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.noproc._tag // 'NoProc'
 *
 * @category constructors
 * @since 0.1.0
 */
export const noproc: Reason<never, never> = { _tag: 'NoProc' }
/**
 * `:timeout`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.timeout._tag // 'Timeout'
 *
 * @category constructors
 * @since 0.1.0
 */
export const timeout: Reason<never, never> = { _tag: 'Timeout' }
/**
 * An uncaught typed failure.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.failure('not found') // { _tag: 'Failure', error: 'not found' }
 *
 * @category constructors
 * @since 0.1.0
 */
export const failure = <E>(error: E): Reason<E, never> => ({ _tag: 'Failure', error })
/**
 * A thrown value.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.defect(new Error('boom'))._tag // 'Defect'
 *
 * @category constructors
 * @since 0.1.0
 */
export const defect = (thrown: unknown): Reason<never, never> => ({ _tag: 'Defect', defect: thrown })
/**
 * Any other reason, like Elixir's `:boom` or `{:custom, 1}`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.custom('boom') // { _tag: 'Custom', reason: 'boom' }
 *
 * @category constructors
 * @since 0.1.0
 */
export const custom = (reason: unknown): Reason<never, never> => ({ _tag: 'Custom', reason })
/**
 * `{reason, {Module, :fun, args}}`: a synchronous request that ended without a result.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.callExit(Exit.timeout, 'GenServer.call', ['server', 'ping', 5000])._tag // 'CallExit'
 *
 * @category constructors
 * @since 0.1.0
 */
export const callExit = (reason: Reason, call: string, args: ReadonlyArray<unknown>): Reason<never, never> => ({
  _tag: 'CallExit',
  reason,
  call,
  args
})
/**
 * The typed failure of `Process.exit(reason)`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.exiting(Exit.custom('boom')) // { _tag: 'Exiting', reason: { _tag: 'Custom', reason: 'boom' } }
 *
 * @category constructors
 * @since 0.1.0
 */
export const exiting = (reason: Reason): Exiting => ({ _tag: 'Exiting', reason })

// -------------------------------------------------------------------------------------
// guards and destructors
// -------------------------------------------------------------------------------------

/**
 * `true` for `:normal`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.isNormal(Exit.shutdown) // false
 *
 * @category guards
 * @since 0.1.0
 */
export const isNormal = (r: Reason<unknown, unknown>): r is Normal =>
  typeof r === 'object' && r !== null && r._tag === 'Normal'

/**
 * `true` for a typed failure that is Elixir's `exit/1`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.isExiting(Exit.exiting(Exit.normal)) // true
 *
 * @category guards
 * @since 0.1.0
 */
export const isExiting = (u: unknown): u is Exiting =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'Exiting' && 'reason' in u

/**
 * The reason a process ends with when the typed failure `error` goes
 * uncaught: the failure of `Process.exit(reason)` ends it with `reason`
 * itself, any other with `Failure(error)`.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.reasonOf('boom') // { _tag: 'Failure', error: 'boom' }
 * Exit.reasonOf(Exit.exiting(Exit.shutdown)) // { _tag: 'Shutdown' }
 *
 * @category destructors
 * @since 0.1.0
 */
export const reasonOf = (error: unknown): Reason => (isExiting(error) ? error.reason : failure(error))

/**
 * Folds a reason, one case per tag.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * const ok = Exit.match({
 *   Normal: () => true, Shutdown: () => true, Kill: () => false, Killed: () => false, NoProc: () => false,
 *   Timeout: () => false, Failure: () => false, Defect: () => false, Custom: () => false, CallExit: () => false
 * })
 * ok(Exit.normal) // true
 *
 * @category destructors
 * @since 0.1.0
 */
export const match = <B>(cases: {
  readonly [K in Reason['_tag']]: (r: Extract<Reason, { _tag: K }>) => B
}): ((r: Reason) => B) => {
  const missing = [...TAGS].filter((tag) => !hasMethod(cases, tag))
  if (missing.length > 0)
    throw new TypeError(
      `Exit.match: expected a function per tag, missing ${missing.join(', ')}; got ${describe(cases)}`
    )
  return (r) => (cases[tagOf('Exit.match', r)] as (r: Reason) => B)(r)
}

/** The `_tag` of what should be a reason; a clear error naming `where` when it is not one. */
const tagOf = <T extends { readonly _tag: string }>(where: string, r: T): T['_tag'] => {
  const tag = typeof r === 'object' && r !== null ? (r as { _tag?: unknown })._tag : undefined
  if (typeof tag !== 'string' || !(TAGS.has(tag) || CAUSE_TAGS.has(tag)))
    throw new TypeError(`${where}: expected an exit reason, got ${describe(r)}`)
  return tag
}

const term = (u: unknown): string => {
  try {
    if (typeof u === 'string') return /^[a-z_][A-Za-z0-9_]*$/.test(u) ? `:${u}` : JSON.stringify(u)
    if (u instanceof Error) return `%${u.name}{message: ${JSON.stringify(u.message)}}`
    if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
      const proto: unknown = Object.getPrototypeOf(u)
      if (proto !== Object.prototype && proto !== null) return safeString(u)
    }
    return safeJson(u) ?? safeString(u)
  } catch {
    // a Proxy whose traps throw, an Error whose name getter throws: formatting never throws
    return safeString(u)
  }
}

/**
 * A one-line human form, close to how Elixir prints the reason. A `CallExit`
 * shows the call's arguments, so the request of a failed `GenServer.call` or
 * the element a `Task.asyncStream` timed out on can be read from it.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.format(Exit.shutdownWith('bye')) // '{:shutdown, :bye}'
 * Exit.format(Exit.callExit(Exit.timeout, 'GenServer.call', ['counter', 'count', 5000]))
 * // '{:timeout, {GenServer.call, [:counter, :count, 5000]}}'
 *
 * @category destructors
 * @since 0.1.0
 */
export const format = (r: Reason<unknown, unknown>): string => {
  tagOf('Exit.format', r)
  switch (r._tag) {
    case 'Normal':
      return 'value' in r ? `:normal (returned ${term(r.value)})` : ':normal'
    case 'Shutdown':
      return 'info' in r ? `{:shutdown, ${term(r.info)}}` : ':shutdown'
    case 'Kill':
      return ':kill'
    case 'Killed':
      return ':killed'
    case 'NoProc':
      return ':noproc'
    case 'Timeout':
      return ':timeout'
    case 'Failure':
      return `{:failure, ${term(r.error)}}`
    case 'Defect':
      return `{:defect, ${term(r.defect)}}`
    case 'Custom':
      return term(r.reason)
    case 'CallExit':
      return `{${format(r.reason)}, {${r.call}, [${r.args.map(term).join(', ')}]}}`
  }
}

/**
 * A short human form of a cause.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.formatCause({ _tag: 'Threw' }) // 'threw'
 *
 * @category destructors
 * @since 0.1.0
 */
export const formatCause = (c: Cause): string => {
  tagOf('Exit.formatCause', c)
  switch (c._tag) {
    case 'Returned':
      return 'returned'
    case 'Failed':
      return 'failed'
    case 'Threw':
      return 'threw'
    case 'Exited':
      return 'called exit/1'
    case 'Signal':
      return `exit signal sent by ${String(c.from)}`
    case 'Link':
      return `link from ${String(c.from)}`
    case 'Shutdown':
      return 'runtime shutdown'
  }
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

const CAUSE_TAGS: ReadonlySet<string> = new Set(['Returned', 'Failed', 'Threw', 'Exited', 'Signal', 'Link', 'Shutdown'])

const TAGS: ReadonlySet<string> = new Set([
  'Normal',
  'Shutdown',
  'Kill',
  'Killed',
  'NoProc',
  'Timeout',
  'Failure',
  'Defect',
  'Custom',
  'CallExit'
])

const isReason = (u: unknown): u is Reason => {
  if (typeof u !== 'object' || u === null) return false
  const tag = (u as { _tag?: unknown })._tag
  if (typeof tag !== 'string' || !TAGS.has(tag)) return false
  switch (tag) {
    case 'Failure':
      return 'error' in u
    case 'Defect':
      return 'defect' in u
    case 'Custom':
      return 'reason' in u
    case 'CallExit': {
      const c = u as { reason?: unknown; call?: unknown; args?: unknown }
      return isReason(c.reason) && typeof c.call === 'string' && Array.isArray(c.args)
    }
    default:
      return true
  }
}

/**
 * io-ts codec for exit reasons.
 *
 * @example
 * import { Exit } from 'fp-ts-actors'
 * Exit.reason.is(Exit.killed) // true
 *
 * @category codecs
 * @since 0.1.0
 */
export const reason: Type<Reason, Reason, unknown> = new t.Type<Reason, Reason, unknown>(
  'Reason',
  isReason,
  (u, c) => (isReason(u) ? t.success(u) : t.failure(u, c)),
  t.identity
)

/**
 * A runtime message's codec: `codec` (a `t.type`) with its `is` written out
 * field by field. Every `DOWN` and trapped `EXIT` a process takes is tested
 * with `is`, and `t.type`'s walks its fields through a generic loop (an
 * `UnknownRecord` test, a `hasOwnProperty` per field); this one gives the
 * same answers without it (`test/monitors.test.ts` checks them). Failures
 * still decode through `codec`, so their errors name the wrong field.
 */
const message = <A>(
  codec: t.Type<A, A, unknown>,
  fields: (m: Record<string, unknown>) => boolean
): Type<A, A, unknown> => {
  // what `t.type` asks of the value itself: an object, not an array
  const is = (u: unknown): u is A =>
    typeof u === 'object' && u !== null && fields(u as Record<string, unknown>) && !Array.isArray(u)
  return new t.Type<A, A, unknown>(codec.name, is, (u, c) => (is(u) ? t.success(u) : codec.validate(u, c)), t.identity)
}

/**
 * io-ts codec for the `EXIT` message a trapping process gets.
 *
 * @example
 * import { Exit, Process } from 'fp-ts-actors'
 * const onExit = Process.on(Exit.ExitSignal, (m) => Process.sleep(0))
 *
 * @category codecs
 * @since 0.1.0
 */
export const ExitSignal: Type<ExitSignal, ExitSignal, unknown> = message(
  t.type({ _tag: t.literal('EXIT'), from: pid, reason }, 'ExitSignal'),
  (m) => m['_tag'] === 'EXIT' && pid.is(m['from']) && reason.is(m['reason'])
)

/** What a DOWN names: a pid, or the registered name a monitor was set by (`is` allocates nothing, unlike `t.union`'s). */
const pidOrName: Type<Pid<unknown> | string, Pid<unknown> | string, unknown> = new t.Type<
  Pid<unknown> | string,
  Pid<unknown> | string,
  unknown
>(
  '(Pid | string)',
  (u): u is Pid<unknown> | string => typeof u === 'string' || pid.is(u),
  (u, c) => (typeof u === 'string' || pid.is(u) ? t.success(u) : t.failure(u, c)),
  t.identity
)

/**
 * io-ts codec for the `DOWN` message a monitoring process gets.
 *
 * @example
 * import { Exit, Process } from 'fp-ts-actors'
 * const onDown = Process.on(Exit.Down, (m) => Process.sleep(0))
 *
 * @category codecs
 * @since 0.1.0
 */
export const Down: Type<Down, Down, unknown> = message(
  t.type({ _tag: t.literal('DOWN'), ref, pid: pidOrName, reason }, 'Down'),
  (m) => m['_tag'] === 'DOWN' && ref.is(m['ref']) && pidOrName.is(m['pid']) && reason.is(m['reason'])
)

// -------------------------------------------------------------------------------------
// receive patterns
// -------------------------------------------------------------------------------------

/**
 * Receive pattern: the `DOWN` of one monitor and no other message (Erlang's
 * `{'DOWN', Ref, process, _, Reason}` with `Ref` bound), so a receive
 * waiting for it leaves every other message queued.
 *
 * @example
 * import { Effect, Exit, Process } from 'fp-ts-actors'
 * const waitForEnd = (pid: Process.Pid) =>
 *   Effect.flatMap(Process.monitor(pid), (ref) => Process.receive(Exit.downOf(ref)))
 *
 * @category receive patterns
 * @since 0.1.0
 */
export const downOf = (monitor: Ref): Type<Down, Down, unknown> =>
  guard('DOWN', (u): u is Down => Down.is(u) && u.ref === monitor)

/**
 * Receive pattern: the `EXIT` message of one linked process and no other
 * (Erlang's `{'EXIT', Pid, Reason}` with `Pid` bound), for a process that
 * traps exits.
 *
 * @example
 * import { Effect, Exit, Process } from 'fp-ts-actors'
 * const program = Effect.gen(function* () {
 *   yield* Process.trapExit(true)
 *   const child = yield* Process.spawnLink(Effect.fail('boom'))
 *   const m = yield* Process.receive(Exit.exitFrom(child))
 *   return Exit.format(m.reason) // '{:failure, :boom}'
 * })
 *
 * @category receive patterns
 * @since 0.1.0
 */
export const exitFrom = (from: Pid<unknown>): Type<ExitSignal, ExitSignal, unknown> =>
  guard('EXIT', (u): u is ExitSignal => ExitSignal.is(u) && u.from === from)
