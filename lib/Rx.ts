/**
 * The RxJS bridge: processes in pipelines, exits as streams, and why a
 * process died.
 *
 * ```ts
 * // observing a runtime (hot streams: what happens while subscribed)
 * rt.exits$         // every exit: { pid, reason, cause }
 * rt.events$        // spawn, exit, link, unlink, monitor, down, send, receive, dead letter, error
 * rt.deadLetters$   // every undelivered message: { to, message, reason, report? }
 * exits(rt, pid)    // the exit reason of one process, once, then complete
 * links$(rt, pid)   // its Link/Unlink events, the exits of linked processes, its own Exit
 * why(rt, pid)      // the causal chain of its death: [{ pid, reason, cause }, ...]; formatWhy(chain)
 *
 * // processes in pipelines
 * fromProcess(rt, (emit) => program)                 // Observable: subscribing spawns the process
 * source.pipe(sendTo(rt, dest))                      // send each value, pass it on
 * source.pipe(ask(rt, dest, (v, replyTo) => msg, { concurrency, timeout }))  // request/reply, in order
 *
 * // Observables inside a process
 * subscribe(observable, { bound, overflow })        // Next/Complete/Error messages to its own mailbox
 * ```
 *
 * The three runtime streams are plain fields of the runtime (`Runtime.make`):
 * they are hot, emit synchronously as things happen, and cost nothing while
 * nobody subscribes (`events$` turns tracing on only while observed). The
 * per-process streams here allocate nothing per process until someone
 * subscribes for that process: `exits` and `why` add one exit watcher for the
 * subscriber (removed on unsubscribe), `links$` observes `events$` while
 * subscribed.
 *
 * Values cross from RxJS into processes as ordinary messages (`sendTo`,
 * `ask`: sent from outside any process, through the target's mailbox codec;
 * a rejected one is a dead letter) and from processes into RxJS through
 * `emit` (`fromProcess`) or a reply (`ask`). Callbacks into RxJS run
 * synchronously, inside the runtime, when the process emits or replies.
 *
 * Marble tests: `TestRuntime.make({ seed, testScheduler })` puts the runtime
 * on an RxJS `TestScheduler`'s clock (one clock for both), so
 * `testScheduler.run(({ cold, expectObservable }) => ...)` exercises
 * processes that `sleep` or receive with `after`, in virtual time.
 *
 * @example
 * import { from, lastValueFrom, toArray } from 'rxjs'
 * import * as t from 'io-ts'
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 *
 * const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
 * const doubler: Effect.Effect<never, never> = Process.receive(
 *   Process.on(Req, (m) => Effect.flatMap(Rx.reply(m.replyTo, m.n * 2), () => doubler))
 * )
 * const rt = Runtime.make()
 * const server = rt.spawn(doubler)
 * const request = (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo })
 * const out = await lastValueFrom(from([1, 2, 3]).pipe(Rx.ask(rt, server, request, { concurrency: 2 }), toArray()))
 * // [2, 4, 6]
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import type { Decoder, Type } from 'io-ts'
import { isObservable, Observable } from 'rxjs'
import type { OperatorFunction, Subscription as RxSubscription } from 'rxjs'
import { fromOp, type Effect } from './Effect.js'
import * as Ex from './Exit.js'
import type { Cause, Reason } from './Exit.js'
import {
  checkDest,
  checkMailbox,
  checkMs,
  checkObject,
  checkOptionName,
  checkPid,
  checkRef,
  describe
} from './internal/check.js'
import { EXITED, type Fiber } from './internal/fiber.js'
import { Kernel } from './internal/kernel.js'
import * as op from './internal/op.js'
import { Op } from './internal/op.js'
import { PidImpl, RefImpl } from './internal/pid.js'
import type { Pid, Ref } from './Pid.js'
import { fromPid, ref as refCodec, toPid, toRef } from './Pid.js'
import type { Dest } from './Process.js'
import { kernelOf, type Event, type Runtime } from './Runtime.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A `Next` notification of `subscribe`, as the process receives it. `ref`
 * names the subscription (the `ref` of the `Subscription` handle).
 *
 * @category model
 * @since 0.1.0
 */
export interface NextMessage<A> {
  readonly _tag: 'Next'
  readonly value: A
  readonly ref: Ref
}

/**
 * The `Complete` notification of `subscribe`.
 *
 * @category model
 * @since 0.1.0
 */
export interface CompleteMessage {
  readonly _tag: 'Complete'
  readonly ref: Ref
}

/**
 * The `Error` notification of `subscribe`: the Observable failed with
 * `error`, or (overflow policy `fail`) an `Overflow`.
 *
 * @category model
 * @since 0.1.0
 */
