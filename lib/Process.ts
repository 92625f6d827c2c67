/**
 * The Elixir process primitives, as `Effect` values.
 *
 * ```ts
 * spawn, spawnLink, spawnMonitor, self, send, receive/on/after,
 * link, unlink, monitor, demonitor, exit, trapExit, isAlive,
 * register, unregister, whereis, makeRef, sleep
 * ```
 *
 * Each primitive is an instruction: building it runs nothing; the
 * interpreter running the process carries it out. A pid is typed by the
 * mailbox codec it was spawned with (`Pid<M>`), and `send` checks the message
 * type against it. Exit signals follow real Elixir exactly (see the README's
 * table): links are bidirectional and idempotent, monitors one-way and
 * stacking, `kill` is untrappable, a trapping process turns signals into
 * `EXIT` messages.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process, run } from 'fp-ts-actors'
 *
 * const echo = Process.receive(
 *   Process.on(t.type({ from: Process.pid, text: t.string }), (m) => Process.send(m.from, m.text))
 * )
 * const main = Effect.gen(function* () {
 *   const me = yield* Process.self
 *   const pid = yield* Process.spawn(echo)
 *   yield* Process.send(pid, { from: me, text: 'hello' })
 *   return yield* Process.receive(t.string)
 * })
 * await run(main) // { _tag: 'Normal', value: 'hello' }
 *
 * @since 0.1.0
 */
import type { Decoder } from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import { fail as fail_, fromOp, sleep as sleep_, type Effect } from './Effect.js'
import * as Ex from './Exit.js'
import type { Reason } from './Exit.js'
import type { Prim, Syscall } from './internal/fiber.js'
import type { BadArg, NoProcess } from './internal/errors.js'
import type { SpawnOpts } from './internal/host.js'
import * as op from './internal/op.js'
import { Op } from './internal/op.js'
import { PidImpl, RefImpl } from './internal/pid.js'
import * as P from './Pid.js'
import * as R from './Receive.js'
import {
  checkDest,
  checkMailbox,
  checkMs,
  checkName,
  checkObject,
  checkPid,
  checkProgram,
  checkRef,
  describe
} from './internal/check.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A process identity accepting messages of type `M`.
 *
 * @category model
 * @since 0.1.0
 */
export type Pid<M = unknown> = P.Pid<M>

/**
 * A unique reference.
 *
 * @category model
 * @since 0.1.0
 */
export type Ref = P.Ref

/**
 * Where a message can be sent: a pid, a registered name, or a reply alias
 * (a `Ref` made by `alias`).
 *
 * @category model
 * @since 0.1.0
 */
export type Dest<M = unknown> = P.Dest<M>

export type { BadArg, NoProcess } from './internal/errors.js'

/**
 * Options of `spawn`.
 *
 * @category model
 * @since 0.1.0
 */
