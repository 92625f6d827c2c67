/**
 * A process: the run loop that interprets an `Effect` instruction tree with an
 * explicit continuation stack, its mailbox with selective receive, and its
 * interruption state. One loop per slice, one try/catch per slice, no JS
 * recursion per step and no Promise per step or per message.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import type { AfterClause, OnClause } from './clause.js'
import type { Host } from './host.js'
import * as op from './op.js'
import { Op } from './op.js'
import type { PidImpl } from './pid.js'

/** Status. */
export const RUNNABLE = 0
export const RUNNING = 1
export const WAITING = 2
export const EXITED = 3

const RETURNED: Cause = { _tag: 'Returned' }
const FAILED: Cause = { _tag: 'Failed' }
const THREW: Cause = { _tag: 'Threw' }
const EXITED_SELF: Cause = { _tag: 'Exited' }

/** `takePending`'s answer when the pending interruption was stale: go on with the value. */
const GO_ON = new Op(op.SUCCEED, undefined)

/** A removed message in the middle of the mailbox. */
const HOLE: unique symbol = Symbol('hole')

/** A running `Effect.timeout`: its timer, and whether its region has ended. @internal */
class TimeoutBox {
  timer: unknown = undefined
  done = false
}

/** The `after` timer of a waiting receive. @internal */
class ReceiveTimer {
  handle: unknown = undefined
  timedOut = false
  constructor(readonly deadline: number) {}
}

/** A wait in `Effect.async`: its abort controller and the cleanup `register` returned. @internal */
class AsyncWait {
  readonly ctl = new AbortController()
  cleanup: (() => void) | undefined = undefined
}

/** Per-process link and monitor tables: the object and each table are made on first use. @internal */
export class Relations {
  /** Linked processes (a set: links are idempotent). */
  links: Set<Fiber> | undefined = undefined
  /** Monitors this process holds: ref -> [target fiber or undefined, what was monitored]. */
  monitors: Map<object, readonly [Fiber | undefined, PidImpl | string]> | undefined = undefined
  /** Monitors on this process: ref -> [watcher, what the watcher monitored (pid or name)]. */
  watchers: Map<object, readonly [Fiber, PidImpl | string]> | undefined = undefined
  /** Active reply aliases of this process (ref -> one-shot); made on first use. */
  aliases: Map<object, boolean> | undefined = undefined
  /** `sendAfter` timers aimed at this process, cancelled when it exits (as Erlang's); made on first use. */
  timers: Set<object> | undefined = undefined
}

/** A PRIM instruction's function: runs on the fiber, its result is the instruction's value. */
export type Prim = (f: Fiber, a: unknown, b: unknown) => unknown
/** A SYSCALL instruction's function: runs on the fiber, returns the instruction to go on with. */
export type Syscall = (f: Fiber, a: unknown, b: unknown) => Op

/** How an uncaught failure becomes an exit reason. */
export const reasonOf = (cause: Op): Reason => {
  switch (cause._op) {
    case op.FAIL:
      return Ex.reasonOf(cause.i0)
    case op.DIE:
      return Ex.defect(cause.i0)
    default:
      return cause.i0 as Reason
  }
}

const notAnEffect = (u: unknown): Op =>
  new Op(op.DIE, new TypeError(`expected an Effect, got ${u === null ? 'null' : typeof u}: ${String(u)}`))

/** @internal */
export class Fiber {
  status = RUNNABLE
  /** In the run queue. */
  queued = false
  /** The next instruction to evaluate when the fiber runs. */
  cur: Op | undefined
  readonly stack: Array<Op> = []
  /** >0: interruption deferred. */
  uninterruptible = 0
  /** An interruption waiting to be taken (an INTERRUPT instruction). */
  pending: Op | undefined = undefined
  /** Who interrupted the whole process: set once it is dying (isAlive is false from then on). */
  private interruptCause: Cause | undefined = undefined
  trapExit = false
  /** Steps the scheduler lets it run between two readings of the clock (adapted to its step cost by the kernel). */
  stride = 8
  name: string | undefined = undefined
  rel: Relations | undefined = undefined

  // mailbox: an array with a head index; HOLE marks a message taken from the middle
  private mbox: Array<unknown> | undefined = undefined
  /** Live messages are mbox[mhead .. mtail); slots are reused when the mailbox empties. */
  private mhead = 0
  private mtail = 0

