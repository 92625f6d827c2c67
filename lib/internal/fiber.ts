/**
 * A process's run loop (an `Effect` instruction tree, an explicit continuation
 * stack; one try/catch per slice, no JS recursion or Promise per step). How a
 * fiber is interrupted is `./interruption.ts`, and what it waits on
 * `./waits.ts`: `Fiber` extends the one, which extends the other.
 *
 * The loop reads like Effect's `runLoop`: `step` dispatches on the opcode to
 * one small method per group, each returning the next instruction, or
 * `undefined` when the slice is over (the fiber then waits, yielded or
 * exited, and `status` says which). A value goes back through `unstack`,
 * which pops continuations until one takes it; a failure through `unwind`.
 *
 * Invariants kept here:
 * - `cur` is set only while the fiber is not running: the instruction to
 *   resume with (a waiting receive re-evaluates its RECEIVE when woken).
 * - An interruption is taken only where `interruptNow` holds (pending and no
 *   uninterruptible region open): after each instruction that can raise one
 *   (a primitive, a syscall, a region's end) and before a wait.
 * - One step of budget is one instruction evaluated; popping frames is free.
 *   A `flatMap` after a `succeed` or a `send` runs in one pass, and
 *   `Effect.gen` in place, but both count the steps they save (schedules
 *   cut slices where they always did).
 *
 * @internal
 */
import * as O from 'fp-ts/lib/Option.js'
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import * as op from './op.js'
import { DELEGATE, Op } from './op.js'
import { causeOf, reasonOf, RETURNED } from './outcome.js'
import type { Monitor, Relations } from './relations.js'
import { Interruption, type TimeoutBox } from './interruption.js'
import { EXITED, notAnEffect, RUNNABLE, RUNNING } from './waits.js'

export { EXITED, RUNNABLE, RUNNING, WAITING } from './waits.js'
export { reasonOf } from './outcome.js'

const identity = <A>(a: A): A => a

/** `takePending`'s answer when the pending interruption was stale: go on with the value. */
const GO_ON = new Op(op.SUCCEED, undefined)

/** The `next` every generator object shares (`%GeneratorPrototype%.next`). */
const GEN_NEXT = (Object.getPrototypeOf(function* () {}) as { prototype: Iterator<unknown> }).prototype.next

/** The stack of a fiber that has never pushed a frame: shared, never pushed to. */
const NO_FRAMES: Array<Op> = []

/** A PRIM instruction's function: runs on the fiber, its result is the instruction's value. */
export type Prim = (f: Fiber, a: unknown, b: unknown) => unknown
/** A SYSCALL instruction's function: runs on the fiber, returns the instruction to go on with. */
export type Syscall = (f: Fiber, a: unknown, b: unknown) => Op

/** @internal */
export class Fiber extends Interruption<Fiber> {
  /** Continuations, innermost last. */
  stack: Array<Op> = NO_FRAMES
  /**
   * The generator of an `Effect.gen` at the bottom of the stack (a process
   * written as one `Effect.gen`, the common case): kept here rather than in
   * a frame, so an idle generator-style process holds no frame and no stack
   * array. It resumes when a value comes back to an empty stack.
   */
  gen: Iterator<unknown> | undefined = undefined
  /** Links, monitors, aliases, timers (made on first use): written by the kernel alone, read elsewhere through `./introspect.ts`. */
  rel: Relations<Fiber> | undefined = undefined
  /**
   * The oldest monitor on this process while it is the only one (the
   * others are in `rel.watchers`): a process watched once (`spawnMonitor`,
   * a call) needs no `Relations` for it. Written by the kernel alone.
   */
  watchedBy: Monitor<Fiber> | undefined = undefined
  /** The kernel's list of live processes, oldest first (written by the kernel alone). */
  prevLive: Fiber | undefined = undefined
  nextLive: Fiber | undefined = undefined

  /** Ends the slice: the fiber resumes with `cur` when it runs next. */
  private resumeWith(cur: Op, status: number): undefined {
    this.cur = cur
    this.status = status
    return undefined
  }

  /** The slice ends before `yielded` runs; it costs the step it used to cost when it runs. */
  private resumeLater(frame: Op, yielded: unknown): Op {
    this.stack.push(frame)
    return new Op(op.MAP, yielded, identity)
  }