export interface SpawnOptions<M = unknown> {
  /** io-ts codec for the mailbox: a message it rejects is not enqueued but dead-lettered with the io-ts report. */
  readonly mailbox?: Decoder<unknown, M>
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const prim = <A>(f: Prim, a?: unknown, b?: unknown): Effect<never, A> => fromOp(new Op(op.PRIM, f, a, b))
const syscall = <E, A>(f: Syscall, a?: unknown, b?: unknown): Effect<E, A> => fromOp(new Op(op.SYSCALL, f, a, b))

const spawnOpts = (
  where: string,
  options: SpawnOptions<unknown> | undefined,
  link: boolean,
  monitor: boolean
): SpawnOpts => {
  if (options === undefined) return link ? (monitor ? LINK_MONITOR : LINK) : monitor ? MONITOR : PLAIN
  checkObject(where, 'options', options)
  const mailbox = checkMailbox(where, options.mailbox)
  return mailbox === undefined ? { link, monitor } : { mailbox, link, monitor }
}

/** The options of a spawn given none, one object each (a spawn in a loop allocates none). */
const PLAIN: SpawnOpts = { link: false, monitor: false }
const LINK: SpawnOpts = { link: true, monitor: false }
const MONITOR: SpawnOpts = { link: false, monitor: true }
const LINK_MONITOR: SpawnOpts = { link: true, monitor: true }

/** `spawn`'s primitive (its program and options are the instruction's slots: no closure per spawn). */
const spawnPid: Prim = (f, program, opts) => f.host.spawn(f, program as Op, opts as SpawnOpts)[0]
/** `spawnMonitor`'s: the pid and the monitor's ref. */
const spawnAndMonitor: Prim = (f, program, opts) => f.host.spawn(f, program as Op, opts as SpawnOpts)

const UNIT = op.UNIT
const noProcess: (dest: Dest) => Op = op.noProcess

// -------------------------------------------------------------------------------------
// identity
// -------------------------------------------------------------------------------------

/**
 * The running process's own pid.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const whoAmI = Effect.map(Process.self, String)
 *
 * @category identity
 * @since 0.1.0
 */
export const self: Effect<never, Pid<unknown>> = prim((f) => f.pid)

/**
 * A fresh unique reference.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * const ref = Process.makeRef // Effect<never, Ref>
 *
 * @category identity
 * @since 0.1.0
 */
export const makeRef: Effect<never, Ref> = prim((f) => f.host.makeRef())

// -------------------------------------------------------------------------------------
// spawning
// -------------------------------------------------------------------------------------

/**
 * Starts `program` as a new process and succeeds with its pid. With a
 * `mailbox` codec the pid is typed by it, and messages the codec rejects
 * become dead letters.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 * const Msg = t.type({ _tag: t.literal('Hello') })
 * const p = Process.spawn(Process.receive(Msg), { mailbox: Msg }) // Effect<never, Pid<{ _tag: 'Hello' }>>
 *
 * @category spawning
 * @since 0.1.0
 */
export function spawn<E, A>(program: Effect<E, A>): Effect<never, Pid<unknown>>
export function spawn<E, A, M>(program: Effect<E, A>, options: SpawnOptions<M>): Effect<never, Pid<M>>
export function spawn<E, A, M>(program: Effect<E, A>, options?: SpawnOptions<M>): Effect<never, Pid<M>> {
  return spawnWith('Process.spawn', program, options, false)
}

/**
 * Like `spawn`, and links the new process to the caller, atomically.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const p = Process.spawnLink(Effect.fail('boom')) // the caller dies too, unless it traps exits
 *
 * @category spawning
 * @since 0.1.0
 */
export function spawnLink<E, A>(program: Effect<E, A>): Effect<never, Pid<unknown>>
export function spawnLink<E, A, M>(program: Effect<E, A>, options: SpawnOptions<M>): Effect<never, Pid<M>>
export function spawnLink<E, A, M>(program: Effect<E, A>, options?: SpawnOptions<M>): Effect<never, Pid<M>> {
  return spawnWith('Process.spawnLink', program, options, true)
}

const spawnWith = <E, A, M>(
  where: string,
  program: Effect<E, A>,
  options: SpawnOptions<M> | undefined,
  link: boolean
): Effect<never, Pid<M>> => {
  const o = spawnOpts(where, options, link, false)
  const p = checkProgram(where, program)
  return prim(spawnPid, p, o)
}

/**
 * Like `spawn`, and monitors the new process, atomically: succeeds with the
 * pid and the monitor's ref. With `{ link: true }` it also links it, in the
 * same step (Erlang's `spawn_opt(f, [link, monitor])`), so no exit can slip
 * between the spawn and the monitor.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const p = Process.spawnMonitor(Effect.unit) // then a DOWN with reason normal arrives
 * const q = Process.spawnMonitor(Effect.unit, { link: true })
 *
 * @category spawning
 * @since 0.1.0
 */
export function spawnMonitor<E, A>(program: Effect<E, A>): Effect<never, readonly [Pid<unknown>, Ref]>
export function spawnMonitor<E, A, M = unknown>(
  program: Effect<E, A>,
  options: SpawnOptions<M> & { readonly link?: boolean }
): Effect<never, readonly [Pid<M>, Ref]>
export function spawnMonitor<E, A, M>(
  program: Effect<E, A>,
  options?: SpawnOptions<M> & { readonly link?: boolean }
): Effect<never, readonly [Pid<M>, Ref]> {
  const o = spawnOpts('Process.spawnMonitor', options, options?.link === true, true)
  const p = checkProgram('Process.spawnMonitor', program)
  return prim(spawnAndMonitor, p, o)
}

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/**
 * Sends `message` to a pid or a registered name. Sending to a dead pid
 * succeeds (as in Elixir) and the message is a dead letter; sending to an
 * unregistered name fails with `NoProcess`. Messages from one sender to one
 * receiver arrive in the order sent.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const counter: Process.Pid<{ _tag: 'Inc' }>
 * const inc = Process.send(counter, { _tag: 'Inc' })
 *
 * @category messages
 * @since 0.1.0
 */
export const send = <M>(dest: Dest<M>, message: NoInfer<M>): Effect<NoProcess, void> => {
  checkDest('Process.send', dest)
  return fromOp(new Op(op.SEND, dest, message))
}

/**
 * Selective receive (see the `Receive` module).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process } from 'fp-ts-actors'
 * const next = Process.receive(t.number)
 *
 * @category messages
 * @since 0.1.0
 */
export const receive: typeof R.receive = R.receive

/**
 * A receive clause (see the `Receive` module).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process } from 'fp-ts-actors'
 * const clause = Process.on(t.number, (n) => Effect.succeed(n))
 *
 * @category messages
 * @since 0.1.0
 */
export const on: typeof R.on = R.on

/**
 * The timeout clause of a receive (see the `Receive` module).
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const clause = Process.after(100, () => Effect.succeed('timeout'))
 *
 * @category messages
 * @since 0.1.0
 */
export const after: typeof R.after = R.after

/**
 * Waits `ms` milliseconds; messages stay in the mailbox.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * const nap = Process.sleep(100)
 *
 * @category messages
 * @since 0.1.0
 */
export const sleep: (ms: number) => Effect<never, void> = sleep_

// -------------------------------------------------------------------------------------
// links and monitors
// -------------------------------------------------------------------------------------

/**
 * Links the caller and `pid` (idempotent; a link is a set, in both
 * directions). If `pid` is dead: a trapping caller succeeds and gets
 * `{ EXIT, pid, noproc }`; otherwise it fails with `NoProcess`.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const worker: Process.Pid
 * const l = Process.link(worker)
 *
 * @category links and monitors
 * @since 0.1.0
 */
export const link = (pid: Pid<unknown>): Effect<NoProcess, void> =>
  syscall(
    (f, p) => (f.host.link(f, p as PidImpl) === undefined ? UNIT : noProcess(p as Pid)),
    checkPid('Process.link', pid)
  )

/**
 * Removes the link between the caller and `pid`, if any.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const worker: Process.Pid
 * const u = Process.unlink(worker)
 *
 * @category links and monitors
 * @since 0.1.0
 */
export const unlink = (pid: Pid<unknown>): Effect<never, void> =>
  prim((f, p) => f.host.unlink(f, p as PidImpl), checkPid('Process.unlink', pid))

/**
 * Monitors a pid or a registered name; succeeds with the monitor's ref. When
 * the target ends, `{ DOWN, ref, pid, reason }` arrives; for a dead pid or an
 * unknown name it arrives at once with `noproc`. Monitors stack.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const worker: Process.Pid
 * const ref = Process.monitor(worker)
 *
 * @category links and monitors
 * @since 0.1.0
 */
export const monitor = (target: Pid<unknown> | string | P.NodeName): Effect<never, Ref> => {
  checkDest('Process.monitor', target, false)
  return prim((f, t) => f.host.monitor(f, t as PidImpl | string), target)
}

/**
 * Removes a monitor; succeeds with whether it was still active. With
 * `flush`, a `DOWN` of that ref already in the mailbox is removed too.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const ref: Process.Ref
 * const d = Process.demonitor(ref, { flush: true })
 *
 * @category links and monitors
 * @since 0.1.0
 */
export const demonitor = (ref: Ref, options?: { readonly flush?: boolean }): Effect<never, boolean> => {
  const flush = options?.flush === true
  return prim(
    (f, r) => {
      const active = f.host.demonitor(f, r as RefImpl)
      if (flush) f.removeFirst(Ex.downOf(r as Ref).is)
      return active
    },
    checkRef('Process.demonitor', ref)
  )
}

/**
 * Sends `message` to `dest` after `ms` milliseconds on the interpreter's
 * clock (Elixir's `Process.send_after/3`), and succeeds at once with a ref
 * that `cancelTimer` takes. A timer aimed at a pid is cancelled when that
 * process exits; one aimed at a name that is unregistered when it fires makes
 * the message a dead letter. The periodic-work idiom of GenServers:
 * `sendAfter(self, 'tick', 1000)` in `init` and in the `tick` handler.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const tickLater = Effect.flatMap(Process.self, (me) => Process.sendAfter(me, 'tick', 1000))
 *
 * @category messages
 * @since 0.1.0
 */
export const sendAfter = <M>(dest: Dest<M>, message: NoInfer<M>, ms: number): Effect<never, Ref> => {
  checkDest('Process.sendAfter', dest)
  checkMs('Process.sendAfter', ms)
  return prim((f, d, m) => f.host.sendAfter(f, d, m, ms), dest, message)
}

/**
 * Cancels a `sendAfter` timer; succeeds with the milliseconds that were left,
 * or `none` when it already fired or was cancelled (Elixir's
 * `Process.cancel_timer/1` answering `false`).
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const p = Effect.gen(function* () {
 *   const me = yield* Process.self
 *   const t = yield* Process.sendAfter(me, 'tick', 1000)
 *   return yield* Process.cancelTimer(t) // some(1000)
 * })
 *
 * @category messages
 * @since 0.1.0
 */
export const cancelTimer = (ref: Ref): Effect<never, Option<number>> => {
  return prim(
    (f, r) => O.fromNullable(f.host.cancelTimer(f, r as RefImpl)),
    checkRef('Process.cancelTimer', ref, 'a Ref from sendAfter')
  )
}

/**
 * Makes a reply alias: a `Ref` that others can `send` to, delivering into the
 * caller's mailbox, past its mailbox codec, while the alias is active
 * (Erlang's `alias/1`). With `oneShot` the first message through it
 * deactivates it (Erlang's `[reply]`). A message to an inactive alias is a
 * dead letter, never a late arrival in the mailbox: this is how a `call` that
 * timed out stays clean.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const p = Effect.gen(function* () {
 *   const replyTo = yield* Process.alias({ oneShot: true })
 *   yield* Process.send(replyTo, 'pong') // delivered; a second send would be a dead letter
 * })
 *
 * @category messages
 * @since 0.1.0
 */
export const alias = (options?: { readonly oneShot?: boolean }): Effect<never, Ref> => {
  const oneShot = options?.oneShot === true
  return prim((f) => f.host.alias(f, oneShot))
}

/**
 * Deactivates an alias made by the caller; succeeds with whether it was active.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const p = Effect.flatMap(Process.alias(), (a) => Process.unalias(a))
 *
 * @category messages
 * @since 0.1.0
 */
export const unalias = (ref: Ref): Effect<never, boolean> => {
  return prim((f, r) => f.host.unalias(f, r as RefImpl), checkRef('Process.unalias', ref))
}

// -------------------------------------------------------------------------------------
// exits
// -------------------------------------------------------------------------------------

/**
 * `exit(reason)`: Elixir's `exit/1`, raised in the caller's own code. It is
 * the typed failure `Exit.Exiting`, so `Effect.catchAll`/`either` can catch
 * it (as `catch :exit` does); uncaught, the process ends with `reason`.
 *
 * `exit(pid, reason)`: Elixir's `Process.exit/2`, an exit signal to `pid`
 * (the caller itself included): `kill` is untrappable (the target dies with
 * `killed`); `normal` is ignored by others unless they trap; any other reason
 * kills a non-trapping target and reaches a trapping one as an `EXIT` message.
 *
 * @example
 * import { Exit, Process } from 'fp-ts-actors'
 * declare const worker: Process.Pid
 * const stopMe = Process.exit(Exit.custom('boom'))
 * const stopIt = Process.exit(worker, Exit.kill)
 *
 * @category exits
 * @since 0.1.0
 */
export function exit(reason: Reason): Effect<Ex.Exiting, never>
export function exit(pid: Pid<unknown>, reason: Reason): Effect<never, void>
export function exit(a: Reason | Pid<unknown>, b?: Reason): Effect<Ex.Exiting, void> {
  if (a instanceof PidImpl) {
    if (!Ex.reason.is(b)) throw new TypeError(`Process.exit: expected an exit reason (see Exit), got ${describe(b)}`)
    return prim((f, p, r) => f.host.exitSignal(f, p as PidImpl, r as Reason), a, b)
  }
  if (!Ex.reason.is(a)) throw new TypeError(`Process.exit: expected an exit reason or a Pid, got ${describe(a)}`)
  return fail_(Ex.exiting(a))
}

/**
 * Sets whether the caller traps exits, succeeding with the previous value.
 * A trapping process gets exit signals as `{ EXIT, from, reason }` messages
 * (except an explicit `kill`).
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * const trap = Process.trapExit(true)
 *
 * @category exits
 * @since 0.1.0
 */
export const trapExit = (on: boolean): Effect<never, boolean> => {
  if (typeof on !== 'boolean') throw new TypeError(`Process.trapExit: expected a boolean, got ${describe(on)}`)
  return prim((f) => {
    const previous = f.trapExit
    f.trapExit = on
    return previous
  })
}

/**
 * Whether `pid` is alive (neither exiting nor exited).
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * declare const worker: Process.Pid
 * const alive = Process.isAlive(worker)
 *
 * @category exits
 * @since 0.1.0
 */
export const isAlive = (pid: Pid<unknown>): Effect<never, boolean> =>
  prim((f, p) => f.host.isAlive(p as PidImpl), checkPid('Process.isAlive', pid))

// -------------------------------------------------------------------------------------
// names
// -------------------------------------------------------------------------------------

const fromBadArg = (e: BadArg | undefined): Op => (e === undefined ? UNIT : new Op(op.FAIL, e))

/**
 * Registers `pid` under `name`. Fails with `BadArg` if the name is taken, the
 * pid is dead or already has a name. The name is freed when the process exits.
 *
 * @example
 * import { Effect, Process } from 'fp-ts-actors'
 * const named = Effect.flatMap(Process.self, (me) => Process.register('counter', me))
 *
 * @category names
 * @since 0.1.0
 */
export const register = (name: string, pid: Pid<unknown>): Effect<BadArg, void> => {
  checkName('Process.register', name)
  return syscall(
    (f, n, p) => fromBadArg(f.host.register(n as string, p as PidImpl)),
    name,
    checkPid('Process.register', pid)
  )
}

/**
 * Removes a registered name; fails with `BadArg` if it is not registered.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * const u = Process.unregister('counter')
 *
 * @category names
 * @since 0.1.0
 */
export const unregister = (name: string): Effect<BadArg, void> => {
  checkName('Process.unregister', name)
  return syscall((f, n) => fromBadArg(f.host.unregister(n as string)), name)
}

/**
 * The pid registered under `name`, if any.
 *
 * @example
 * import { Process } from 'fp-ts-actors'
 * const found = Process.whereis('counter') // Effect<never, Option<Pid>>
 *
 * @category names
 * @since 0.1.0
 */
export const whereis = (name: string): Effect<never, Option<Pid<unknown>>> => {
  checkName('Process.whereis', name)
  return prim((f, n) => O.fromNullable(f.host.whereis(n as string) as Pid<unknown> | undefined), name)
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * io-ts codec for pids (see `Pid.pid`).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process } from 'fp-ts-actors'
 * const Req = t.type({ replyTo: Process.pid })
 *
 * @category codecs
 * @since 0.1.0
 */
export const pid: typeof P.pid = P.pid

/**
 * io-ts codec for refs (see `Pid.ref`).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process } from 'fp-ts-actors'
 * const Reply = t.type({ ref: Process.ref })
 *
 * @category codecs
 * @since 0.1.0
 */
export const ref: typeof P.ref = P.ref
