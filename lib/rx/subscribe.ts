/**
 * Observables inside a process: `subscribe` delivers their notifications as messages.
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import type { Type } from 'io-ts'
import { isObservable, type Observable } from '../internal/rx.js'
import type { Subscription as RxSubscription } from 'rxjs'
import { fromOp, type Effect } from '../Effect.js'
import { checkObject, describe, hasMethod } from '../internal/check.js'
import type { Fiber } from '../internal/fiber.js'
import * as op from '../internal/op.js'
import { Op } from '../internal/op.js'
import { ref as refCodec, toPid, toRef, type Ref } from '../Pid.js'
import { Overflow } from './errors.js'
import { checkCount } from './util.js'

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
export interface NextNotification<A> {
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
export interface CompleteNotification {
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
export interface ErrorNotification {
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
export type Notification<A> = NextNotification<A> | CompleteNotification | ErrorNotification

declare const ReplyToTypeId: unique symbol

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
// inside a process
// -------------------------------------------------------------------------------------

/** An instruction that runs `f` in the process (a primitive: a pending interruption is taken right after it). */
const prim = <A>(f: (fiber: Fiber) => A): Effect<never, A> => fromOp(new Op(op.PRIM, f))

/**
 * Subscribes the calling process to `observable`: each notification arrives
 * in its own mailbox as a message, `{ _tag: 'Next', value, ref }`,
 * `{ _tag: 'Complete', ref }` or `{ _tag: 'Error', error, ref }` (receive
 * them with `Notification(codec)`, `NextNotification(codec)`, `CompleteNotification`, `ErrorNotification`). They
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
 *     const n = yield* Process.receive(Rx.Notification(t.number))
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
    const alias = host.alias(f, false)
    const ref = toRef(alias)
    const self = toPid(f.pid)
    /** `Next` notifications delivered and maybe not received yet, oldest first (only with a bound). */
    const pending: Array<NextNotification<A>> = []
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
      host.post(f, alias, n)
    }
    const drop = (n: Notification<A>): void => {
      host.deadLetter({ to: self, message: n, reason: 'overflow' })
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
      const n: NextNotification<A> = { _tag: 'Next', value, ref }
      if (bound !== Infinity) {
        if (pending.length >= bound && stillWaiting() >= bound) {
          if (overflow === 'dropNewest') return drop(n)
          if (overflow === 'fail') {
            drop(n)
            post({ _tag: 'Error', error: new Overflow(bound, self), ref })
            return end()
          }
          const old = pending.shift() as NextNotification<A>
          inMailbox.delete(old)
          f.removeFirst((m) => m === old)
          drop(old)
        }
        pending.push(n)
        inMailbox.add(n)
      }
      post(n)
    }

    offExit = host.onExit(f.pid, end)
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
 * io-ts codec for the `Next` notifications of `subscribe` whose value `codec` decodes.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process, Rx } from 'fp-ts-actors'
 * const nextNumber = Process.receive(Rx.NextNotification(t.number)) // Effect<never, Rx.NextNotification<number>>
 *
 * @category codecs
 * @since 0.1.0
 */
export const NextNotification = <A, O>(
  codec: Type<A, O, unknown>
): Type<NextNotification<A>, NextNotification<O>, unknown> =>
  t.type(
    checkCodec('Rx.NextNotification', codec) && { _tag: t.literal('Next'), value: codec, ref: refCodec },
    `NextNotification<${codec.name}>`
  )

/** `true` for an io-ts codec (with `decode` and `is`); a clear error naming `where` otherwise. */
const checkCodec = (where: string, codec: unknown): true => {
  if (!hasMethod(codec, 'decode') || !hasMethod(codec, 'is'))
    throw new TypeError(`${where}: expected an io-ts codec, got ${describe(codec)}`)
  return true
}

/**
 * io-ts codec for the `Complete` notification of `subscribe`.
 *
 * @example
 * import { Process, Rx } from 'fp-ts-actors'
 * const done = Process.receive(Rx.CompleteNotification)
 *
 * @category codecs
 * @since 0.1.0
 */
export const CompleteNotification: Type<CompleteNotification, CompleteNotification, unknown> = t.type(
  { _tag: t.literal('Complete'), ref: refCodec },
  'CompleteNotification'
)

/**
 * io-ts codec for the `Error` notification of `subscribe`.
 *
 * @example
 * import { Process, Rx } from 'fp-ts-actors'
 * const failed = Process.receive(Rx.ErrorNotification)
 *
 * @category codecs
 * @since 0.1.0
 */
export const ErrorNotification: Type<ErrorNotification, ErrorNotification, unknown> = t.type(
  { _tag: t.literal('Error'), error: t.unknown, ref: refCodec },
  'ErrorNotification'
)

/**
 * io-ts codec for every notification of `subscribe`: `Next` (value decoded by
 * `codec`), `Complete` or `Error`.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Process, Rx } from 'fp-ts-actors'
 * const any = Process.receive(Rx.Notification(t.string)) // Effect<never, Rx.Notification<string>>
 *
 * @category codecs
 * @since 0.1.0
 */
export const Notification = <A, O>(
  codec: Type<A, O, unknown>
): Type<Notification<A>, NextNotification<O> | CompleteNotification | ErrorNotification, unknown> =>
  t.union(
    checkCodec('Rx.Notification', codec) && [NextNotification(codec), CompleteNotification, ErrorNotification],
    `Notification<${codec.name}>`
  )