  protected get self(): Fiber {
    return this
  }

  /** A scheduling point of the test runtime (after a primitive or a message taken): it may end the slice here. */
  protected point(): void {
    if (this.host.point !== undefined && this.host.point(this, this.left)) this.left = 0
  }

  // -------------------------------------------------------------------------------------
  // run loop
  // -------------------------------------------------------------------------------------

  /**
   * Runs at most `budget` steps; returns how many it did not use (0: the
   * budget ran out). Afterwards `status` tells whether it is runnable, waiting or exited.
   */
  run(budget: number): number {
    this.status = RUNNING
    this.left = budget
    let cur: Op | undefined = this.cur as Op
    this.cur = undefined
    if (this.interruptNow) cur = this.takePending(cur)
    for (;;) {
      try {
        while (cur !== undefined) {
          if (--this.left < 0) {
            this.resumeWith(cur, RUNNABLE)
            return 0
          }
          // the commonest instructions of receive loops (`flatMap` and `Effect.gen` alike) run here, without a call to `step`
          const o = cur._op
          if (o === op.ON) cur = this.receiveOn(cur)
          else if (o === op.SUCCEED) cur = this.unstack(cur.i0)
          else if (o === op.FLATMAP && this.left > 1 && (cur.i0 as Op)._op === op.SEND && this.host.point === undefined)
            cur = this.sendThen(cur)
          else if (o === op.SEND) cur = this.send(cur)
          else cur = this.step(cur)
        }
        // a slice ends with the fiber waiting, runnable or exited: still running, a continuation returned no Effect
        if (this.status !== RUNNING) return this.left
        cur = notAnEffect(undefined)
      } catch (e) {
        // a throw while waiting in a receive (a codec on a rescan) leaves it: the finalizers get a fresh one
        if (this.rop !== undefined) this.leaveReceive()
        DELEGATE.free = false // a generator that threw while resumed
        cur = new Op(op.DIE, e)
      }
    }
  }

  /** Evaluates one instruction: the next one, or `undefined` when the slice is over. */
  private step(cur: Op): Op | undefined {
    switch (cur._op) {
      case op.SUCCEED:
        return this.unstack(cur.i0)
      case op.FLATMAP:
        return this.flatMap(cur)
      case op.SEND:
        return this.send(cur)
      case op.SYSCALL:
        return this.syscall(cur)
      case op.ON:
        return this.receiveOn(cur)
      case op.RECEIVE:
        return this.receive(cur)
      case op.MAP:
      case op.FOLD:
      case op.ENSURE:
      case op.CATCH:
        this.push(cur)
        return cur.i0 as Op
      case op.SYNC:
      case op.PRIM:
        return this.primitive(cur)
      case op.SUSPEND:
        return (cur.i0 as () => Op)()
      case op.GEN:
        return this.startGen(cur.i0 as () => Iterator<unknown>)
      case op.FAIL:
      case op.DIE:
      case op.INTERRUPT:
        return this.unwind(cur)
      case op.ASYNC:
        return this.async(cur)
      case op.UNINTERRUPTIBLE:
        return this.region(cur)
      case op.TIMEOUT:
        return this.openTimeout(cur.i0 as Op, cur.i1 as number)
      case op.YIELD:
        this.left++ // one more than left: the caller sees that the slice ended early
        return this.resumeWith(op.UNIT, RUNNABLE)
      default:
        return notAnEffect(cur)
    }
  }

  /**
   * `Effect.gen`: makes the generator; it starts on the way back, its frame
   * resuming it with `undefined`. The frame keeps the generator's own `next`:
   * every generator function has its own prototype, so a generator made by
   * a closure per process has a map of its own, and looking `next` up at
   * each resume would go megamorphic (several times slower with thousands
   * of processes); the function is read once here and called directly.
   */
  private startGen(body: () => Iterator<unknown>): Op | undefined {
    const it = body()
    const next = it.next
    // nothing below it: the bottom generator (a plain generator's `next` is the one every generator shares)
    if (this.stack.length === 0 && this.gen === undefined && next === GEN_NEXT) this.gen = it
    else this.push(new Op(op.GEN_FRAME, it, next))
    return this.unstack(undefined)
  }