export interface ErrorMessage {
  readonly _tag: 'Error'
  readonly error: unknown
  readonly ref: Ref
}

/**
 * What `subscribe` delivers to the process's mailbox.
 *
 * @category model
 * @since 0.1.0
 */
export type Notification<A> = NextMessage<A> | CompleteMessage | ErrorMessage

declare const ReplyToTypeId: unique symbol

/**
 * Where the answer to one `ask` request goes: a one-shot reply alias (a `Ref`
 * that `Process.send` accepts, decoded by `Pid.ref` or `replyTo()`), typed by
 * the answer `R`. The first message sent to it is the answer; later ones, or
 * one after the request timed out, are dead letters.
 *
 * @category model
 * @since 0.1.0
 */
export interface ReplyTo<in R> extends Ref {
  readonly [ReplyToTypeId]?: (reply: R) => void
}

/**
 * One step of a causal chain: a process, how it ended, and why.
 *
 * @category model
 * @since 0.1.0
 */
export interface Step {
  readonly pid: Pid<unknown>
  readonly reason: Reason
  readonly cause: Cause
}

/**
 * Why a process died: the first step is the process asked about; each `Link`
 * cause is followed to the linked process that died first, and the last step
 * is where the chain started (its own code, an exit signal, or a shutdown).
 *
 * @category model
 * @since 0.1.0
 */
export type Chain = ReadonlyArray<Step>

/**
 * What `links$` emits: the process's `Link`/`Unlink` events, the `Exit` of a
 * linked process (the exit signal it gets through the link), and its own
 * `Exit`, last.
 *
 * @category model
 * @since 0.1.0
 */
export type LinkEvent = Extract<Event, { readonly _tag: 'Link' | 'Unlink' | 'Exit' }>

/**
 * Options of `fromProcess`.
 *
 * @category model
 * @since 0.1.0
 */
export interface FromProcessOptions<M = unknown> {
  /** The mailbox codec of the process (as `Process.spawn`). */
  readonly mailbox?: Decoder<unknown, M>
  /** Registers the process under this name, atomically with the spawn; the subscription errors if the name is taken. */
  readonly name?: string
}

/**
 * Options of `ask`.
 *
 * @category model
 * @since 0.1.0
 */
export interface AskOptions {
  /** At most this many requests waiting for their answer (an integer >= 1, or Infinity). Default 1. */
  readonly concurrency?: number
  /**
   * Milliseconds (on the runtime's clock) an answer may take before the stream
   * errors with `AskTimeout`. Default 5000; Infinity: no limit.
   */
  readonly timeout?: number
}

/**
 * What `subscribe` does with a `Next` when `bound` notifications have not been
 * received by the process yet: `dropOldest` removes the oldest one from the
 * mailbox, `dropNewest` drops the new one, `fail` ends the subscription with
 * an `Error` notification carrying an `Overflow`. Every dropped notification
 * is a dead letter (reason `overflow`).
 *
 * @category model
 * @since 0.1.0
 */
export type OverflowPolicy = 'dropOldest' | 'dropNewest' | 'fail'

/**
 * Options of `subscribe`.
 *
 * @category model
 * @since 0.1.0
 */
export interface SubscribeOptions {
  /** At most this many `Next` notifications waiting in the mailbox (an integer >= 1, or Infinity). Default Infinity. */
  readonly bound?: number
  /** Default `fail`. */
  readonly overflow?: OverflowPolicy
}

/**
 * A subscription made by `subscribe`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Subscription {
  /** Carried by every notification of this subscription. */
  readonly ref: Ref
  /** Ends the subscription (no more notifications; those in the mailbox stay). */
  readonly unsubscribe: Effect<never, void>
}

// -------------------------------------------------------------------------------------
// errors
// -------------------------------------------------------------------------------------

