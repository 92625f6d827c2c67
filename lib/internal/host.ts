/**
 * What a fiber needs from the interpreter that runs it. The production
 * kernel, the deterministic test runtime and the scheduler-free TestKit each
 * implement it; the process primitives (`Process.send`, `spawn`, `link`, ...)
 * call it, so one program runs unchanged under all three.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import type { Cause, Reason } from '../Exit.js'
import type { Clock } from '../Scheduler.js'
import type { BadArg, NoProcess } from './errors.js'
import type { DeadLetter } from './event.js'
import type { Op } from './op.js'
import type { PidImpl, RefImpl } from './pid.js'

/** @internal */
export interface SpawnOpts {
  readonly mailbox?: Decoder<unknown, unknown>
  readonly link?: boolean
  readonly monitor?: boolean
  /** registered atomically with the spawn */
  readonly name?: string
}

/**
 * `Fiber` is a type parameter (the fiber module's `Fiber`), so that this
 * module does not import the fiber module: a fiber holds its host, and a
 * host handles fibers.
 *
 * @internal
 */
export interface Host<Fiber> {
  readonly clock: Clock
  /** `true` when someone observes events: the fiber reports receives then. */
  readonly tracing: boolean
  /** The fiber became runnable. */
  schedule(f: Fiber): void
  /** The fiber has finished unwinding. */
  exited(f: Fiber, reason: Reason, cause: Cause): void
  /** The fiber was killed: the host bounds how long its finalizers may still run (then `f.abandon()`). */
  killed(f: Fiber): void
  /** A finalizer, cleanup or observer failed: reported, never thrown into the loop. */
  report(f: Fiber, error: unknown, where: string): void
  /** Trace hook: `f` took `message` out of its mailbox. */
  received(f: Fiber, message: unknown): void
  /**
   * The test runtime's scheduling point: called after each primitive (send,
   * spawn, link, ...) and each message taken, with the steps left in the
   * slice; `true` ends the slice there. `undefined` in production (one field read).
   */
  readonly point?: ((f: Fiber, budgetLeft: number) => boolean) | undefined

  makeRef(): RefImpl
  spawn(parent: Fiber | undefined, program: Op, opts: SpawnOpts): readonly [PidImpl, RefImpl | undefined]
  send(from: Fiber | undefined, dest: unknown, message: unknown): NoProcess | undefined
  link(from: Fiber, pid: PidImpl): NoProcess | undefined
  unlink(from: Fiber, pid: PidImpl): void
  monitor(from: Fiber, target: PidImpl | string): RefImpl
  demonitor(from: Fiber, ref: RefImpl): boolean
  alias(from: Fiber, oneShot: boolean): RefImpl
  /** Sends `message` to `dest` after `ms`; the ref cancels it. */
  sendAfter(from: Fiber, dest: unknown, message: unknown, ms: number): RefImpl
  /** Cancels a `sendAfter` timer: the ms that were left, or `undefined` if it already fired or was cancelled. */
  cancelTimer(from: Fiber, ref: RefImpl): number | undefined
  unalias(from: Fiber, ref: RefImpl): boolean
  exitSignal(from: Fiber | undefined, pid: PidImpl, reason: Reason): void
  isAlive(pid: PidImpl): boolean
  register(name: string, pid: PidImpl): BadArg | undefined
  unregister(name: string): BadArg | undefined
  whereis(name: string): PidImpl | undefined

  /** Delivers `message` to `f` through its alias `alias`, as sent from outside any process (an Rx notification). */
  post(f: Fiber, alias: RefImpl, message: unknown): void
  /** Calls `k` with `pid`'s exit reason when it exits (at once `noproc` if it is not alive); the result stops watching. */
  onExit(pid: PidImpl, k: (r: Reason) => void): () => void
  /** A message that could not be delivered: reported as a dead letter, never as an error. */
  deadLetter(letter: DeadLetter): void
}
