/**
 * The process table and everything between processes: spawning, message
 * delivery (with mailbox codecs and dead letters), links, monitors, exit
 * signals, registered names, and the run queue drained in batches.
 *
 * Exit signals follow real Elixir (docs/exit-signals.md); they are delivered
 * without recursion: a dying process marks its linked processes for
 * interruption, and each one unwinds in its own slice.
 *
 * @internal
 */
import { Observable, Subject } from './rx.js'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import * as Ex from '../Exit.js'
import type { Cause, Reason } from '../Exit.js'
import type { DeadLetter, Event, ExitEvent } from './event.js'
import type { Clock, Scheduler } from '../Scheduler.js'
import { EXITED, Fiber, RUNNABLE } from './fiber.js'
import { AliasRef, Monitor, Relations } from './relations.js'
import type { BadArg, NoProcess } from './errors.js'
import type { Host, SpawnOpts } from './host.js'
import { isViaName, resolveVia } from './via.js'
import type { Op } from './op.js'
import { exitMessage, exitSignal, linkSignal } from './signals.js'
import { safeString } from './show.js'
import { toPid, type Pid } from '../Pid.js'
import { PidImpl, RefImpl, RemotePid, RemoteRef } from './pid.js'
import type { NodeLayer, RemoteName } from './node/layer.js'

const rel = (f: Fiber): Relations<Fiber> => (f.rel ??= new Relations<Fiber>())

/** A batch of slices ends after about this long (ms), and the host's timers and I/O run. */
const BATCH_MS = 5
/** Aim: read the clock about this often (ms) while running processes. */
const CHECK_MS = 0.25
/** At most this many steps plus slices between two readings of the clock. */
const MAX_EVERY = 256
/** A process whose stride is below this (steps of about 60 us or more) has the start of its slices timed too. */
const TIME_SLICE_BELOW = 4

/**
 * The next stride of a process that ran `used` steps in `dt` ms: steps
 * enough for about a quarter of a slice; it shrinks at once and grows at most
 * twofold, up to `MAX_EVERY`.
 */
const strideFor = (stride: number, used: number, dt: number, sliceMs: number): number => {
  const fit = dt > 0 ? Math.floor((used * sliceMs) / (4 * dt)) : MAX_EVERY
  return fit < stride ? Math.max(1, fit) : Math.min(fit, stride * 2, MAX_EVERY)
}

const SHUTDOWN: Cause = { _tag: 'Shutdown' }

/** The public view of an internal pid. */

/** @internal */
export interface KernelOptions {
  readonly clock: Clock
  readonly scheduler: Scheduler<Fiber>
  readonly onError?: ((error: unknown, where: string, pid: PidImpl | undefined) => void) | undefined
  /** How long a killed or shut-down process's finalizers may run before it is abandoned (ms). Default 5000. */
  readonly finalizerTimeout?: number | undefined
  /** The first pid number (test clusters number each node's pids apart, so one scheduler tells them apart). Default 1. */
  readonly firstId?: number | undefined
}

/** @internal */
export class Kernel implements Host<Fiber> {
  readonly clock: Clock
  readonly scheduler: Scheduler<Fiber>
  /**
   * The live processes, oldest first: a list through the fibers themselves,
   * so a spawn and an exit link and unlink one object (no table to hash into,
   * grow and shrink).
   */
  private first: Fiber | undefined = undefined
  private last: Fiber | undefined = undefined
  /** How many processes are alive. */
  private live = 0
  /** The live processes by number: made on first use (the node layer, the observer), kept up to date after. */
  private byId: Map<number, Fiber> | undefined = undefined

  /** The live processes by number (a table made on first use, then kept up to date). */
  get procs(): ReadonlyMap<number, Fiber> {
    if (this.byId === undefined) {
      const byId = new Map<number, Fiber>()
      for (let f = this.first; f !== undefined; f = f.nextLive) byId.set(f.pid.id, f)
      this.byId = byId
    }
    return this.byId
  }

  /** How many processes are alive. */
  get liveCount(): number {
    return this.live
  }

  /** The live processes, oldest first (a copy). */
  liveFibers(): Array<Fiber> {
    const out: Array<Fiber> = []
    for (let f = this.first; f !== undefined; f = f.nextLive) out.push(f)
    return out
  }