const show = (u: unknown): string => {
  let s: string
  try {
    s = typeof u === 'string' ? JSON.stringify(u) : (JSON.stringify(u) ?? String(u))
  } catch {
    s = String(u)
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s
}

const showDest = (d: unknown): string => (typeof d === 'string' ? JSON.stringify(d) : String(d))

/**
 * `ask` got no answer in time: names the value whose request timed out.
 *
 * @example
 * import { Rx } from 'fp-ts-actors'
 * new Rx.AskTimeout(3, 100, 'pool').message
 * // 'Rx.ask: no reply within 100 ms to the request for 3 (sent to "pool")'
 *
 * @category errors
 * @since 0.1.0
 */
export class AskTimeout extends Error {
  readonly _tag = 'AskTimeout'
  constructor(
    readonly value: unknown,
    readonly timeout: number,
    readonly dest: Dest
  ) {
    super(`Rx.ask: no reply within ${timeout} ms to the request for ${show(value)} (sent to ${showDest(dest)})`)
    this.name = 'AskTimeout'
  }
}

/**
 * `sendTo` or `ask` to a name that no process has registered.
 *
 * @example
 * import { Rx } from 'fp-ts-actors'
 * new Rx.NoProcess('Rx.sendTo', 'sink', 1).message
 * // 'Rx.sendTo: no process is registered as "sink" (the value 1 was not sent)'
 *
 * @category errors
 * @since 0.1.0
 */
export class NoProcess extends Error {
  readonly _tag = 'NoProcess'
  constructor(
    readonly where: string,
    readonly dest: string,
    readonly value: unknown
  ) {
    super(`${where}: no process is registered as ${JSON.stringify(dest)} (the value ${show(value)} was not sent)`)
    this.name = 'NoProcess'
  }
}

/**
 * The error of the `Error` notification a bounded `subscribe` with overflow
 * policy `fail` delivers when a `Next` does not fit.
 *
 * @example
 * import { Effect, Process, Rx } from 'fp-ts-actors'
 * const onError = Process.on(Rx.Error, (n) => Effect.succeed(n.error instanceof Rx.Overflow ? 'too fast' : 'failed'))
 *
 * @category errors
 * @since 0.1.0
 */
export class Overflow extends Error {
  readonly _tag = 'Overflow'
  constructor(
    readonly bound: number,
    readonly pid: Pid<unknown>
  ) {
    super(
      `Rx.subscribe: ${String(pid)} has ${bound} notifications not received yet (bound ${bound}, overflow policy fail)`
    )
    this.name = 'Overflow'
  }
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

const checkCount = (where: string, name: string, u: unknown): void => {
  if (!(u === Infinity || (typeof u === 'number' && Number.isInteger(u) && u >= 1))) {
    throw new TypeError(`${where}: ${name} must be an integer >= 1 (or Infinity), got ${describe(u)}`)
  }
}

const fiberOf = (pid: PidImpl): Fiber | undefined => pid._fiber as Fiber | undefined

/** An instruction that runs `f` in the process (a primitive: a pending interruption is taken right after it). */
const prim = <A>(f: (fiber: Fiber) => A): Effect<never, A> => fromOp(new Op(op.PRIM, f))

/** A FIFO with a head index: O(1) shift, compacted as it drains. */
class Queue<T> {
  private items: Array<T | undefined> = []
  private head = 0
  get length(): number {
    return this.items.length - this.head
  }
  push(x: T): void {
    this.items.push(x)
  }
  peek(): T | undefined {
    return this.items[this.head]
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const x = this.items[this.head]
    this.items[this.head++] = undefined
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return x
  }
  clear(): Array<T> {
    const rest = this.items.slice(this.head) as Array<T>
    this.items = []
    this.head = 0
    return rest
  }
}

// -------------------------------------------------------------------------------------
// observing
// -------------------------------------------------------------------------------------

/**
 * The exit reason of `pid`: emitted once when it exits, then complete; at
 * once `noproc` if it is not alive. One exit watcher while subscribed,
 * removed on unsubscribe.
 *
 * @example
 * import { Effect, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.succeed(42))
 * Rx.exits(rt, pid).subscribe((r) => console.log(r)) // { _tag: 'Normal', value: 42 }
 *
 * @category observing
 * @since 0.1.0
 */
export const exits = (rt: Runtime, pid: Pid<unknown>): Observable<Reason> => {
  const kernel = kernelOf(rt)
  const p = checkPid('Rx.exits', pid)
  return new Observable<Reason>((subscriber) =>
    kernel.onExit(p, (reason) => {
      subscriber.next(reason)
      subscriber.complete()
    })
  )
}

/**
 * The link events of one process: `Link`/`Unlink` events involving it, the
 * `Exit` of each process linked to it when that one dies (the exit signal it
 * gets through the link: trapped, ignored if normal, or fatal), and its own `Exit` (with the
 * cause), after which it completes. For a process that has already exited:
 * its `Exit`, then complete. Observes `rt.events$` while subscribed.
 *
 * @example
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.flatMap(Process.spawnLink(Effect.die('boom')), () => Effect.never))
 * Rx.links$(rt, pid).subscribe((e) => console.log(e._tag)) // Link, Exit (the child's), Exit (its own)
 *
 * @category observing
 * @since 0.1.0
 */
export const links$ = (rt: Runtime, pid: Pid<unknown>): Observable<LinkEvent> => {
  const kernel = kernelOf(rt)
  const p = checkPid('Rx.links$', pid)
  const me = toPid(p)
  return new Observable<LinkEvent>((subscriber) => {
    const f = fiberOf(p)
    if (f === undefined) {
      const done = p._exit as { readonly reason: Reason; readonly cause: Cause } | undefined
      if (done !== undefined) subscriber.next({ _tag: 'Exit', pid: me, reason: done.reason, cause: done.cause })
      subscriber.complete()
      return undefined
    }
    const linked = new Set<Pid<unknown>>()
    for (const l of f.rel?.links ?? []) linked.add(toPid(l.pid))
    return kernel.events.subscribe((e) => {
      switch (e._tag) {
        case 'Link':
        case 'Unlink': {
          if (e.from !== me && e.to !== me) return
          const other = e.from === me ? e.to : e.from
          if (e._tag === 'Link') linked.add(other)
          else linked.delete(other)
          subscriber.next(e)
          return
        }
        case 'Exit':
          if (e.pid === me) {
            subscriber.next(e)
            subscriber.complete()
          } else if (linked.delete(e.pid)) subscriber.next(e)
          return
        default:
          return
      }
    })
  })
}

/**
 * The causal chain of an exited process, read from the exits the runtime
 * records (`undefined` if `pid` has not exited).
 */
const chainOf = (pid: PidImpl): Chain | undefined => {
  const steps: Array<Step> = []
  const seen = new Set<PidImpl>()
  for (let p: PidImpl | undefined = pid; p !== undefined && !seen.has(p);) {
    seen.add(p)
    const done = p._exit as { readonly reason: Reason; readonly cause: Cause } | undefined
    if (done === undefined) return steps.length === 0 ? undefined : steps
    steps.push({ pid: toPid(p), reason: done.reason, cause: done.cause })
    p = done.cause._tag === 'Link' ? fromPid(done.cause.from) : undefined
  }
  return steps
}

/**
 * Why `pid` died: emits its causal chain once, when it has exited (at once if
 * it already has), then completes. Each `Link` cause is followed to the
 * linked process that died first; a `Signal` cause names the sender (who is
 * usually alive: the chain stops there). Errors if the runtime has no record
 * of the exit (a pid of another runtime).
 *
 * @example
 * import { Effect, Exit, Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const pid = rt.spawn(Effect.flatMap(Process.spawnLink(Process.exit(Exit.custom('boom'))), () => Effect.never))
 * Rx.why(rt, pid).subscribe((chain) => console.log(Rx.formatWhy(chain)))
 * // '#PID<0.1.0> died (:boom): link from #PID<0.2.0>, which died (:boom): it called exit(:boom)'
 *
 * @category observing
 * @since 0.1.0
 */
export const why = (rt: Runtime, pid: Pid<unknown>): Observable<Chain> => {
  const kernel = kernelOf(rt)
  const p = checkPid('Rx.why', pid)
  return new Observable<Chain>((subscriber) =>
    kernel.onExit(p, () => {
      const chain = chainOf(p)
      if (chain === undefined) {
        subscriber.error(
          new Error(`Rx.why: ${String(p)} has no recorded exit in this runtime (a pid of another runtime?)`)
        )
        return
      }
      subscriber.next(chain)
      subscriber.complete()
    })
  )
}

const how = (s: Step, who: (p: Pid<unknown>) => string): string => {
  const r = Ex.format(s.reason)
  switch (s.cause._tag) {
    case 'Returned':
      return `ended normally (${r})`
    case 'Failed':
      return `died (${r}): its program failed`
    case 'Threw':
      return `died (${r}): it threw`
    case 'Exited':
      return `died (${r}): it called exit(${r})`
    case 'Signal': {
      const signal = s.reason._tag === 'Killed' ? ':kill' : r
      const from = s.cause.from === s.pid ? 'itself' : who(s.cause.from)
      return `died (${r}): exit(${who(s.pid)}, ${signal}) sent by ${from}`
    }
    case 'Link':
      return `died (${r}): link from ${who(s.cause.from)}`
    case 'Shutdown':
      return `died (${r}): the runtime shut down`
  }
}

/**
 * A causal chain as one readable line: the process, how it died, and for a
 * death by link, `which died ...` for the linked process, back to where it
 * started. `name` can give pids readable names.
 *
 * @example
 * import { Pid, Rx } from 'fp-ts-actors'
 * declare const chain: Rx.Chain
 * declare const names: Map<Pid.Pid, string>
 * Rx.formatWhy(chain, { name: (pid) => names.get(pid) })
 * // 'C died (:boom): link from B, which died (:boom): exit(B, :boom) sent by A'
 *
 * @category observing
 * @since 0.1.0
 */
export const formatWhy = (
  chain: Chain,
  options?: { readonly name?: (pid: Pid<unknown>) => string | undefined }
): string => {
  const who = (p: Pid<unknown>): string => options?.name?.(p) ?? String(p)
  return chain.map((s, i) => (i === 0 ? `${who(s.pid)} ${how(s, who)}` : `which ${how(s, who)}`)).join(', ')
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An Observable whose subscription spawns a process running `body(emit)`:
 * `emit(v)` pushes `v` to the subscriber (an Effect; no backpressure, as any
 * Observable). A normal exit completes; any other exit errors with the exit
 * reason (an `Exit.Reason`). Each subscription spawns its own process.
 *
 * Unsubscribing ends the process with `shutdown` and its finalizers run. It
 * is untrappable here: a process that traps exits ends too (the consumer is
 * gone; as `rt.shutdown()` does); the exit's cause is an exit signal with no
 * sender process (recorded as sent by the process itself).
 *
 * @example
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const ticks = Rx.fromProcess<number, never, void>(rt, (emit) =>
 *   Effect.gen(function* () {
 *     for (let i = 1; i <= 3; i++) {
 *       yield* emit(i)
 *       yield* Process.sleep(10)
 *     }
 *   })
 * )
 * ticks.subscribe((n) => console.log(n)) // 1, 2, 3, then complete
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromProcess = <A, E = unknown, X = unknown, M = unknown>(
  rt: Runtime,
  body: (emit: (value: A) => Effect<never, void>) => Effect<E, X>,
  options?: FromProcessOptions<M>
): Observable<A> => {
  const where = 'Rx.fromProcess'
  const kernel = kernelOf(rt)
  if (typeof body !== 'function') {
    throw new TypeError(`${where}: expected a function (emit) => Effect, got ${describe(body)}`)
  }
  checkObject(where, 'options', options)
  const mailbox = checkMailbox(where, options?.mailbox)
  const name = options?.name
  if (name !== undefined) checkOptionName(where, name)
  return new Observable<A>((subscriber) => {
    const emit = (value: A): Effect<never, void> =>
      prim(() => {
        if (!subscriber.closed) subscriber.next(value)
      })
    let program: unknown
    try {
      program = body(emit)
    } catch (e) {
      subscriber.error(e)
      return undefined
    }
    if (!(program instanceof Op)) {
      subscriber.error(new TypeError(`${where}: the body must return an Effect, got ${describe(program)}`))
      return undefined
    }
    if (name !== undefined && kernel.names.has(name)) {
      subscriber.error(
        new Error(`${where}: the name ${JSON.stringify(name)} is already registered to ${String(kernel.whereis(name))}`)
      )
      return undefined
    }
    const opts = { ...(mailbox === undefined ? {} : { mailbox }), ...(name === undefined ? {} : { name }) }
    const [pid] = kernel.spawn(undefined, program, opts)
    const off = kernel.onExit(pid, (reason) => {
      if (reason._tag === 'Normal') subscriber.complete()
      else subscriber.error(reason)
    })
    return () => {
      off()
      const f = fiberOf(pid)
      if (f !== undefined && f.alive) f.interrupt(Ex.shutdown, { _tag: 'Signal', from: toPid(pid) })
    }
  })
}

// -------------------------------------------------------------------------------------
// operators
// -------------------------------------------------------------------------------------

/**
 * Sends each value to `dest` (a pid, a registered name or an alias), from
 * outside any process, and passes it on. A value the target's mailbox codec
 * rejects, or one sent to a dead pid, is a dead letter and the pipeline goes
 * on; a name that no process has registered errors the stream with
 * `NoProcess`.
 *
 * @example
 * import { from } from 'rxjs'
 * import * as t from 'io-ts'
 * import { Process, Runtime, Rx } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * const sink = rt.spawn(Process.receive(t.number), { mailbox: t.number })
 * from([1, 2, 3]).pipe(Rx.sendTo(rt, sink)).subscribe()
 *
 * @category operators
 * @since 0.1.0
 */
export const sendTo = <M>(rt: Runtime, dest: Dest<M>): (<A extends M>(source: Observable<A>) => Observable<A>) => {
  const kernel = kernelOf(rt)
  checkDest('Rx.sendTo', dest)
  return <A extends M>(source: Observable<A>): Observable<A> =>
    new Observable<A>((subscriber) =>
      source.subscribe({
        next: (value) => {
          if (kernel.send(undefined, dest, value) !== undefined) {
            subscriber.error(new NoProcess('Rx.sendTo', dest as string, value))
            return
          }
          subscriber.next(value)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete()
      })
    )
}

interface Slot<A, R> {
  readonly value: A
  ref: RefImpl | undefined
  timer: unknown
  done: boolean
  result: R | undefined
}

/**
 * Request/reply per value: for each value, sends `request(value, replyTo)` to
 * `dest` and emits the answer: the first message a process sends to
 * `replyTo` (a one-shot reply alias made for that request; no process is
 * spawned for it).
 *
 * - At most `concurrency` requests wait for their answer (default 1); later
 *   values wait in a buffer, in order, as in `mergeMap(f, concurrency)`.
 * - Answers are emitted in the order of the input values (an answer that
 *   comes early waits for those before it).
 * - A request not answered within `timeout` ms of the runtime's clock
 *   (default 5000) errors the stream with `AskTimeout`, naming the value; the
 *   other requests' aliases are deactivated, so late answers are dead letters.
 * - A request the target's codec rejects is a dead letter: it times out.
 *   A name that no process has registered errors the stream with `NoProcess`.
 * - The stream completes when the source has completed and every answer is out.
 *
 * `replyTo` is a `ReplyTo<R>` (a typed alias `Ref`), not a `Pid`: one pid per
 * request would need a process per request, and one pid for all could not
 * tell concurrent answers apart. `Process.send(replyTo, answer)` or
 * `Rx.reply(replyTo, answer)` answers; `Pid.ref` or `Rx.replyTo<R>()` decodes it.
 *
 * @example
 * import { from } from 'rxjs'
 * import * as t from 'io-ts'
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 * const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
 * const server: Effect.Effect<never, never> = Process.receive(
 *   Process.on(Req, (m) => Effect.flatMap(Rx.reply(m.replyTo, m.n + 1), () => server))
 * )
 * const rt = Runtime.make()
 * const pid = rt.spawn(server)
 * const request = (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo })
 * from([1, 2, 3])
 *   .pipe(Rx.ask(rt, pid, request, { concurrency: 3, timeout: 1000 }))
 *   .subscribe((x) => console.log(x)) // 2, 3, 4
 *
 * @category operators
 * @since 0.1.0
 */
export const ask = <A, R>(
  rt: Runtime,
  dest: Dest,
  request: (value: A, replyTo: ReplyTo<R>) => unknown,
  options?: AskOptions
): OperatorFunction<A, R> => {
  const where = 'Rx.ask'
  const kernel = kernelOf(rt)
  checkDest(where, dest)
  if (typeof request !== 'function') {
    throw new TypeError(`${where}: expected a function (value, replyTo) => message, got ${describe(request)}`)
  }
  checkObject(where, 'options', options)
  const concurrency = options?.concurrency ?? 1
  checkCount(where, 'options.concurrency', concurrency)
  const timeout = options?.timeout ?? 5000
  checkMs(`${where}: options.timeout`, timeout)
  return (source) =>
    new Observable<R>((subscriber) => {
      const started = new Queue<Slot<A, R>>()
      const waiting = new Queue<A>()
      let outstanding = 0
      let sourceDone = false
      let closed = false

      const close = (): void => {
        if (closed) return
        closed = true
        for (const s of started.clear()) {
          if (s.ref !== undefined) kernel.unaliasOutside(s.ref)
          if (s.timer !== undefined) kernel.clock.clearTimer(s.timer)
        }
        waiting.clear()
      }
      const fail = (e: unknown): void => {
        if (closed) return
        close()
        subscriber.error(e)
      }
      const pump = (): void => {
        for (;;) {
          const head = started.peek()
          if (head === undefined || !head.done) break
          started.shift()
          subscriber.next(head.result as R)
          if (closed) return
        }
        while (outstanding < concurrency && waiting.length > 0) {
          start(waiting.shift() as A)
          if (closed) return
        }
        if (sourceDone && started.length === 0 && waiting.length === 0) {
          close()
          subscriber.complete()
        }
      }
      const start = (value: A): void => {
        const slot: Slot<A, R> = { value, ref: undefined, timer: undefined, done: false, result: undefined }
        started.push(slot)
        outstanding++
        const ref = kernel.aliasOutside((reply) => {
          if (closed || slot.done) return
          slot.done = true
          slot.result = reply as R
          slot.ref = undefined
          outstanding--
          if (slot.timer !== undefined) {
            kernel.clock.clearTimer(slot.timer)
            slot.timer = undefined
          }
          pump()
        })
        slot.ref = ref
        let message: unknown
        try {
          message = request(value, ref as unknown as ReplyTo<R>)
        } catch (e) {
          fail(e)
          return
        }
        if (timeout !== Infinity) {
          slot.timer = kernel.clock.setTimer(timeout, () => {
            slot.timer = undefined
            if (!slot.done) fail(new AskTimeout(value, timeout, dest))
          })
        }
        if (kernel.send(undefined, dest, message) !== undefined) fail(new NoProcess(where, dest as string, value))
      }

      const sub: RxSubscription = source.subscribe({
        next: (value) => {
          if (closed) return
          if (outstanding < concurrency && waiting.length === 0) start(value)
          else waiting.push(value)
        },
        error: (e: unknown) => fail(e),
        complete: () => {
          sourceDone = true
          if (!closed) pump()
        }
      })
      return () => {
        close()
        sub.unsubscribe()
      }
    })
}

// -------------------------------------------------------------------------------------
// inside a process
// -------------------------------------------------------------------------------------

/**
 * Answers an `ask` request: `Process.send(replyTo, answer)`, typed by the
 * answer the asker expects.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process, Rx } from 'fp-ts-actors'
 * const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
 * const once = Process.receive(Process.on(Req, (m) => Rx.reply(m.replyTo, m.n * 2)))
 *
 * @category inside a process
 * @since 0.1.0
 */
export const reply = <R>(replyTo: ReplyTo<R>, answer: NoInfer<R>): Effect<never, void> => {
  return fromOp(new Op(op.PRIM, sendReply, checkRef('Rx.reply', replyTo, 'the replyTo Ref of an ask'), answer))
}

/** `Process.send` to an alias (which never fails), without the typed-failure plumbing. */
const sendReply = (f: Fiber, to: unknown, answer: unknown): void => void f.host.send(f, to, answer)

/**
 * Subscribes the calling process to `observable`: each notification arrives
 * in its own mailbox as a message, `{ _tag: 'Next', value, ref }`,
 * `{ _tag: 'Complete', ref }` or `{ _tag: 'Error', error, ref }` (receive
 * them with `notification(codec)`, `Next(codec)`, `Complete`, `Error`). They
 * come through a reply alias of the process, past its mailbox codec. The
 * subscription ends when the process exits (an exit watcher), when the
 * Observable ends, or with the handle's `unsubscribe`.
 *
 * With `bound`, at most `bound` `Next` notifications wait in the mailbox (not
 * yet received); one more is handled by the `overflow` policy: `dropOldest`
 * (the oldest waiting one is taken out of the mailbox), `dropNewest` (the new
 * one is not delivered), or `fail` (the default: the new one is not
 * delivered, the subscription ends, and an `Error` notification carrying an
 * `Overflow` is delivered: the process decides what to do). Dropped
 * notifications are dead letters with reason `overflow`. `Complete` and
 * `Error` are never dropped and do not count.
 *
 * @example
 * import * as t from 'io-ts'
 * import { interval, take } from 'rxjs'
 * import { Effect, Process, Rx } from 'fp-ts-actors'
 * const firstThree = Effect.gen(function* () {
 *   yield* Rx.subscribe(interval(10).pipe(take(3)), { bound: 10, overflow: 'dropOldest' })
 *   const got: Array<number> = []
 *   for (;;) {
 *     const n = yield* Process.receive(Rx.notification(t.number))
 *     if (n._tag !== 'Next') return got // [0, 1, 2]
 *     got.push(n.value)
 *   }
 * })
 *
 * @category inside a process
 * @since 0.1.0
 */
export const subscribe = <A>(observable: Observable<A>, options?: SubscribeOptions): Effect<never, Subscription> => {
  const where = 'Rx.subscribe'
  if (!isObservable(observable)) throw new TypeError(`${where}: expected an Observable, got ${describe(observable)}`)
  checkObject(where, 'options', options)
  const bound = options?.bound ?? Infinity
  checkCount(where, 'options.bound', bound)
  const overflow = options?.overflow ?? 'fail'
  if (overflow !== 'dropOldest' && overflow !== 'dropNewest' && overflow !== 'fail') {
    throw new TypeError(
      `${where}: options.overflow must be 'dropOldest', 'dropNewest' or 'fail', got ${describe(overflow)}`
    )
  }
  return prim((f) => {
    const host = f.host
    const kernel = host instanceof Kernel ? host : undefined
    const alias = host.alias(f, false)
    const ref = toRef(alias)
    const self = toPid(f.pid)
    /** `Next` notifications delivered and maybe not received yet, oldest first (only with a bound). */
    const pending: Array<NextMessage<A>> = []
    const inMailbox = new Set<unknown>()
    let closed = false
    let sub: RxSubscription | undefined
    let offExit: () => void = () => {}

    const end = (): void => {
      if (closed) return
      closed = true
      offExit()
      host.unalias(f, alias)
      pending.length = 0
      inMailbox.clear()
      if (sub !== undefined) sub.unsubscribe()
    }
    const post = (n: Notification<A>): void => {
      if (kernel !== undefined) kernel.send(undefined, alias, n)
      else if (f.status === EXITED) end()
      else f.deliver(n)
    }
    const drop = (n: Notification<A>): void => {
      if (kernel !== undefined) kernel.deadLetter({ to: self, message: n, reason: 'overflow' })
      else host.report(f, { _tag: 'DeadLetter', to: self, message: n, reason: 'overflow' }, where)
    }
    /** How many delivered `Next`s are still in the mailbox: those before the first one found there were received. */
    const stillWaiting = (): number => {
      const first = f.findFirst((m) => inMailbox.has(m))
      if (first === undefined) {
        pending.length = 0
        inMailbox.clear()
        return 0
      }
      let i = 0
      while (pending[i] !== first) inMailbox.delete(pending[i++])
      if (i > 0) pending.splice(0, i)
      return pending.length
    }

    const next = (value: A): void => {
      if (closed) return
      const n: NextMessage<A> = { _tag: 'Next', value, ref }
      if (bound !== Infinity) {
        if (pending.length >= bound && stillWaiting() >= bound) {
          if (overflow === 'dropNewest') return drop(n)
          if (overflow === 'fail') {
            drop(n)
            post({ _tag: 'Error', error: new Overflow(bound, self), ref })
            return end()
          }
          const old = pending.shift() as NextMessage<A>
          inMailbox.delete(old)
          f.removeFirst((m) => m === old)
          drop(old)
        }
        pending.push(n)
        inMailbox.add(n)
      }
      post(n)
    }

    if (kernel !== undefined) offExit = kernel.onExit(f.pid, end)
    sub = observable.subscribe({
      next,
      error: (error: unknown) => {
        if (closed) return
        post({ _tag: 'Error', error, ref })
        end()
      },
      complete: () => {
        if (closed) return
        post({ _tag: 'Complete', ref })
        end()
      }
    })
    if (closed) sub.unsubscribe()
    const handle: Subscription = { ref, unsubscribe: prim(end) }
    return handle
  })
}

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * io-ts codec for the `replyTo` of an `ask` request, typed by the answer.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Rx } from 'fp-ts-actors'
 * const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
 *
 * @category codecs
 * @since 0.1.0
 */
export const replyTo = <R>(): Type<ReplyTo<R>, ReplyTo<R>, unknown> =>
  refCodec as unknown as Type<ReplyTo<R>, ReplyTo<R>, unknown>

/**
 * io-ts codec for the `Next` notifications of `subscribe` whose value `codec` decodes.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process, Rx } from 'fp-ts-actors'
 * const nextNumber = Process.receive(Rx.Next(t.number)) // Effect<never, Rx.NextMessage<number>>
 *
 * @category codecs
 * @since 0.1.0
 */
export const Next = <A, O>(codec: Type<A, O, unknown>): Type<NextMessage<A>, NextMessage<O>, unknown> =>
  t.type({ _tag: t.literal('Next'), value: codec, ref: refCodec }, `Next<${codec.name}>`)

/**
 * io-ts codec for the `Complete` notification of `subscribe`.
 *
 * @example
 * import { Process, Rx } from 'fp-ts-actors'
 * const done = Process.receive(Rx.Complete)
 *
 * @category codecs
 * @since 0.1.0
 */
export const Complete: Type<CompleteMessage, CompleteMessage, unknown> = t.type(
  { _tag: t.literal('Complete'), ref: refCodec },
  'Complete'
)

const ErrorNotification: Type<ErrorMessage, ErrorMessage, unknown> = t.type(
  { _tag: t.literal('Error'), error: t.unknown, ref: refCodec },
  'Error'
)

export {
  /**
   * io-ts codec for the `Error` notification of `subscribe`.
   *
   * @example
   * import { Process, Rx } from 'fp-ts-actors'
   * const failed = Process.receive(Rx.Error)
   *
   * @category codecs
   * @since 0.1.0
   */
  ErrorNotification as Error
}

/**
 * io-ts codec for every notification of `subscribe`: `Next` (value decoded by
 * `codec`), `Complete` or `Error`.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process, Rx } from 'fp-ts-actors'
 * const any = Process.receive(Rx.notification(t.string)) // Effect<never, Rx.Notification<string>>
 *
 * @category codecs
 * @since 0.1.0
 */
export const notification = <A, O>(
  codec: Type<A, O, unknown>
): Type<Notification<A>, NextMessage<O> | CompleteMessage | ErrorMessage, unknown> =>
  t.union([Next(codec), Complete, ErrorNotification], `Notification<${codec.name}>`)