  // the receive the fiber is waiting in (undefined when not in a receive)
  private rop: Op | undefined = undefined
  /** Waiting in a receive that has clauses: an arriving message may match, so it wakes the fiber. */
  private rwake = false
  private rcursor = 0
  /** The `after` timer of that receive, if it has one. */
  private rtimer: ReceiveTimer | undefined = undefined

  // the async the fiber is waiting in
  /** The `Effect.async` the fiber waits in (its identity is the token that makes a stale resume a no-op). */
  private asyncWait: AsyncWait | undefined = undefined

  constructor(
    readonly host: Host<Fiber>,
    readonly pid: PidImpl,
    program: Op,
    readonly codec: Decoder<unknown, unknown> | undefined
  ) {
    this.cur = program
  }

  // -------------------------------------------------------------------------------------
  // run loop
  // -------------------------------------------------------------------------------------

  /**
   * Runs at most `budget` steps; returns how many it did not use (0: the
   * budget ran out). Afterwards `status` tells whether it is runnable, waiting
   * or exited.
   */
  run(budget: number): number {
    this.status = RUNNING
    let cur = this.cur as Op
    this.cur = undefined
    if (this.pending !== undefined && this.uninterruptible === 0) cur = this.takePending(cur)
    const stack = this.stack
    let value: unknown
    for (;;) {
      try {
        loop: for (;;) {
          if (--budget < 0) {
            this.cur = cur
            this.status = RUNNABLE
            return 0
          }
          switch (cur._op) {
            case op.SUCCEED:
              value = cur.i0
              break
            case op.SYNC:
            case op.PRIM:
              value = cur._op === op.SYNC ? (cur.i0 as () => unknown)() : (cur.i0 as Prim)(this, cur.i1, cur.i2)
              // an interruption raised by this very step (a signal to itself, a shutdown from inside a `sync`)
              if (this.pending !== undefined && this.uninterruptible === 0) {
                const p = this.takePending(GO_ON)
                if (p !== GO_ON) {
                  cur = p
                  continue
                }
              }
              if (this.host.point !== undefined && this.host.point(this, budget)) budget = 0
              break
            case op.MAP:
            case op.FLATMAP:
            case op.FOLD:
            case op.ENSURE:
            case op.CATCH:
              stack.push(cur)
              cur = cur.i0 as Op
              continue
            case op.SUSPEND:
              cur = (cur.i0 as () => Op)()
              continue
            case op.SYSCALL:
              cur = (cur.i0 as Syscall)(this, cur.i1, cur.i2)
              if (this.pending !== undefined && this.uninterruptible === 0) cur = this.takePending(cur)
              if (this.host.point !== undefined && this.host.point(this, budget)) budget = 0
              continue
            case op.FAIL:
            case op.DIE:
            case op.INTERRUPT: {
              const next = this.unwind(cur)
              if (next === undefined) return budget
              cur = next
              continue
            }
            case op.RECEIVE: {
              const next = this.receive(cur)
              if (next === undefined) {
                // an interruption raised meanwhile in this slice (e.g. from inside a `sync`) is taken now, not after the wait
                if (this.pending !== undefined && this.uninterruptible === 0) {
                  cur = this.takePending(cur)
                  continue
                }
                this.cur = cur
                this.status = WAITING
                return budget
              }
              cur = next
              if (this.host.point !== undefined && this.host.point(this, budget)) budget = 0
              continue
            }
            case op.ASYNC: {
              const next = this.async(cur.i0 as Parameters<Fiber['async']>[0])
              if (next === undefined) {
                if (this.pending !== undefined && this.uninterruptible === 0) {
                  this.cancelWait()
                  cur = this.takePending(cur)
                  continue
                }
                this.status = WAITING
                return budget
              }
              cur = next
              continue
            }
            case op.UNINTERRUPTIBLE:
              stack.push(new Op(op.RESTORE, this.uninterruptible))
              if (cur.i1 === true) {
                this.uninterruptible = 0
                cur = this.pending !== undefined ? this.takePending(cur.i0 as Op) : (cur.i0 as Op)
              } else {
                this.uninterruptible++
                cur = cur.i0 as Op
              }
              continue
            case op.TIMEOUT: {
              const box = new TimeoutBox()
              const frame = new Op(op.TIMEOUT_FRAME, box)
              stack.push(frame)
              const ms = cur.i1 as number
              if (ms !== Infinity) box.timer = this.host.clock.setTimer(ms, () => this.interruptRegion(frame))
              cur = cur.i0 as Op
              continue
            }
            case op.YIELD:
              this.cur = op.UNIT
              this.status = RUNNABLE
              return budget + 1 // one more than left: the caller sees that the slice ended early
            default:
              cur = notAnEffect(cur)
              continue
          }
          // success: pop continuations until one takes the value
          for (;;) {
            const frame = stack.pop()
            if (frame === undefined) {
              this.finish(Ex.returned(value), RETURNED)
              return budget
            }
            switch (frame._op) {
              case op.MAP:
                value = (frame.i1 as (a: unknown) => unknown)(value)
                continue
              case op.FLATMAP:
                cur = (frame.i1 as (a: unknown) => Op)(value)
                continue loop
              case op.FOLD:
                if (frame.i2 !== undefined) {
                  cur = (frame.i2 as (a: unknown) => Op)(value)
                  continue loop
                }
                continue
              case op.ENSURE:
                cur = this.finalize(frame, new Op(op.SUCCEED, value), Ex.returned(value))
                continue loop
              case op.RESTORE:
                this.uninterruptible = frame.i0 as number
                if (this.uninterruptible === 0 && this.pending !== undefined) {
                  cur = this.takePending(new Op(op.SUCCEED, value))
                  continue loop
                }
                continue
              case op.FINALIZED: {
                this.uninterruptible = frame.i1 as number
                const saved = frame.i0 as Op
                if (saved._op === op.SUCCEED) {
                  value = saved.i0
                  if (this.uninterruptible === 0 && this.pending !== undefined) {
                    cur = this.takePending(saved)
                    continue loop
                  }
                  continue
                }
                cur = saved
                continue loop
              }
              case op.TIMEOUT_FRAME: {
                const box = frame.i0 as TimeoutBox
                this.closeTimeout(box)
                value = O.some(value)
                continue
              }
            }
          }
        }
      } catch (e) {
        // a throw while waiting in a receive (a codec on a rescan) leaves it: the finalizers get a fresh one
        if (this.rop !== undefined) this.leaveReceive()
        cur = new Op(op.DIE, e)
      }
    }
  }