  /** A new process joins the end of the live list. */
  private enlist(f: Fiber): void {
    f.prevLive = this.last
    if (this.last === undefined) this.first = f
    else this.last.nextLive = f
    this.last = f
    this.live++
    this.byId?.set(f.pid.id, f)
  }

  /** A process that exited leaves the live list (once). */
  private delist(f: Fiber): void {
    const prev = f.prevLive
    const next = f.nextLive
    if (prev === undefined && this.first !== f) return
    if (prev === undefined) this.first = next
    else prev.nextLive = next
    if (next === undefined) this.last = prev
    else next.prevLive = prev
    f.prevLive = f.nextLive = undefined
    this.live--
    this.byId?.delete(f.pid.id)
  }
  readonly names = new Map<string, Fiber>()
  /** Pending `sendAfter` timers. */
  private readonly timers = new Map<RefImpl, SendTimer>()
  /** One-shot reply aliases with no process behind them (`Rx.ask`): ref -> what takes the message. */
  readonly outsideAliases = new Map<RefImpl, (message: unknown) => void>()
  readonly exits = new Subject<ExitEvent>()
  readonly deadLetters = new Subject<DeadLetter>()
  private readonly eventSubject = new Subject<Event>()
  /** Subscribers to `events`: counted, so the hot path reads a plain field instead of asking the Subject. */
  private eventObservers = 0
  /** `events$`: a hot stream of everything that happens. */
  readonly events: Observable<Event> = new Observable<Event>((subscriber) => {
    this.eventObservers++
    this.tracing = true
    const s = this.eventSubject.subscribe(subscriber)
    return () => {
      s.unsubscribe()
      this.eventObservers--
      this.tracing = this.sink !== undefined || this.eventObservers > 0
    }
  })
  /** `true` when someone observes events (a subscriber or the test runtime's sink). */
  tracing = false
  /** The test runtime's scheduling-point hook (see `Host.point`); never set in production. */
  point: ((f: Fiber, budgetLeft: number) => boolean) | undefined = undefined
  private sinkFn: ((e: Event) => void) | undefined = undefined
  /** A synchronous observer of every event (the test runtime's trace). */
  get sink(): ((e: Event) => void) | undefined {
    return this.sinkFn
  }
  set sink(f: ((e: Event) => void) | undefined) {
    this.sinkFn = f
    this.tracing = f !== undefined || this.eventObservers > 0
  }
  /** The node layer, when this runtime is a node: the remote branches below go there (never taken for local pids). */
  node: NodeLayer | undefined = undefined
  /** Called after each slice a process runs; set only while an observer is attached. */
  onSlice: ((f: Fiber) => void) | undefined = undefined
  /** Processes whose exit someone awaits (`run`, `Rx.exits`): allocated only for them. */
  private readonly watchers = new Map<Fiber, Array<(r: Reason) => void>>()
  private nextId = 1
  private nextRef = 1
  /** Steps plus slices between two readings of the clock in `drainByTime` (adapted). */
  private every = MAX_EVERY
  private requested = false
  private draining = false
  private closing = false
  private readonly idle: Array<() => void> = []
  /** Killed processes still running finalizers: fiber -> the timer that abandons it. */
  private readonly dying = new Map<Fiber, unknown>()
  private shutdownTimer: unknown = undefined
  private readonly onError: KernelOptions['onError']
  private readonly finalizerTimeout: number

  constructor(options: KernelOptions) {
    this.clock = options.clock
    this.scheduler = options.scheduler
    this.onError = options.onError
    this.finalizerTimeout = options.finalizerTimeout ?? 5000
    this.nextId = options.firstId ?? 1
  }