  protected push(frame: Op): void {
    // the first frame gets an array of its own, sized to it: an idle process holding one frame stays small
    if (this.stack === NO_FRAMES) this.stack = [frame]
    else this.stack.push(frame)
  }

  /**
   * `flatMap(first, k)`. When `first` is a `succeed`, a `send` or a syscall
   * that succeeds, `k` runs at once in the same step, without a frame.
   */
  private flatMap(cur: Op): Op | undefined {
    const first = cur.i0 as Op
    // the steps are counted as if unfused (the first step, then the value going back), and fused only
    // when the slice has room for them all: a schedule cuts a slice at the same places either way
    const o = first._op
    if (o === op.SUCCEED && this.left > 0) {
      this.left--
      return (cur.i1 as (a: unknown) => Op)(first.i0)
    }
    if ((o === op.SEND || o === op.SYSCALL) && this.left > 0) {
      this.left--
      const next = o === op.SEND ? this.sendNow(first) : (first.i0 as Syscall)(this, first.i1, first.i2)
      this.point()
      if (next._op === op.SUCCEED && !this.interruptNow && this.left > 0) {
        this.left--
        return (cur.i1 as (a: unknown) => Op)(next.i0)
      }
      this.push(cur)
      return this.interruptNow ? this.takePending(next) : next
    }
    this.push(cur)
    return first
  }

  /**
   * `flatMap(send(dest, message), k)` where no scheduling point is asked for
   * (production) and the slice has room: what `flatMap` does for it, the same
   * steps counted, without the dispatch (the run loop calls it directly).
   */
  private sendThen(cur: Op): Op {
    this.left--
    const next = this.sendNow(cur.i0 as Op)
    if (next === op.UNIT && !this.interruptNow) {
      this.left--
      return (cur.i1 as (a: unknown) => Op)(undefined)
    }
    this.push(cur)
    return this.interruptNow ? this.takePending(next) : next
  }

  /** A primitive of the host (or a `sync`): its value goes back, unless it raised an interruption of this process. */
  private primitive(cur: Op): Op | undefined {
    const value = cur._op === op.SYNC ? (cur.i0 as () => unknown)() : (cur.i0 as Prim)(this, cur.i1, cur.i2)
    // an interruption raised by this very step (a signal to itself, a shutdown from inside a `sync`)
    if (this.interruptNow) {
      const p = this.takePending(GO_ON)
      if (p !== GO_ON) return p
    }
    this.point()
    return this.unstack(value)
  }

  /** `Process.send`: the kernel delivers it; a name nobody holds fails with `NoProcess`. */
  private sendNow(cur: Op): Op {
    return this.host.send(this, cur.i0, cur.i1) === undefined ? op.UNIT : op.noProcess(cur.i0)
  }

  private send(cur: Op): Op {
    return this.goOn(this.sendNow(cur))
  }

  private syscall(cur: Op): Op {
    return this.goOn((cur.i0 as Syscall)(this, cur.i1, cur.i2))
  }

  /** After a send or a syscall: an interruption it raised is taken first, then a scheduling point. */
  private goOn(next: Op): Op {
    const go = this.interruptNow ? this.takePending(next) : next
    this.point()
    return go
  }

  /** Opens an uninterruptible region (or, with `i1`, an interruptible one inside it); a RESTORE frame closes it. */
  private region(cur: Op): Op {
    this.push(new Op(op.RESTORE, this.uninterruptible))
    if (cur.i1 === true) {
      this.uninterruptible = 0
      return this.pending !== undefined ? this.takePending(cur.i0 as Op) : (cur.i0 as Op)
    }
    this.uninterruptible++
    return cur.i0 as Op
  }