  /** Unwinds the stack with a failure; returns the next instruction, or `undefined` when the process has ended. */
  private unwind(cause: Op): Op | undefined {
    const stack = this.stack
    for (;;) {
      const frame = stack.pop()
      if (frame === undefined) {
        this.finish(reasonOf(cause), this.causeOf(cause))
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
          if (this.uninterruptible === 0 && this.pending !== undefined && cause._op !== op.INTERRUPT) {
            cause = this.takePending(cause)
          }
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
    this.stack.push(new Op(op.FINALIZED, outcome, this.uninterruptible))
    this.uninterruptible++
    return (frame.i1 as (r: Reason) => Op)(reason)
  }

  private closeTimeout(box: TimeoutBox): void {
    box.done = true
    if (box.timer !== undefined) {
      this.host.clock.clearTimer(box.timer)
      box.timer = undefined
    }
  }

  /** Takes the pending interruption instead of `cur` (a stale region interruption is dropped). */
  private takePending(cur: Op): Op {
    const p = this.pending as Op
    this.pending = undefined
    if (p.i1 !== undefined && ((p.i1 as Op).i0 as TimeoutBox).done) return cur
    if (this.rop !== undefined) this.leaveReceive()
    return p
  }

  private causeOf(cause: Op): Cause {
    switch (cause._op) {
      case op.FAIL:
        return Ex.isExiting(cause.i0) ? EXITED_SELF : FAILED
      case op.DIE:
        return THREW
      default:
        return this.interruptCause ?? { _tag: 'Signal', from: this.pid as never }
    }
  }

  private finish(reason: Reason, cause: Cause): void {
    this.status = EXITED
    this.cancelWait()
    this.stack.length = 0
    this.mbox = undefined
    this.mhead = this.mtail = 0
    this.host.exited(this, reason, cause)
  }

  // -------------------------------------------------------------------------------------
  // interruption
  // -------------------------------------------------------------------------------------

  /** `true` while the fiber waits for an `Effect.async` callback (a resumption from outside the interpreter). */
  get waitingAsync(): boolean {
    return this.asyncWait !== undefined
  }

  /** The receive instruction the fiber waits in, if any (read-only introspection). */
  get receiving(): Op | undefined {
    return this.rop
  }

  /** `true` while the process is neither exiting nor exited. */
  get alive(): boolean {
    return this.status !== EXITED && this.interruptCause === undefined
  }

  /** A whole-process interruption was accepted: the process is dying. */
  get exiting(): boolean {
    return this.interruptCause !== undefined
  }

  /** An exit signal kills this process with `reason`: its finalizers run, then it exits. */
  interrupt(reason: Reason, cause: Cause): void {
    if (!this.alive) return
    this.interruptCause = cause
    this.pending = new Op(op.INTERRUPT, reason)
    this.wakeForInterrupt()
  }

  /**
   * `kill`: it reaches a process that is already exiting too, and the host
   * bounds how long its finalizers may still run (`Host.killed`).
   */
  kill(cause: Cause): void {
    if (this.status === EXITED) return
    if (this.interruptCause === undefined) {
      this.interruptCause = cause
      this.pending = new Op(op.INTERRUPT, Ex.killed)
      this.wakeForInterrupt()
    }
    this.host.killed(this)
  }

  /** `true` when it may still run code after an interruption: it holds finalizers or is in an uninterruptible region. */
  get mayLinger(): boolean {
    if (this.uninterruptible > 0) return true
    for (const frame of this.stack) if (frame._op === op.ENSURE) return true
    return false
  }

  /**
   * Stops a dying process where it is (its finalizers overran their time):
   * its waits and timers are cancelled and it never runs again.
   */
  abandon(): void {
    if (this.status === EXITED) return
    for (const frame of this.stack) if (frame._op === op.TIMEOUT_FRAME) this.closeTimeout(frame.i0 as TimeoutBox)
    this.interruptCause ??= { _tag: 'Signal', from: this.pid as never }
    this.finish(Ex.killed, this.interruptCause)
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
      this.status = RUNNABLE
      this.host.schedule(this)
    }
  }

  private cancelWait(): void {
    if (this.rop !== undefined) this.leaveReceive()
    const w = this.asyncWait
    if (w !== undefined) {
      this.asyncWait = undefined
      try {
        w.ctl.abort()
        if (w.cleanup !== undefined) w.cleanup()
      } catch (e) {
        this.host.report(this, e, 'async cleanup')
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // async
  // -------------------------------------------------------------------------------------

  /** Registers the callback; returns the next instruction if it resumed synchronously, else waits. */
  private async(register: (resume: (e: unknown) => void, signal: AbortSignal) => void | (() => void)): Op | undefined {
    const w = new AsyncWait()
    this.asyncWait = w
    let registering = true
    let now: Op | undefined
    const resume = (e: unknown): void => {
      if (this.asyncWait !== w) return
      this.asyncWait = undefined
      const next = e instanceof Op ? e : notAnEffect(e)
      if (registering) {
        now = next
        return
      }
      this.cur = next
      this.status = RUNNABLE
      this.host.schedule(this)
    }
    let cleanup: void | (() => void)
    try {
      cleanup = register(resume, w.ctl.signal)
    } catch (e) {
      if (this.asyncWait === w) this.asyncWait = undefined
      throw e
    } finally {
      registering = false
    }
    if (now !== undefined) return now
    if (typeof cleanup === 'function') w.cleanup = cleanup
    return undefined
  }

  // -------------------------------------------------------------------------------------
  // mailbox and selective receive
  // -------------------------------------------------------------------------------------

  /** Number of messages waiting. */
  get mailboxSize(): number {
    const m = this.mbox
    if (m === undefined) return 0
    let n = 0
    for (let i = this.mhead; i < this.mtail; i++) if (m[i] !== HOLE) n++
    return n
  }

  /** The messages waiting, oldest first (a copy). */
  messages(): Array<unknown> {
    const m = this.mbox
    const out: Array<unknown> = []
    if (m !== undefined) for (let i = this.mhead; i < this.mtail; i++) if (m[i] !== HOLE) out.push(m[i])
    return out
  }

  /** Appends a message; wakes the fiber if it waits in a receive that may take it. */
  deliver(message: unknown): void {
    if (this.status === EXITED) return
    if (this.mbox === undefined) {
      this.mbox = [message]
      this.mtail = 1
    } else {
      this.mbox[this.mtail++] = message
    }
    if (this.rwake && this.status === WAITING) {
      this.status = RUNNABLE
      this.host.schedule(this)
    }
  }

  /** The first waiting message `pred` accepts (oldest first), or `undefined`. */
  findFirst(pred: (m: unknown) => boolean): unknown {
    const i = this.indexOf(pred)
    return i < 0 ? undefined : (this.mbox as Array<unknown>)[i]
  }

  /** Removes the first waiting message `pred` accepts; `true` if one was removed. */
  removeFirst(pred: (m: unknown) => boolean): boolean {
    const i = this.indexOf(pred)
    if (i >= 0) this.take(i)
    return i >= 0
  }

  private indexOf(pred: (m: unknown) => boolean): number {
    const m = this.mbox
    if (m !== undefined) for (let i = this.mhead; i < this.mtail; i++) if (m[i] !== HOLE && pred(m[i])) return i
    return -1
  }

  /** Evaluates a RECEIVE: the handler's instruction for the first matching message, the `after` handler, or `undefined` to wait. */
  private receive(cur: Op): Op | undefined {
    const clauses = cur.i0 as ReadonlyArray<OnClause>
    const after = cur.i1 as AfterClause | undefined
    const fresh = this.rop === undefined
    const m = this.mbox
    if (m !== undefined && clauses.length > 0) {
      const n = clauses.length
      const tail = this.mtail
      for (let i = fresh ? this.mhead : this.rcursor; i < tail; i++) {
        const msg = m[i]
        if (msg === HOLE) continue
        for (let c = 0; c < n; c++) {
          const clause = clauses[c] as OnClause
          let decoded: unknown
          if (clause.fast) {
            if (!(clause.codec as unknown as { is: (u: unknown) => boolean }).is(msg)) continue
            decoded = msg
          } else {
            const v = clause.codec.decode(msg)
            if (v._tag === 'Left') continue
            decoded = v.right
          }
          this.take(i)
          if (!fresh) this.leaveReceive()
          if (this.host.tracing) this.host.received(this, msg)
          return clause.handler(decoded)
        }
      }
      this.rcursor = tail
    } else {
      this.rcursor = this.mtail
    }
    if (after !== undefined) {
      if (fresh) {
        if (after.ms === 0) return after.handler()
        if (after.ms !== Infinity) {
          const w = new ReceiveTimer(this.host.clock.now() + after.ms)
          this.rtimer = w
          this.armReceiveTimer(w, after.ms)
        }
      } else if (this.rtimer !== undefined && this.rtimer.timedOut) {
        const w = this.rtimer
        w.timedOut = false
        const left = w.deadline - this.host.clock.now()
        if (left <= 0) {
          this.leaveReceive()
          return after.handler()
        }
        this.armReceiveTimer(w, left) // the host timer fired early: re-arm for the rest
      }
    }
    this.rop = cur
    this.rwake = clauses.length > 0
    return undefined
  }

  private armReceiveTimer(w: ReceiveTimer, ms: number): void {
    w.handle = this.host.clock.setTimer(ms, () => {
      w.handle = undefined
      if (this.rtimer !== w) return
      w.timedOut = true
      if (this.status === WAITING) {
        this.status = RUNNABLE
        this.host.schedule(this)
      }
    })
  }

  private leaveReceive(): void {
    this.rop = undefined
    this.rwake = false
    const w = this.rtimer
    if (w !== undefined) {
      this.rtimer = undefined
      if (w.handle !== undefined) this.host.clock.clearTimer(w.handle)
    }
  }

  private take(i: number): void {
    const m = this.mbox as Array<unknown>
    if (i !== this.mhead) {
      m[i] = HOLE
      return
    }
    m[i] = undefined
    let h = i + 1
    const tail = this.mtail
    while (h < tail && m[h] === HOLE) m[h++] = undefined
    if (h === tail) {
      // empty: reuse the slots (a big array left by a burst is let go)
      if (tail > 1024) this.mbox = undefined
      this.mhead = this.mtail = this.rcursor = 0
    } else {
      this.mhead = h
      if (h > 1024 && h * 2 > tail) this.compact()
    }
  }

  /** Moves the live messages to the front, dropping holes, keeping the receive cursor on the same message. */
  private compact(): void {
    const m = this.mbox as Array<unknown>
    const tail = this.mtail
    let w = 0
    let cursor = -1
    for (let i = this.mhead; i < tail; i++) {
      if (i === this.rcursor) cursor = w
      const msg = m[i]
      if (msg !== HOLE) m[w++] = msg
    }
    this.rcursor = cursor === -1 ? w : cursor
    m.length = w
    this.mhead = 0
    this.mtail = w
  }
}
