/**
 * What a fiber waits on, and how it is woken: its mailbox and selective
 * receive (with the `after` timer), `Effect.async` callbacks, and the state
 * few processes use (kept in one object made on first use, so an idle process
 * stays small). `Fiber` (the run loop) extends it: one object per process.
 *
 * A fiber that waits has `status === WAITING`; it is woken (made runnable and
 * scheduled) by a message its receive may take, the receive's timer, an
 * async callback, or an interruption.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import type { Cause } from '../Exit.js'
import { afterOf, clausesOf, NO_CLAUSES, succeedWith, type AfterClause, type Clauses, type OnClause } from './clause.js'
import type { Host } from './host.js'
import { decode, EMPTY, Mailbox, NO_MATCH } from './mailbox.js'
import * as op from './op.js'
import { Op } from './op.js'
import type { PidImpl } from './pid.js'

/** Status. */
export const RUNNABLE = 0
export const RUNNING = 1
export const WAITING = 2
export const EXITED = 3

/** The `after` timer of a waiting receive. @internal */
class ReceiveTimer {
  handle: unknown = undefined
  timedOut = false
  constructor(readonly deadline: number) {}
}

/** A wait in `Effect.async`: its abort controller and the cleanup `register` returned. @internal */
class AsyncWait {
  /** Made only for a `register` that takes the signal (aborting one costs a DOMException and an event). */
  ctl: AbortController | undefined = undefined
  cleanup: (() => void) | undefined = undefined
}

/** What a `register` of one parameter gets (it does not read the signal): one that is never aborted. */
const NEVER_ABORTED = new AbortController().signal

/** What most processes never use, kept out of the fiber until one does (a small process stays small). @internal */
class Rare {
  /** Who interrupted the whole process: set once it is dying. */
  interruptCause: Cause | undefined = undefined
  trapExit = false
  name: string | undefined = undefined
  codec: Decoder<unknown, unknown> | undefined = undefined
  /** The `Effect.async` the fiber waits in (its identity is the token that makes a stale resume a no-op). */
  asyncWait: AsyncWait | undefined = undefined
  /** The `after` timer of the receive the fiber waits in, if it has one. */
  rtimer: ReceiveTimer | undefined = undefined
}

export const notAnEffect = (u: unknown): Op =>
  new Op(op.DIE, new TypeError(`expected an Effect, got ${u === null ? 'null' : typeof u}: ${String(u)}`))

/** @internal */
export abstract class Waits<F> {
  status = RUNNABLE
  /** In the run queue. */
  queued = false
  /** The instruction to resume with when the fiber runs next (set only while it is not running). */
  cur: Op | undefined
  /*
   * The fields every slice reads or writes come first (after `host`), so that
   * they share the first cache lines of the object: with thousands of
   * processes, each slice and each delivery starts with a cache miss per line
   * it touches (a ring of 10,000 processes: about 3% more hops/s than with
   * `left` and `stride` in the third line). The rest follow.
   */
  /** Steps left in the running slice (the run loop's). */
  protected left = 0
  /** Steps the scheduler lets it run between two readings of the clock (adapted to its step cost by the kernel). */
  stride = 8
  /** An interruption waiting to be taken (an INTERRUPT instruction). */
  pending: Op | undefined = undefined
  /** The receive the fiber waits in (undefined when not in a receive). */
  protected rop: Op | undefined = undefined
  /**
   * The one message of a process that holds no other (`EMPTY` when none):
   * most processes take their messages one at a time, and never need a
   * `Mailbox`. Invariants: it holds a message only while `mailbox` is
   * `undefined`, and never one the waiting receive has already tried (a
   * receive it does not match moves it into a `Mailbox` behind the cursor).
   */
  private one: unknown = EMPTY
  /** Made when a second message arrives while one waits (or a receive leaves one unmatched); kept after. */
  private mailbox: Mailbox | undefined = undefined
  protected rare: Rare | undefined = undefined
  readonly pid: PidImpl
  /** >0: interruption deferred. */
  uninterruptible = 0

