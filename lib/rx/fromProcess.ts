/**
 * Processes as sources and sinks of Observables: `fromProcess` and `sendTo`.
 *
 * @since 0.1.0
 */
import type { Decoder } from 'io-ts'
import { Observable } from '../internal/rx.js'
import { fromOp, type Effect } from '../Effect.js'
import * as Ex from '../Exit.js'
import { checkDest, checkMailbox, checkObject, checkOptionName, describe } from '../internal/check.js'
import type { Fiber } from '../internal/fiber.js'
import * as op from '../internal/op.js'
import { Op } from '../internal/op.js'
import type { PidImpl } from '../internal/pid.js'
import { toPid } from '../Pid.js'
import type { Dest } from '../Process.js'
import { kernelOf, type Runtime } from '../Runtime.js'
import { NotRegistered } from './errors.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const fiberOf = (pid: PidImpl): Fiber | undefined => pid._fiber as Fiber | undefined

/** An instruction that runs `f` in the process (a primitive: a pending interruption is taken right after it). */
const prim = <A>(f: (fiber: Fiber) => A): Effect<never, A> => fromOp(new Op(op.PRIM, f))

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
  const kernel = kernelOf(rt, 'Rx.fromProcess')
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
 * `NotRegistered`.
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
  const kernel = kernelOf(rt, 'Rx.sendTo')
  checkDest('Rx.sendTo', dest)
  return <A extends M>(source: Observable<A>): Observable<A> =>
    new Observable<A>((subscriber) =>
      source.subscribe({
        next: (value) => {
          if (kernel.send(undefined, dest, value) !== undefined) {
            subscriber.error(new NotRegistered('Rx.sendTo', dest as string, value))
            return
          }
          subscriber.next(value)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete()
      })
    )
}