  /** A value goes back: pops continuations until one takes it; `undefined` when the process has returned. */
  protected unstack(value: unknown): Op | undefined {
    const stack = this.stack
    for (;;) {
      const frame = stack.pop()
      if (frame === undefined) {
        const gen = this.gen
        if (gen === undefined) {
          this.finish(Ex.returned(value), RETURNED)
          return undefined
        }
        // the bottom generator: as a GEN_FRAME below, with no frame to push back
        DELEGATE.resuming()
        const r = GEN_NEXT.call(gen, value)
        DELEGATE.free = false
        if (r.done === true) this.gen = undefined
        if (this.left === 0) return r.done === true ? new Op(op.SUCCEED, r.value) : new Op(op.MAP, r.value, identity)
        this.left--
        if (r.done === true) {
          value = r.value
          continue
        }
        return r.value as Op
      }
      switch (frame._op) {
        case op.FLATMAP:
          return (frame.i1 as (a: unknown) => Op)(value)
        case op.MAP:
          value = (frame.i1 as (a: unknown) => unknown)(value)
          continue
        case op.GEN_FRAME: {
          // `value` ends the generator's pending `yield*`; what it yields next runs above the same frame
          DELEGATE.resuming()
          const r = (frame.i1 as Iterator<unknown>['next']).call(frame.i0, value)
          DELEGATE.free = false
          // one step for each yield and for the return, as when `gen` was a chain of flatMaps (same schedules)
          if (this.left === 0) return r.done === true ? new Op(op.SUCCEED, r.value) : this.resumeLater(frame, r.value)
          this.left--
          if (r.done === true) {
            value = r.value
            continue
          }
          stack.push(frame)
          return r.value as Op
        }
        case op.FOLD:
          if (frame.i2 !== undefined) return (frame.i2 as (a: unknown) => Op)(value)
          continue
        case op.ENSURE:
          return this.finalize(frame, new Op(op.SUCCEED, value), Ex.returned(value))
        case op.RESTORE:
          this.uninterruptible = frame.i0 as number
          if (this.interruptNow) return this.takePending(new Op(op.SUCCEED, value))
          continue
        case op.FINALIZED: {
          this.uninterruptible = frame.i1 as number
          const saved = frame.i0 as Op
          if (saved._op !== op.SUCCEED) return saved
          value = saved.i0
          if (this.interruptNow) return this.takePending(saved)
          continue
        }
        case op.TIMEOUT_FRAME:
          this.closeTimeout(frame.i0 as TimeoutBox)
          value = O.some(value)
          continue
      }
    }
  }

  /** Unwinds the stack with a failure; returns the next instruction, or `undefined` when the process has ended. */
  private unwind(cause: Op): Op | undefined {
    const stack = this.stack
    for (;;) {
      const frame = stack.pop()
      if (frame === undefined) {
        this.finish(reasonOf(cause), causeOf(cause, this.rare?.interruptCause ?? this.signalled()))
        return undefined
      }
      switch (frame._op) {
        case op.FOLD:
          if (cause._op === op.FAIL && frame.i1 !== undefined) return (frame.i1 as (e: unknown) => Op)(cause.i0)
          continue
        case op.CATCH:
          if (cause._op === op.FAIL || cause._op === op.DIE) return (frame.i1 as (r: Reason) => Op)(reasonOf(cause))
          continue
        case op.ENSURE:
          return this.finalize(frame, cause, reasonOf(cause))
        case op.RESTORE:
          this.uninterruptible = frame.i0 as number
          if (this.interruptNow && cause._op !== op.INTERRUPT) cause = this.takePending(cause)
          continue
        case op.FINALIZED: {
          // the finalizer itself failed: report it, and the original outcome stands
          this.uninterruptible = frame.i1 as number
          this.host.report(this, cause._op === op.DIE ? cause.i0 : reasonOf(cause), 'finalizer')
          const saved = frame.i0 as Op
          if (saved._op === op.SUCCEED) return saved
          cause = saved
          continue
        }
        case op.TIMEOUT_FRAME: {
          this.closeTimeout(frame.i0 as TimeoutBox)
          if (cause._op === op.INTERRUPT && cause.i1 === frame) return new Op(op.SUCCEED, O.none)
          continue
        }
        default:
          continue
      }
    }
  }

  /** Starts the finalizer of an ENSURE frame, uninterruptibly; `outcome` resumes after it. */
  private finalize(frame: Op, outcome: Op, reason: Reason): Op {
    this.push(new Op(op.FINALIZED, outcome, this.uninterruptible))
    this.uninterruptible++
    return (frame.i1 as (r: Reason) => Op)(reason)
  }

  protected finish(reason: Reason, cause: Cause): void {
    this.status = EXITED
    this.cancelWait()
    this.stack.length = 0
    this.gen = undefined
    this.host.exited(this, reason, cause)
    this.dropMailbox() // after: the kernel makes dead letters of what is left unread
  }
}
