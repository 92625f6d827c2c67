/**
 * How a fiber is interrupted: a whole-process interruption (an exit signal,
 * `kill`), the region interruption of `Effect.timeout`, and when a pending
 * one is taken. `Fiber` (the run loop) extends it; it extends `./waits.ts`.
 *
 * Invariants kept here:
 * - At most one interruption is pending (`pending`, an INTERRUPT instruction);
 *   a whole-process one wins over a region's and is never replaced.
 * - A region's interruption names its TIMEOUT_FRAME; once that region has
 *   ended (`TimeoutBox.done`) it is stale and dropped when taken.
 * - A waiting fiber is woken for an interruption only outside an
 *   uninterruptible region; inside one it is taken when the region ends.
 *
 * @internal
 */
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import * as op from './op.js'
import { Op } from './op.js'
import { EXITED, WAITING, Waits } from './waits.js'

/** A running `Effect.timeout`: its timer, and whether its region has ended. @internal */
export class TimeoutBox {
  timer: unknown = undefined
  done = false
}

/** @internal */
export abstract class Interruption<F> extends Waits<F> {
  /** Continuations, innermost last (the run loop's). */
  abstract stack: Array<Op>
  /** Pushes a continuation (the run loop's). */
  protected abstract push(frame: Op): void
  /** Ends the process: it has unwound with `reason`. */
  protected abstract finish(reason: Reason, cause: Cause): void

  /** `true` while the process is neither exiting nor exited. */
  get alive(): boolean {
    return this.status !== EXITED && this.rare?.interruptCause === undefined
  }

  /** A whole-process interruption was accepted: the process is dying. */
  get exiting(): boolean {
    return this.rare?.interruptCause !== undefined
  }

  /** An exit signal kills this process with `reason`: its finalizers run, then it exits. */
  interrupt(reason: Reason, cause: Cause): void {
    if (!this.alive) return
    this.more().interruptCause = cause
    this.pending = new Op(op.INTERRUPT, reason)
    this.wakeForInterrupt()
  }

  /** `kill`: it reaches a process that is already exiting too, and the host bounds how long its finalizers may run. */
  kill(cause: Cause): void {
    if (this.status === EXITED) return
    if (this.rare?.interruptCause === undefined) {
      this.more().interruptCause = cause
      this.pending = new Op(op.INTERRUPT, Ex.killed)
      this.wakeForInterrupt()
    }
    this.host.killed(this.self)
  }

  /** `true` when it may still run code after an interruption: it holds finalizers or is in an uninterruptible region. */
  get mayLinger(): boolean {
    return this.uninterruptible > 0 || this.stack.some((frame) => frame._op === op.ENSURE)
  }

  /** Stops a dying process where it is (its finalizers overran their time): its waits and timers are cancelled. */
  abandon(): void {
    if (this.status === EXITED) return
    for (const frame of this.stack) if (frame._op === op.TIMEOUT_FRAME) this.closeTimeout(frame.i0 as TimeoutBox)
    this.finish(Ex.killed, (this.more().interruptCause ??= this.signalled()))
  }

  /** The cause of an interruption that names no one else: a signal from the process itself. */
  protected signalled(): Cause {
    return { _tag: 'Signal', from: this.pid as never }
  }

  /** Takes the pending interruption instead of `cur` (a stale region interruption is dropped). */
  protected takePending(cur: Op): Op {
    const p = this.pending as Op
    this.pending = undefined
    if (p.i1 !== undefined && ((p.i1 as Op).i0 as TimeoutBox).done) return cur
    if (this.rop !== undefined) this.leaveReceive()
    return p
  }

  /** `Effect.timeout(ms)`: pushes the region's frame and arms its timer; the region's effect runs next. */
  protected openTimeout(effect: Op, ms: number): Op {
    const box = new TimeoutBox()
    const frame = new Op(op.TIMEOUT_FRAME, box)
    this.push(frame)
    if (ms !== Infinity) box.timer = this.host.clock.setTimer(ms, () => this.interruptRegion(frame))
    return effect
  }

  /** A timeout's region has ended (returned, failed or abandoned): its timer is cancelled. */
  protected closeTimeout(box: TimeoutBox): void {
    box.done = true
    if (box.timer !== undefined) {
      this.host.clock.clearTimer(box.timer)
      box.timer = undefined
    }
  }

  /** A timeout fired: interrupt the region of `frame`, unless the whole process is already being interrupted. */
  private interruptRegion(frame: Op): void {
    const box = frame.i0 as TimeoutBox
    box.timer = undefined
    if (box.done || this.status === EXITED || this.pending !== undefined) return
    this.pending = new Op(op.INTERRUPT, Ex.timeout, frame)
    this.wakeForInterrupt()
  }

  private wakeForInterrupt(): void {
    if (this.status === WAITING && this.uninterruptible === 0) {
      this.cancelWait()
      this.wake()
    }
  }
}