  constructor(
    readonly host: Host<F>,
    pid: PidImpl,
    program: Op,
    codec: Decoder<unknown, unknown> | undefined
  ) {
    this.pid = pid
    this.cur = program
    if (codec !== undefined) this.more().codec = codec
  }

  /** This process as its host knows it. */
  protected abstract get self(): F
  /** Takes the pending interruption instead of `cur`. */
  protected abstract takePending(cur: Op): Op
  /** A scheduling point: after a message is taken (or a receive timed out). */
  protected abstract point(): void
  /** A value goes back to the continuations: the next instruction, or `undefined` when the slice is over. */
  protected abstract unstack(value: unknown): Op | undefined

  protected more(): Rare {
    return (this.rare ??= new Rare())
  }

  /** The mailbox codec: a message it rejects is a dead letter. */
  get codec(): Decoder<unknown, unknown> | undefined {
    return this.rare?.codec
  }
  get trapExit(): boolean {
    return this.rare !== undefined && this.rare.trapExit
  }
  set trapExit(on: boolean) {
    if (on || this.rare !== undefined) this.more().trapExit = on
  }
  /** The registered name. */
  get name(): string | undefined {
    return this.rare?.name
  }
  set name(name: string | undefined) {
    if (name !== undefined || this.rare !== undefined) this.more().name = name
  }

  /** An interruption is pending and may be taken now. */
  protected get interruptNow(): boolean {
    return this.pending !== undefined && this.uninterruptible === 0
  }

  /** The receive instruction the fiber waits in, if any (read-only introspection). */
  get receiving(): Op | undefined {
    return this.rop
  }

  /** `true` while the fiber waits for an `Effect.async` callback (a resumption from outside the interpreter). */
  get waitingAsync(): boolean {
    return this.rare?.asyncWait !== undefined
  }

  protected wake(): void {
    this.status = RUNNABLE
    this.host.schedule(this.self)
  }