  private emit(e: Event): void {
    if (this.sinkFn !== undefined) this.sinkFn(e)
    if (this.eventObservers > 0) {
      try {
        this.eventSubject.next(e)
      } catch (err) {
        this.observerThrew(err)
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // scheduling
  // -------------------------------------------------------------------------------------

  schedule(f: Fiber): void {
    if (f.queued) return
    f.queued = true
    this.scheduler.push(f)
    if (!this.draining && !this.requested) {
      this.requested = true
      this.scheduler.request(this.drain)
    }
  }

  /** Runs ready processes for a batch (a few ms), then yields to the host. */
  readonly drain = (): void => {
    this.requested = false
    this.runReady()
  }

  /**
   * Runs `deliver` (a node's transport handing over mail), then the ready
   * processes at once, as one batch of a drain (the same slices and time
   * bound), so a reply goes out in the same callback instead of after the
   * next macrotask. Within a drain it only delivers.
   */
  deliverNow(deliver: () => void): void {
    if (this.draining) return deliver()
    const requested = this.requested
    this.requested = true // what `deliver` makes ready runs just below, not on a macrotask
    try {
      deliver()
    } finally {
      this.requested = requested
      this.runReady()
    }
  }

  private runReady(): void {
    if (this.draining) return
    this.draining = true
    try {
      const sliceMs = this.scheduler.sliceMs
      if (sliceMs === undefined) this.drainBySteps()
      else this.drainByTime(sliceMs)
    } finally {
      this.draining = false
    }
    // a node hands its batched envelopes to the transport once per drain
    if (this.node !== undefined) this.node.flush()
    if (!this.scheduler.isEmpty() && !this.requested) {
      this.requested = true
      this.scheduler.request(this.drain)
    }
  }

  /** Slices bounded by steps only (a deterministic scheduler); the batch by about 10 ms. */
  private drainBySteps(): void {
    const start = performance.now()
    let n = 0
    for (;;) {
      const f = this.scheduler.pop()
      if (f === undefined) break
      f.queued = false
      if (f.status !== RUNNABLE) continue
      f.run(this.scheduler.budget())
      if (this.onSlice !== undefined) this.onSlice(f)
      if (f.status === RUNNABLE) this.schedule(f)
      if ((++n & 127) === 0 && performance.now() - start > 10) break
    }
  }

  /**
   * Slices bounded by steps and by time (about `sliceMs`), the batch by
   * `BATCH_MS`. The clock is read rarely, so the hot path does not pay for it:
   * within a slice every `f.stride` steps (adapted to that process's step
   * cost), and across slices every `every` steps-plus-slices (adapted so that
   * readings come about every `CHECK_MS`).
   */
  private drainByTime(sliceMs: number): void {
    const s = this.scheduler
    let last = performance.now()
    const end = last + BATCH_MS
    let credit = this.every
    for (;;) {
      const f = s.pop()
      if (f === undefined) return
      f.queued = false
      if (f.status !== RUNNABLE) continue
      let budget = s.budget()
      // a process known to be slow has its whole slice timed; another's slice is timed from its first reading on
      let timed = f.stride < TIME_SLICE_BELOW
      if (timed) last = performance.now()
      let sliceStart = last
      for (;;) {
        const n = budget < f.stride ? budget : f.stride
        const used = n - f.run(n)
        budget -= used
        credit -= used + 1
        if (used < n || budget <= 0 || f.status !== RUNNABLE) break // it waits, exited, yielded or used its slice
        // its stride ran out: read the clock
        const now = performance.now()
        f.stride = strideFor(f.stride, used, now - last, sliceMs)
        credit = this.every
        last = now
        if (!timed) {
          timed = true
          sliceStart = now
        }
        if (now - sliceStart >= sliceMs || now >= end) break
      }
      if (this.onSlice !== undefined) this.onSlice(f)
      if (f.status === RUNNABLE) this.schedule(f)
      if (credit <= 0 || last >= end) {
        const now = performance.now()
        const dt = now - last
        // adapt how often to read: about every CHECK_MS
        if (dt > CHECK_MS) this.every = Math.max(1, Math.floor(((this.every - credit) * CHECK_MS) / dt))
        else if (dt < CHECK_MS / 4 && this.every < MAX_EVERY) this.every *= 2
        credit = this.every
        last = now
        if (now >= end) return
      }
    }
  }

  /** `true` while a drain runs (a node batches its envelopes until the end of it). */
  get isDraining(): boolean {
    return this.draining
  }

  /** The process of `pid` in this runtime: a pid of another runtime is no process here. */
  private local(pid: PidImpl): Fiber | undefined {
    const f = pid._fiber as Fiber | undefined
    return f !== undefined && f.host === this ? f : undefined
  }

  makeRef(): RefImpl {
    return new RefImpl(this.nextRef++)
  }

  // -------------------------------------------------------------------------------------
  // spawning and exiting
  // -------------------------------------------------------------------------------------

  spawn(parent: Fiber | undefined, program: Op, opts: SpawnOpts): readonly [PidImpl, RefImpl | undefined] {
    const pid = new PidImpl(this.nextId++, undefined)
    const f = new Fiber(this, pid, program, opts.mailbox)
    pid._fiber = f
    this.enlist(f)
    if (this.tracing)
      this.emit(
        parent === undefined
          ? { _tag: 'Spawn', pid: toPid(pid) }
          : { _tag: 'Spawn', pid: toPid(pid), parent: toPid(parent.pid) }
      )
    if (opts.name !== undefined) {
      f.name = opts.name
      this.names.set(opts.name, f)
    }
    if (parent !== undefined && opts.link === true) this.linkBoth(parent, f)
    const ref = parent !== undefined && opts.monitor === true ? this.monitor(parent, pid) : undefined
    if (this.closing) f.interrupt(Ex.shutdown, SHUTDOWN)
    this.schedule(f)
    return [pid, ref]
  }

  exited(f: Fiber, reason: Reason, cause: Cause): void {
    const deadline = this.dying.size === 0 ? undefined : this.dying.get(f)
    if (deadline !== undefined) {
      this.clock.clearTimer(deadline)
      this.dying.delete(f)
    }
    const pid = f.pid
    pid._exit = { reason, cause }
    this.delist(f)
    if (f.name !== undefined && this.names.get(f.name) === f) this.names.delete(f.name)
    pid._fiber = undefined
    if (this.tracing) this.emit({ _tag: 'Exit', pid: toPid(pid), reason, cause })
    // messages it never read: dead letters, when someone observes them
    if (this.tracing || this.deadLetters.observed)
      for (const message of f.messages()) this.deadLetter({ to: toPid(pid), message, reason: 'noproc' })
    const r = f.rel
    f.rel = undefined
    // link signals first, then DOWN messages (as observed on Elixir); a table never made is skipped
    if (r?.links !== undefined)
      for (const l of r.links) {
        l.rel?.links?.delete(f)
        linkSignal(l, pid, reason)
      }
    // every monitor on it, oldest first: the one it keeps itself, then the table (written out: no closure per exit)
    const w = f.watchedBy
    if (w !== undefined) {
      f.watchedBy = undefined
      this.watchedExited(w, reason)
    }
    if (r !== undefined) {
      if (r.watchers !== undefined) for (const m of r.watchers) this.watchedExited(m, reason)
      for (let m = r.held; m !== undefined;) {
        const next = m.next
        m.prev = m.next = undefined
        this.unwatch(m)
        m = next
      }
      while (r.aliases !== undefined) r.dropAlias(r.aliases)
      if (r.timers !== undefined) for (const ref of r.timers) this.dropTimer(ref as RefImpl)
    }
    if (this.node !== undefined) this.node.exited(f, reason)
    if (this.exits.observed) {
      try {
        this.exits.next({ pid: toPid(pid), reason, cause })
      } catch (e) {
        this.observerThrew(e)
      }
    }
    const ws = this.watchers.size === 0 ? undefined : this.watchers.get(f)
    if (ws !== undefined) {
      this.watchers.delete(f)
      for (const w of ws) {
        try {
          w(reason)
        } catch (e) {
          this.observerThrew(e)
        }
      }
    }
    if (this.live === 0) this.checkIdle()
  }

  /**
   * `f` was killed: its finalizers (or the uninterruptible region it is in)
   * get `finalizerTimeout` ms; a process still running then is abandoned
   * (reported, and it exits with `killed` at once).
   */
  killed(f: Fiber): void {
    if (this.dying.has(f) || !f.mayLinger) return
    this.dying.set(
      f,
      this.clock.setTimer(this.finalizerTimeout, () => this.abandon(f, 'kill'))
    )
  }

  private abandon(f: Fiber, after: string): void {
    this.dying.delete(f)
    if (f.status === EXITED) return
    this.report(
      f,
      new Error(`still running ${this.finalizerTimeout} ms after ${after}: abandoned`),
      'finalizer timeout'
    )
    f.abandon()
  }

  private checkIdle(): void {
    if (this.live > 0 || !this.closing) return
    if (this.shutdownTimer !== undefined) {
      this.clock.clearTimer(this.shutdownTimer)
      this.shutdownTimer = undefined
    }
    // shut down: a `sendAfter` aimed at a name or an alias dies with the runtime (it would only make dead letters)
    for (const ref of [...this.timers.keys()]) this.dropTimer(ref)
    for (const k of this.idle.splice(0)) k()
  }

  /** Calls `k` with the exit reason of `pid` (at once with `noproc` when it is not alive). */
  onExit(pid: PidImpl, k: (r: Reason) => void): () => void {
    const f = this.local(pid)
    if (f === undefined || f.status === EXITED) {
      k(Ex.noproc)
      return () => {}
    }
    let ws = this.watchers.get(f)
    if (ws === undefined) this.watchers.set(f, (ws = []))
    ws.push(k)
    return () => {
      const list = this.watchers.get(f)
      if (list === undefined) return
      const i = list.indexOf(k)
      if (i >= 0) list.splice(i, 1)
      if (list.length === 0) this.watchers.delete(f)
    }
  }

  /**
   * Exits every process with `shutdown` (untrappable here); resolves when none
   * is left. Bounded: processes whose finalizers still run `finalizerTimeout`
   * ms later are abandoned (and reported).
   */
  shutdown(): Promise<void> {
    this.closing = true
    return new Promise((resolve) => {
      this.idle.push(resolve)
      if (this.live === 0) return this.checkIdle()
      for (const f of this.liveFibers()) f.interrupt(Ex.shutdown, SHUTDOWN)
      this.shutdownTimer ??= this.clock.setTimer(this.finalizerTimeout, () => {
        this.shutdownTimer = undefined
        for (const f of this.liveFibers()) this.abandon(f, 'shutdown')
      })
    })
  }

  report(f: Fiber, error: unknown, where: string): void {
    if (this.tracing) this.emit({ _tag: 'Error', pid: toPid(f.pid), where, error })
    if (this.onError !== undefined) this.callOnError(error, where, f.pid)
    else if (!this.tracing) console.error(`fp-ts-actors: ${where} of ${f.pid} failed:`, error)
  }

  /**
   * An observer of the runtime threw (a subscriber of its streams, an operator
   * piped on them, a callback awaiting an exit): `onError(error, 'observer')`,
   * else `console.error`. Never an `Error` event: that observer may be the one throwing.
   */
  readonly observerThrew = (error: unknown): void => {
    if (this.onError !== undefined) this.callOnError(error, 'observer', undefined)
    else console.error('fp-ts-actors: an observer of the runtime threw:', error)
  }

  private callOnError(error: unknown, where: string, pid: PidImpl | undefined): void {
    try {
      ;(this.onError as NonNullable<KernelOptions['onError']>)(error, where, pid)
    } catch (e) {
      console.error(`fp-ts-actors: onError threw while reporting a failure (${where}):`, e, error)
    }
  }

  received(f: Fiber, message: unknown): void {
    this.emit({ _tag: 'Receive', pid: toPid(f.pid), message })
  }

  // -------------------------------------------------------------------------------------
  // messages
  // -------------------------------------------------------------------------------------

  send(from: Fiber | undefined, dest: unknown, message: unknown): NoProcess | undefined {
    // the common case first, in one test: a live local pid, no observer, no mailbox codec
    if (dest instanceof PidImpl && !this.tracing) {
      const f = dest._fiber as Fiber | undefined
      if (f !== undefined && f.host === this && f.status !== EXITED && f.codec === undefined) {
        f.deliver(message)
        return undefined
      }
    }
    let target: Fiber | undefined
    if (dest instanceof RefImpl) return this.sendAlias(from, dest, message)
    if (isViaName(dest)) {
      // a name kept by a name service (a Registry...): the pid it stands for now
      const pid = resolveVia(dest)
      if (pid === undefined) return { _tag: 'NoProcess', dest: dest as never }
      dest = pid
    }
    if (dest instanceof PidImpl) {
      target = this.local(dest)
      if (target === undefined && dest instanceof RemotePid) return this.sendRemote(from, dest, message)
    } else if (typeof dest === 'string') {
      target = this.names.get(dest)
      if (target === undefined) return { _tag: 'NoProcess', dest }
    } else return this.sendRemote(from, dest as RemoteName, message)
    if (this.tracing)
      this.emit({
        _tag: 'Send',
        from: from === undefined ? undefined : toPid(from.pid),
        to: dest as Pid<unknown> | string,
        message
      })
    if (target === undefined || target.status === EXITED) {
      this.deadLetter({ to: dest as Pid<unknown> | string, message, reason: 'noproc' })
      return undefined
    }
    const codec = target.codec
    if (codec !== undefined) {
      let report: ReadonlyArray<string> | undefined
      try {
        const v = codec.decode(message)
        if (v._tag === 'Left') report = PathReporter.report(v)
      } catch (e) {
        report = [`the mailbox codec threw: ${safeString(e)}`]
      }
      if (report !== undefined) {
        this.deadLetter({ to: dest as Pid<unknown> | string, message, reason: 'rejected', report })
        return undefined
      }
    }
    target.deliver(message)
    return undefined
  }

  /** A message to a process of another node, or to `{ name, node }`. */
  private sendRemote(from: Fiber | undefined, dest: RemotePid | RemoteName, message: unknown): undefined {
    if (this.tracing)
      this.emit({ _tag: 'Send', from: from === undefined ? undefined : toPid(from.pid), to: dest as never, message })
    const node = this.node
    if (node === undefined) this.deadLetter({ to: dest as never, message, reason: 'noproc' })
    else if (dest instanceof RemotePid) node.send(dest, message)
    else node.sendName(from, dest, message)
    return undefined
  }

  /** A message to the process registered as `name` here (from another node: never an error, at worst a dead letter). */
  deliverByName(name: string, message: unknown): void {
    if (this.names.has(name)) this.send(undefined, name, message)
    else this.deadLetter({ to: name, message, reason: 'noproc' })
  }

  /** A message through a reply alias: bypasses the mailbox codec; an inactive alias makes it a dead letter. */
  private sendAlias(from: Fiber | undefined, ref: RefImpl, message: unknown): undefined {
    const target = ref instanceof AliasRef ? (ref as AliasRef<Fiber>).owner : undefined
    if (this.tracing)
      this.emit({ _tag: 'Send', from: from === undefined ? undefined : toPid(from.pid), to: ref as never, message })
    if (target === undefined && ref instanceof RemoteRef && this.node !== undefined) {
      this.node.sendAlias(ref, message)
      return undefined
    }
    if (target === undefined) {
      const k = this.outsideAliases.get(ref)
      if (k !== undefined) {
        this.outsideAliases.delete(ref)
        try {
          k(message)
        } catch (e) {
          this.observerThrew(e)
        }
        return undefined
      }
      this.deadLetter({ to: ref as never, message, reason: 'noproc' })
      return undefined
    }
    if ((ref as AliasRef<Fiber>).oneShot) this.unalias(target, ref)
    target.deliver(message)
    return undefined
  }

  sendAfter(from: Fiber, dest: unknown, message: unknown, ms: number): RefImpl {
    const ref = this.makeRef()
    // a timer aimed at a pid lives as long as that process (Erlang cancels it when the process exits)
    const target = dest instanceof PidImpl ? this.local(dest) : undefined
    const due = this.clock.now() + ms
    const timer: SendTimer = {
      due,
      target,
      handle: this.clock.setTimer(ms, () => {
        this.dropTimer(ref)
        if (this.send(from.status === EXITED ? undefined : from, dest, message) !== undefined) {
          this.deadLetter({ to: dest as string, message, reason: 'noproc' })
        }
      })
    }
    this.timers.set(ref, timer)
    if (target !== undefined) {
      const r = rel(target)
      r.timers ??= new Set()
      r.timers.add(ref)
    }
    return ref
  }

  cancelTimer(_from: Fiber, ref: RefImpl): number | undefined {
    const t = this.timers.get(ref)
    if (t === undefined) return undefined
    this.dropTimer(ref)
    return Math.max(0, t.due - this.clock.now())
  }

  private dropTimer(ref: RefImpl): void {
    const t = this.timers.get(ref)
    if (t === undefined) return
    this.timers.delete(ref)
    this.clock.clearTimer(t.handle)
    t.target?.rel?.timers?.delete(ref)
  }

  alias(from: Fiber, oneShot: boolean): RefImpl {
    const ref = new AliasRef<Fiber>(this.nextRef++, from, oneShot)
    rel(from).addAlias(ref)
    return ref
  }

  unalias(from: Fiber, ref: RefImpl): boolean {
    if (!(ref instanceof AliasRef) || ref.owner !== from) return false
    rel(from).dropAlias(ref as AliasRef<Fiber>)
    return true
  }

  /**
   * A one-shot reply alias owned by code outside any process (`Rx.ask`): the
   * first message sent to it goes to `k` (which must not throw), later ones
   * are dead letters. Nothing is spawned for it.
   */
  aliasOutside(k: (message: unknown) => void): RefImpl {
    const ref = this.makeRef()
    this.outsideAliases.set(ref, k)
    return ref
  }

  post(_f: Fiber, alias: RefImpl, message: unknown): void {
    this.send(undefined, alias, message)
  }

  /** Deactivates an outside alias: a reply that comes later is a dead letter. `true` if it was active. */
  unaliasOutside(ref: RefImpl): boolean {
    return this.outsideAliases.delete(ref)
  }

  deadLetter(letter: DeadLetter): void {
    if (this.tracing) this.emit({ _tag: 'DeadLetter', letter })
    if (this.deadLetters.observed) {
      try {
        this.deadLetters.next(letter)
      } catch (e) {
        this.observerThrew(e)
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // links, monitors, exit signals
  // -------------------------------------------------------------------------------------

  private linkBoth(a: Fiber, b: Fiber): void {
    const ra = rel(a)
    if (ra.links?.has(b) === true) return
    ra.links ??= new Set()
    ra.links.add(b)
    const rb = rel(b)
    rb.links ??= new Set()
    rb.links.add(a)
    if (this.tracing) this.emit({ _tag: 'Link', from: toPid(a.pid), to: toPid(b.pid) })
  }

  link(from: Fiber, pid: PidImpl): NoProcess | undefined {
    const t = this.local(pid)
    if (t === from) return undefined
    if (t === undefined && pid instanceof RemotePid) {
      // as Erlang: linking to a remote pid returns at once; a dead one answers with a noproc exit signal
      if (this.node !== undefined) this.node.link(from, pid)
      else if (!from.trapExit) return { _tag: 'NoProcess', dest: toPid(pid) }
      else from.deliver(exitMessage(pid, Ex.noproc))
      return undefined
    }
    if (t === undefined || t.status === EXITED) {
      if (!from.trapExit) return { _tag: 'NoProcess', dest: toPid(pid) }
      from.deliver(exitMessage(pid, Ex.noproc))
      return undefined
    }
    this.linkBoth(from, t)
    return undefined
  }

  unlink(from: Fiber, pid: PidImpl): void {
    const t = this.local(pid)
    if (t === undefined && pid instanceof RemotePid) return this.node?.unlink(from, pid)
    if (t === undefined || from.rel?.links === undefined || !from.rel.links.delete(t)) return
    t.rel?.links?.delete(from)
    if (this.tracing) this.emit({ _tag: 'Unlink', from: toPid(from.pid), to: toPid(pid) })
  }

  monitor(from: Fiber, target: PidImpl | string | RemoteName): RefImpl {
    if (typeof target === 'object' && !(target instanceof PidImpl))
      return this.monitorRemote(from, target, this.makeRef())
    const t = typeof target === 'string' ? this.names.get(target) : this.local(target)
    if (t === undefined && target instanceof RemotePid) return this.monitorRemote(from, target, this.makeRef())
    const live = t !== undefined && t.status !== EXITED
    // a monitor of a live process here is its own ref
    const ref = live ? new Monitor<Fiber>(this.nextRef++, from, t, target) : this.makeRef()
    if (this.tracing)
      this.emit({
        _tag: 'Monitor',
        watcher: toPid(from.pid),
        target: typeof target === 'string' ? target : toPid(target),
        ref: ref as never
      })
    if (!live) {
      this.down(from, ref, target, Ex.noproc)
      return ref
    }
    const m = ref as Monitor<Fiber>
    rel(from).hold(m)
    // the first monitor on a process it keeps itself while it is the only one; the others (oldest first) in a table
    const tf = t as Fiber
    if (tf.watchedBy === undefined && tf.rel?.watchers === undefined) tf.watchedBy = m
    else (rel(tf).watchers ??= new Set()).add(m)
    return m
  }

  private monitorRemote(from: Fiber, target: RemotePid | RemoteName, ref: RefImpl): RefImpl {
    if (this.tracing)
      this.emit({ _tag: 'Monitor', watcher: toPid(from.pid), target: target as never, ref: ref as never })
    if (this.node !== undefined) this.node.monitor(from, target, ref)
    else this.down(from, ref, target instanceof RemotePid ? target : target.name, Ex.noproc)
    return ref
  }

  demonitor(from: Fiber, ref: RefImpl): boolean {
    if (!(ref instanceof Monitor) || ref.watcher !== from || from.rel === undefined)
      return this.node !== undefined && this.node.demonitor(from, ref)
    from.rel.release(ref)
    this.unwatch(ref)
    return true
  }

  /** A monitor ends without a DOWN: its target forgets it, and it lets go of both ends. */
  private unwatch(m: Monitor<Fiber>): void {
    const t = m.target
    if (t !== undefined) {
      if (t.watchedBy === m) t.watchedBy = undefined
      else t.rel?.watchers?.delete(m)
    }
    m.watcher = m.target = undefined
  }

  /** A DOWN for `watcher`'s monitor `ref` (the node layer's too). */
  deliverDown(watcher: Fiber, ref: RefImpl, target: PidImpl | string, reason: Reason): void {
    this.down(watcher, ref, target, reason)
  }

  /** A `Link`/`Unlink` event (the node layer's remote links). */
  emitLink(tag: 'Link' | 'Unlink', from: PidImpl, to: PidImpl): void {
    if (this.tracing) this.emit({ _tag: tag, from: toPid(from), to: toPid(to) })
  }

  /** A process `watcher` monitored (by `ref`) has exited: the monitor is gone, and its DOWN goes out. */
  private watchedExited(m: Monitor<Fiber>, reason: Reason): void {
    const watcher = m.watcher as Fiber
    m.watcher = m.target = undefined
    watcher.rel?.release(m)
    this.down(watcher, m, m.what, reason)
  }

  private down(watcher: Fiber, ref: RefImpl, target: PidImpl | string, reason: Reason): void {
    if (this.tracing) this.emit({ _tag: 'Down', watcher: toPid(watcher.pid), ref: ref as never, reason })
    watcher.deliver({ _tag: 'DOWN', ref, pid: target, reason })
  }

  /** `Process.exit(pid, reason)` sent by `from` (from outside any process when `undefined`). */
  exitSignal(from: Fiber | undefined, pid: PidImpl, reason: Reason): void {
    const t = this.local(pid)
    if (t !== undefined) exitSignal(t, from?.pid ?? pid, reason, t === from)
    else if (pid instanceof RemotePid) this.node?.exit2(from, pid, reason)
  }

  isAlive(pid: PidImpl): boolean {
    const f = this.local(pid)
    if (f === undefined && pid instanceof RemotePid) return this.node !== undefined && this.node.isAlive(pid)
    return f !== undefined && f.alive
  }

  // -------------------------------------------------------------------------------------
  // names
  // -------------------------------------------------------------------------------------

  register(name: string, pid: PidImpl): BadArg | undefined {
    const owner = this.names.get(name)
    if (owner !== undefined)
      return badArg(`Process.register: the name ${JSON.stringify(name)} is already registered to ${owner.pid}`)
    if (pid instanceof RemotePid)
      return badArg(
        `Process.register: ${pid} is a process of node ${pid.node}: a name is registered on the process's own node`
      )
    const f = this.local(pid)
    if (f === undefined || !f.alive) return badArg(`Process.register: ${pid} is not alive`)
    if (f.name !== undefined)
      return badArg(`Process.register: ${pid} is already registered as ${JSON.stringify(f.name)}`)
    f.name = name
    this.names.set(name, f)
    return undefined
  }

  unregister(name: string): BadArg | undefined {
    const f = this.names.get(name)
    if (f === undefined) return badArg(`Process.unregister: the name ${JSON.stringify(name)} is not registered`)
    this.names.delete(name)
    f.name = undefined
    return undefined
  }

  whereis(name: string): PidImpl | undefined {
    return this.names.get(name)?.pid
  }
}

interface SendTimer {
  readonly due: number
  readonly target: Fiber | undefined
  readonly handle: unknown
}

const badArg = (message: string): BadArg => ({ _tag: 'BadArg', message })
