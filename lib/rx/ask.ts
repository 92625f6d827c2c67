/**
 * Processes as request/reply steps of a pipeline: `ask`, and `reply`/`replyTo` for the process that answers.
 *
 * @since 0.1.0
 */
import type { Type } from 'io-ts'
import { Observable } from '../internal/rx.js'
import type { OperatorFunction, Subscription as RxSubscription } from 'rxjs'
import { fromOp, type Effect } from '../Effect.js'
import { checkDest, checkMs, checkObject, checkRef, describe } from '../internal/check.js'
import type { Fiber } from '../internal/fiber.js'
import * as op from '../internal/op.js'
import { Op } from '../internal/op.js'
import { RefImpl } from '../internal/pid.js'
import type { Ref } from '../Pid.js'
import { ref as refCodec } from '../Pid.js'
import type { Dest } from '../Process.js'
import { kernelOf, type Runtime } from '../Runtime.js'
import { AskFailed, AskTimeout, NotRegistered } from './errors.js'
import * as Ex from '../Exit.js'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import { EXITED } from '../internal/fiber.js'
import { PidImpl } from '../internal/pid.js'
import { checkCount, Queue } from './util.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

declare const ReplyToTypeId: unique symbol

/**
 * The answer type a request message `M` expects: `R` when `M` has a
 * `replyTo: ReplyTo<R>` field, else `unknown`. `ask` infers its output with it.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Rx } from 'fp-ts-actors'
 * const Job = t.type({ n: t.number, replyTo: Rx.replyTo<string>() })
 * type Answer = Rx.ReplyOf<t.TypeOf<typeof Job>> // string
 *
 * @category model
 * @since 0.1.0
 */
export type ReplyOf<M> = [AnswersOf<M>] extends [never] ? unknown : AnswersOf<M>
type AnswersOf<M> = M extends { readonly replyTo: ReplyTo<infer R> } ? R : never

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

// -------------------------------------------------------------------------------------
// operators
// -------------------------------------------------------------------------------------

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
 * - The destination is watched while requests wait, so the stream fails
 *   fast with `AskFailed` rather than a timeout: at once with `noproc` for a
 *   pid that is not alive, with the exit reason when the destination exits
 *   before answering, and with `{ rejected: report }` (the io-ts report) when
 *   its mailbox codec rejects the request (which is then a dead letter).
 *   A name that no process has registered errors the stream with `NotRegistered`.
 * - Typed by the destination: to a `Pid<M>` the request must be an `M`, and
 *   when `M` has a `replyTo: ReplyTo<R>` field the answer type `R` is
 *   inferred (`ReplyOf<M>`). To a name, annotate `replyTo: Rx.ReplyTo<R>`.
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
export const ask = <A, M, R = ReplyOf<M>>(
  rt: Runtime,
  dest: Dest<M>,
  request: (value: A, replyTo: ReplyTo<R>) => NoInfer<M>,
  options?: AskOptions
): OperatorFunction<A, R> => {
  const where = 'Rx.ask'
  const kernel = kernelOf(rt, 'Rx.ask')
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

      // the destination's process, watched while requests are out: its exit fails the oldest waiting one
      let watched: Fiber | undefined
      let unwatch: (() => void) | undefined
      const watch = (target: Fiber): void => {
        if (watched === target) return
        unwatch?.()
        watched = target
        unwatch = kernel.onExit(target.pid, (reason) => {
          watched = undefined
          unwatch = undefined
          for (const s of started.toArray()) if (!s.done) return fail(new AskFailed(s.value, dest, reason))
        })
      }

      const close = (): void => {
        if (closed) return
        closed = true
        unwatch?.()
        unwatch = undefined
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
        const target =
          dest instanceof PidImpl
            ? (dest._fiber as Fiber | undefined)
            : typeof dest === 'string'
              ? kernel.names.get(dest)
              : undefined
        if (target === undefined || target.status === EXITED) {
          if (kernel.send(undefined, dest, message) !== undefined)
            return fail(new NotRegistered(where, dest as string, value))
          if (dest instanceof PidImpl) fail(new AskFailed(value, dest, Ex.noproc))
          return
        }
        const codec = target.codec
        if (codec !== undefined) {
          const decoded = codec.decode(message)
          if (decoded._tag === 'Left') {
            const report = PathReporter.report(decoded)
            kernel.deadLetter({ to: dest, message, reason: 'rejected', report })
            return fail(new AskFailed(value, dest, Ex.custom({ rejected: report })))
          }
        }
        watch(target)
        kernel.send(undefined, dest, message)
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