  protected cancelWait(): void {
    if (this.rop !== undefined) this.leaveReceive()
    const w = this.rare?.asyncWait
    if (w !== undefined) {
      this.more().asyncWait = undefined
      try {
        w.ctl?.abort()
        if (w.cleanup !== undefined) w.cleanup()
      } catch (e) {
        this.host.report(this.self, e, 'async cleanup')
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // async
  // -------------------------------------------------------------------------------------

  /** Registers the callback: the next instruction if it resumed synchronously, else the fiber waits. */
  protected async(cur: Op): Op | undefined {
    const register = cur.i0 as (resume: (e: unknown) => void, signal: AbortSignal) => void | (() => void)
    const w = new AsyncWait()
    const rare = this.more()
    rare.asyncWait = w
    let registering = true
    let now: Op | undefined
    const resume = (e: unknown): void => {
      if (rare.asyncWait !== w) return
      rare.asyncWait = undefined
      const next = e instanceof Op ? e : notAnEffect(e)
      if (registering) {
        now = next
        return
      }
      this.cur = next
      this.wake()
    }
    let cleanup: void | (() => void)
    try {
      // a function of one parameter does not read the signal (a rest parameter has length 0: it gets one)
      cleanup = register(resume, register.length === 1 ? NEVER_ABORTED : (w.ctl = new AbortController()).signal)
    } catch (e) {
      if (rare.asyncWait === w) rare.asyncWait = undefined
      throw e
    } finally {
      registering = false
    }
    if (now !== undefined) return now
    if (typeof cleanup === 'function') w.cleanup = cleanup
    // an interruption raised meanwhile in this slice is taken now, not after the wait
    if (this.interruptNow) {
      this.cancelWait()
      return this.takePending(cur)
    }
    this.status = WAITING
    return undefined
  }

  // -------------------------------------------------------------------------------------
  // mailbox and selective receive
  // -------------------------------------------------------------------------------------

  /** An exited process's messages are let go. */
  protected dropMailbox(): void {
    this.mailbox = undefined
    this.one = EMPTY
  }

  /** Number of messages waiting. */
  get mailboxSize(): number {
    return this.mailbox !== undefined ? this.mailbox.size : this.one === EMPTY ? 0 : 1
  }

  /** The messages waiting, oldest first (a copy). */
  messages(): Array<unknown> {
    return this.mailbox !== undefined ? this.mailbox.messages() : this.one === EMPTY ? [] : [this.one]
  }

  /** Appends a message; wakes the fiber if it waits in a receive that may take it. */
  deliver(message: unknown): void {
    if (this.status === EXITED) return
    if (this.mailbox !== undefined) this.mailbox.push(message)
    else if (this.one === EMPTY) this.one = message
    else {
      // a second message: both go to a mailbox (the first not yet tried, or it would be in one already)
      this.mailbox = new Mailbox(this.one)
      this.mailbox.push(message)
      this.one = EMPTY
    }
    // a receive with clauses may take it (one with only `after` is a sleep); written out, the hot path of every send
    const r = this.rop
    if (this.status === WAITING && r !== undefined && (r._op === op.ON || r.i0 !== NO_CLAUSES)) {
      this.status = RUNNABLE
      this.host.schedule(this.self)
    }
  }

  /** The first waiting message `pred` accepts (oldest first), or `undefined`. */
  findFirst(pred: (m: unknown) => boolean): unknown {
    const m = this.mailbox
    if (m === undefined) return this.one !== EMPTY && pred(this.one) ? this.one : undefined
    const i = m.indexOf(pred)
    return i < 0 ? undefined : m.at(i)
  }

  /** Removes the first waiting message `pred` accepts; `true` if one was removed. */
  removeFirst(pred: (m: unknown) => boolean): boolean {
    const m = this.mailbox
    if (m === undefined) {
      if (this.one === EMPTY || !pred(this.one)) return false
      this.one = EMPTY
      return true
    }
    const i = m.indexOf(pred)
    if (i >= 0) m.take(i)
    return i >= 0
  }

  /**
   * A RECEIVE: the handler's instruction for the first matching message, the
   * `after` handler, or the fiber waits. (The run loop gives a lone `on` to
   * `receiveOn`, which hands it here only to resume a wait over a mailbox.)
   */
  protected receive(cur: Op): Op | undefined {
    const fresh = this.rop === undefined
    const m = this.mailbox
    const clauses = clausesOf(cur)
    if (this.one !== EMPTY && clauses !== NO_CLAUSES) {
      const next = this.receiveOne(clauses, fresh)
      if (next !== NO_MATCH) return next
    } else if (m !== undefined && clauses !== NO_CLAUSES) {
      const decoded = m.select(clauses, fresh ? m.first : m.cursor)
      if (decoded !== NO_MATCH) {
        const handler = m.handler as (m: unknown) => Op
        const message = m.taken
        m.handler = m.taken = undefined
        if (!fresh) this.leaveReceive()
        return this.handled(handler, decoded, message)
      }
    }
    const after = afterOf(cur)
    if (after !== undefined) {
      const next = this.receiveTimer(after, fresh)
      if (next !== undefined) {
        this.point()
        return next
      }
    }
    return this.waitIn(cur)
  }

  /**
   * The commonest receive, without the general path: one `on` clause alone
   * (so no `after`). Without a `Mailbox`, it takes the one message held
   * inline if the clause does, else waits; with one, a fresh receive tries
   * the oldest message first and takes it at once if the clause does (a
   * fan-in's receiver), else goes on from the next. The run loop calls it
   * directly, `receive` too.
   */
  protected receiveOn(cur: Op): Op | undefined {
    const m = this.mailbox
    if (m !== undefined) {
      if (this.rop !== undefined || m.isEmpty) return this.receive(cur)
      const first = m.first
      const oldest = m.at(first)
      const taken = decode(cur, oldest)
      if (taken !== NO_MATCH) {
        m.take(first)
        return this.handled(cur.i1 as (m: unknown) => Op, taken, oldest)
      }
      const decoded = m.select(cur, first + 1)
      if (decoded === NO_MATCH) return this.waitIn(cur)
      const message = m.taken
      m.handler = m.taken = undefined
      return this.handled(cur.i1 as (m: unknown) => Op, decoded, message)
    }
    const message = this.one
    if (message === EMPTY) return this.waitIn(cur)
    const decoded = decode(cur, message)
    if (decoded === NO_MATCH) {
      this.keepTried(message)
      return this.waitIn(cur)
    }
    this.one = EMPTY
    this.rop = undefined // a lone `on` has no `after`: no timer to clear
    return this.handled(cur.i1 as (m: unknown) => Op, decoded, message)
  }

  /**
   * A receive took `message` (decoded: `decoded`): the clause's `handler`
   * runs with it, then a scheduling point. For `receive(codec)` (the handler
   * `succeedWith`), when no scheduling point is asked for (production) and
   * the slice has room, the value goes back at once, counting the step its
   * `succeed` would have taken, as the run loop would (`yield*
   * Process.receive(codec)` resumes its generator without an instruction).
   */
  private handled(handler: (m: unknown) => Op, decoded: unknown, message: unknown): Op | undefined {
    if (this.host.tracing) this.host.received(this.self, message)
    if (handler === succeedWith && this.host.point === undefined && this.left > 0) {
      this.left--
      return this.unstack(decoded)
    }
    const next = handler(decoded)
    this.point()
    return next
  }

  /** The fiber waits in the receive `cur` (no message it takes yet). */
  private waitIn(cur: Op): Op | undefined {
    this.rop = cur
    // an interruption raised meanwhile in this slice (e.g. from inside a `sync`) is taken now, not after the wait
    if (this.interruptNow) return this.takePending(cur)
    this.cur = cur
    this.status = WAITING
    return undefined
  }

  /** The inline message, tried by the waiting receive and not taken: it waits in a mailbox, behind the cursor. */
  private keepTried(message: unknown): void {
    this.mailbox = new Mailbox(message)
    this.mailbox.cursor = 1
    this.one = EMPTY
  }

  /**
   * A receive tries the one message held without a mailbox: the handler's
   * instruction if a clause matches it; else it moves into a `Mailbox`,
   * behind the cursor (tried), and `NO_MATCH`.
   */
  private receiveOne(clauses: Clauses, fresh: boolean): Op | undefined | typeof NO_MATCH {
    const message = this.one
    let clause: OnClause | undefined
    let decoded: unknown = NO_MATCH
    if (!Array.isArray(clauses)) {
      clause = clauses as OnClause
      decoded = decode(clause, message)
    } else
      for (let c = 0; c < clauses.length && decoded === NO_MATCH; c++) {
        clause = clauses[c] as OnClause
        decoded = decode(clause, message)
      }
    if (decoded === NO_MATCH) {
      this.keepTried(message)
      return NO_MATCH
    }
    this.one = EMPTY
    if (!fresh) this.leaveReceive()
    return this.handled((clause as OnClause).i1 as (m: unknown) => Op, decoded, message)
  }

  /** The `after` clause: its handler when the time is up, else (re-)arms its timer and the fiber waits. */
  private receiveTimer(after: AfterClause, fresh: boolean): Op | undefined {
    if (fresh) {
      if (after.ms === 0) return after.handler()
      if (after.ms !== Infinity) {
        const w = new ReceiveTimer(this.host.clock.now() + after.ms)
        this.more().rtimer = w
        this.armReceiveTimer(w, after.ms)
      }
      return undefined
    }
    const w = this.rare?.rtimer
    if (w !== undefined && w.timedOut) {
      w.timedOut = false
      const left = w.deadline - this.host.clock.now()
      if (left <= 0) {
        this.leaveReceive()
        return after.handler()
      }
      this.armReceiveTimer(w, left) // the host timer fired early: re-arm for the rest
    }
    return undefined
  }

  private armReceiveTimer(w: ReceiveTimer, ms: number): void {
    w.handle = this.host.clock.setTimer(ms, () => {
      w.handle = undefined
      if (this.rare?.rtimer !== w) return
      w.timedOut = true
      if (this.status === WAITING) this.wake()
    })
  }

  protected leaveReceive(): void {
    this.rop = undefined
    const w = this.rare?.rtimer
    if (w !== undefined) {
      this.more().rtimer = undefined
      if (w.handle !== undefined) this.host.clock.clearTimer(w.handle)
    }
  }
}
