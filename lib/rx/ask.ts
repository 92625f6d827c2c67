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
import { AskTimeout, NotRegistered } from './errors.js'
import { checkCount, Queue } from './util.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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
 * - A request the target's codec rejects is a dead letter: it times out.
 *   A name that no process has registered errors the stream with `NotRegistered`.
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
        if (kernel.send(undefined, dest, message) !== undefined) fail(new NotRegistered(where, dest as string, value))
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
