/**
 * Drive one process by hand: no scheduler, no timers, no promises. The
 * process runs synchronously, inside each call, until it blocks.
 *
 * ```ts
 * const kit = TestKit.spawn(program)
 * kit.send(msg)         // deliver a message (through its mailbox codec), run until it blocks
 * kit.advance(ms)       // virtual time: fires `after` clauses and `sleep`
 * kit.signal(from, r)   // an exit signal, by the trap / no-trap rules
 * kit.sent()            // what it sent: recorded, not delivered
 * kit.spawned()         // children: recorded, not run; each is a kit of its own
 * kit.status, kit.exit, kit.links(), kit.monitors(), kit.mailbox()
 * ```
 *
 * Everything outside the process is the test's to play: a pid or name it
 * sends to is assumed alive, a request it sends shows up in `sent()`, and the
 * test answers with `send`. A monitor on another process stays silent until
 * the test calls `down(ref, reason)`.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process, TestKit } from 'fp-ts-actors'
 * const Ping = t.type({ _tag: t.literal('Ping'), from: Process.pid })
 * const server = Process.receive(Process.on(Ping, (m) => Process.send(m.from, 'pong')))
 * const kit = TestKit.spawn(server)
 * const client = TestKit.spawn(Effect.never).pid
 * kit.send({ _tag: 'Ping', from: client })
 * kit.sent() // [{ to: client, message: 'pong' }]
 *
 * @since 0.1.0
 */
import type { Decoder } from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import type { Effect } from '../Effect.js'
import * as Ex from '../Exit.js'
import type { Reason } from '../Exit.js'
import type { DeadLetter } from '../internal/event.js'
import { describe } from '../internal/check.js'
import { EXITED, Fiber, RUNNABLE, WAITING } from '../internal/fiber.js'
import type { BadArg, NoProcess } from '../internal/errors.js'
import type { Host, SpawnOpts } from '../internal/host.js'
import { checkMailbox, checkPid, checkProgram } from '../internal/check.js'
import type { Op } from '../internal/op.js'
import { exitSignal, linkSignal } from '../internal/signals.js'
import { PidImpl, RefImpl } from '../internal/pid.js'
import { fromRef, toPid, toRef, type Pid, type Ref } from '../Pid.js'
import type { Dest, SpawnOptions } from '../Process.js'
import { VirtualClock } from './VirtualClock.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Something the process sent.
 *
 * @category model
 * @since 0.1.0
 */
export interface Sent {
  readonly to: Dest
  readonly message: unknown
}

/**
 * An exit signal the process sent with `Process.exit(pid, reason)`.
 *
 * @category model
 * @since 0.1.0
 */
export interface SignalSent {
  readonly to: Pid<unknown>
  readonly reason: Reason
}

/**
 * A monitor the process holds.
 *
 * @category model
 * @since 0.1.0
 */
export interface MonitorInfo {
  readonly ref: Ref
  readonly target: Pid<unknown> | string
}

/**
 * One process under test.
 *
 * @category model
 * @since 0.1.0
 */
export interface Kit {
  readonly pid: Pid<unknown>
  /** `waiting` (blocked in receive, sleep or async), `exited`, or `running` (never seen between calls). */
  readonly status: 'running' | 'waiting' | 'exited'
  readonly exit: Option<Reason>
  /** The virtual time of this kit's clock, in ms. */
  readonly now: number
  /**
   * Delivers a message through the mailbox codec, then runs until the process
   * blocks. Throws for a message the codec rejects (naming the io-ts errors)
   * and for a process that has exited.
   */
  send(message: unknown): void
  /**
   * An exit signal from `from`, following the trap/no-trap rules: as a link
   * signal when `from` is linked (or `options.link`), else as `Process.exit(pid, reason)` sent by `from`.
   */
  signal(from: Pid<unknown>, reason: Reason, options?: { readonly link?: boolean }): void
  /** A monitored process ended: delivers its DOWN message. Throws if `ref` is not an active monitor. */
  down(ref: Ref, reason: Reason): void
  /** Moves virtual time forward, firing `after` clauses, `sleep` and `Effect.timeout`. */
  advance(ms: number): void
  /** Everything the process sent, oldest first. */
  sent(): ReadonlyArray<Sent>
  /** Forgets what was sent so far (handy between steps of a test). */
  clearSent(): void
  /** Exit signals the process sent to others. */
  signalsSent(): ReadonlyArray<SignalSent>
  /** The children it spawned, not started: call `start()` on one to run it as a kit. */
  spawned(): ReadonlyArray<Kit>
  links(): ReadonlyArray<Pid<unknown>>
  monitors(): ReadonlyArray<MonitorInfo>
  /** The messages waiting in its mailbox, oldest first. */
  mailbox(): ReadonlyArray<unknown>
  /** Finalizer and cleanup failures it reported. */
  errors(): ReadonlyArray<{ readonly where: string; readonly error: unknown }>
  /** Messages it could not deliver (an overflowing bounded `Rx.subscribe`, say), oldest first. */
  deadLetters(): ReadonlyArray<DeadLetter>
  /**
   * A pid for a client or peer of the process under test, from this kit's
   * world (never running): put it in the messages you `send`, then find what
   * the process sent to it in `sent()`.
   */
  probe(): Pid<unknown>
  /** The process's trapExit flag. */
  readonly trapExit: boolean
  /** For a child in `spawned()`: runs it until it blocks (a no-op once started). */
  start(): void
}

/**
 * Options of `spawn`.
 *
 * @category model
 * @since 0.1.0
 */
export interface KitOptions<M = unknown> extends SpawnOptions<M> {
  /** Names registered before the process starts (names it sends to are otherwise assumed to exist). */
  readonly names?: ReadonlyArray<string>
  /** Steps a call may run before the kit decides the process never blocks and throws. Default 10,000,000. */
  readonly maxSteps?: number
}

// -------------------------------------------------------------------------------------
// the host of one process
// -------------------------------------------------------------------------------------

/** Everything kits spawned from one root share: pid and ref numbering, the clock, the names. */
class World {
  nextPid = 1
  nextRef = 1
  readonly clock = new VirtualClock()
  readonly names = new Map<string, PidImpl>()
  readonly watchers = new Map<PidImpl, Array<(r: Reason) => void>>()
}

class KitHost implements Host<Fiber> {
  readonly tracing = false
  readonly fiber: Fiber
  reason: Reason | undefined = undefined
  started: boolean
  readonly sentLog: Array<Sent> = []
  readonly signalLog: Array<SignalSent> = []
  readonly children: Array<KitHost> = []
  readonly linked = new Set<PidImpl>()
  readonly monitorsHeld = new Map<RefImpl, PidImpl | string>()
  readonly aliases = new Map<RefImpl, boolean>()
  readonly timers = new Map<RefImpl, { readonly due: number; readonly handle: unknown }>()
  readonly errorLog: Array<{ where: string; error: unknown }> = []
  readonly deadLetterLog: Array<DeadLetter> = []
  private runnable = false
  private running = false

  constructor(
    readonly world: World,
    program: Op,
    codec: Decoder<unknown, unknown> | undefined,
    private readonly maxSteps: number,
    start: boolean
  ) {
    const pid = new PidImpl(world.nextPid++, undefined)
    this.fiber = new Fiber(this, pid, program, codec)
    pid._fiber = this.fiber
    this.started = start
    this.runnable = true
    if (start) this.settle()
  }

  get clock(): VirtualClock {
    return this.world.clock
  }

  /** Runs the fiber until it blocks or exits. */
  settle(): void {
    if (this.running || !this.started) return
    this.running = true
    try {
      let steps = 0
      while (this.runnable && this.fiber.status !== EXITED) {
        this.runnable = false
        const budget = 10_000
        this.fiber.run(budget)
        steps += budget
        if (this.fiber.status === RUNNABLE) this.runnable = true
        if (steps > this.maxSteps) {
          throw new Error(
            `TestKit: ${this.fiber.pid} did not block within ${this.maxSteps} steps; does it loop without receiving?`
          )
        }
      }
    } finally {
      this.running = false
    }
  }

  schedule(f: Fiber): void {
    if (f !== this.fiber) return
    this.runnable = true
    if (!this.running) this.settle()
  }

  exited(_f: Fiber, reason: Reason, cause: Ex.Cause): void {
    this.reason = reason
    this.fiber.pid._exit = { reason, cause }
    if (this.fiber.name !== undefined) this.world.names.delete(this.fiber.name)
    this.fiber.pid._fiber = undefined
    const ws = this.world.watchers.get(this.fiber.pid)
    this.world.watchers.delete(this.fiber.pid)
    for (const w of ws ?? []) w(reason)
  }

  post(f: Fiber, _alias: RefImpl, message: unknown): void {
    if (f.status !== EXITED) f.deliver(message)
  }

  onExit(pid: PidImpl, k: (r: Reason) => void): () => void {
    const f = pid._fiber as Fiber | undefined
    if (f === undefined || f.status === EXITED) {
      k(Ex.noproc)
      return () => {}
    }
    const ws = this.world.watchers.get(pid) ?? []
    this.world.watchers.set(pid, ws)
    ws.push(k)
    return () => {
      const i = ws.indexOf(k)
      if (i >= 0) ws.splice(i, 1)
    }
  }

  deadLetter(letter: DeadLetter): void {
    this.deadLetterLog.push(letter)
  }

  /** A killed kit's finalizers are not bounded: the test drives its time. */
  killed(): void {}

  report(_f: Fiber, error: unknown, where: string): void {
    this.errorLog.push({ where, error })
  }

  received(): void {}

  makeRef(): RefImpl {
    return new RefImpl(this.world.nextRef++)
  }

  spawn(_parent: Fiber | undefined, program: Op, opts: SpawnOpts): readonly [PidImpl, RefImpl | undefined] {
    const child = new KitHost(this.world, program, opts.mailbox, this.maxSteps, false)
    this.children.push(child)
    const pid = child.fiber.pid
    if (opts.name !== undefined) {
      child.fiber.name = opts.name
      this.world.names.set(opts.name, pid)
    }
    if (opts.link === true) {
      this.linked.add(pid)
      child.linked.add(this.fiber.pid)
    }
    let ref: RefImpl | undefined
    if (opts.monitor === true) {
      ref = this.makeRef()
      this.monitorsHeld.set(ref, pid)
    }
    return [pid, ref]
  }

  send(_from: Fiber | undefined, dest: unknown, message: unknown): NoProcess | undefined {
    this.sentLog.push({ to: dest as Dest, message })
    if (dest instanceof RefImpl) {
      const oneShot = this.aliases.get(dest)
      if (oneShot !== undefined) {
        if (oneShot) this.aliases.delete(dest)
        this.fiber.deliver(message)
      }
      return undefined
    }
    const pid = typeof dest === 'string' ? this.world.names.get(dest) : (dest as PidImpl)
    if (pid === this.fiber.pid) this.deliverChecked(message, false)
    return undefined
  }

  /** Delivers through the mailbox codec; `strict` throws on a rejected message instead of dropping it. */
  deliverChecked(message: unknown, strict: boolean): void {
    const codec = this.fiber.codec
    if (codec !== undefined) {
      const v = codec.decode(message)
      if (v._tag === 'Left') {
        if (strict)
          throw new TypeError(
            `TestKit.send: the mailbox codec rejects the message: ${PathReporter.report(v).join('; ')}`
          )
        return
      }
    }
    this.fiber.deliver(message)
  }

  link(_from: Fiber, pid: PidImpl): NoProcess | undefined {
    if (pid !== this.fiber.pid) this.linked.add(pid)
    return undefined
  }

  unlink(_from: Fiber, pid: PidImpl): void {
    this.linked.delete(pid)
  }

  monitor(_from: Fiber, target: PidImpl | string): RefImpl {
    const ref = this.makeRef()
    this.monitorsHeld.set(ref, target)
    return ref
  }

  demonitor(_from: Fiber, ref: RefImpl): boolean {
    return this.monitorsHeld.delete(ref)
  }

  sendAfter(from: Fiber, dest: unknown, message: unknown, ms: number): RefImpl {
    const ref = this.makeRef()
    const due = this.clock.now() + ms
    const handle = this.clock.setTimer(ms, () => {
      this.timers.delete(ref)
      this.send(from, dest, message)
    })
    this.timers.set(ref, { due, handle })
    return ref
  }

  cancelTimer(_from: Fiber, ref: RefImpl): number | undefined {
    const t = this.timers.get(ref)
    if (t === undefined) return undefined
    this.timers.delete(ref)
    this.clock.clearTimer(t.handle)
    return Math.max(0, t.due - this.clock.now())
  }

  alias(_from: Fiber, oneShot: boolean): RefImpl {
    const ref = this.makeRef()
    this.aliases.set(ref, oneShot)
    return ref
  }

  unalias(_from: Fiber, ref: RefImpl): boolean {
    return this.aliases.delete(ref)
  }

  exitSignal(from: Fiber | undefined, pid: PidImpl, reason: Reason): void {
    if (pid === this.fiber.pid) this.explicitSignal(from?.pid ?? pid, reason)
    else this.signalLog.push({ to: toPid(pid), reason })
  }

  /** `Process.exit(self, reason)` or a test's `signal` as an explicit exit. */
  explicitSignal(from: PidImpl, reason: Reason): void {
    exitSignal(this.fiber, from, reason, from === this.fiber.pid)
  }

  /** A linked process died with `reason`. */
  linkSignal(from: PidImpl, reason: Reason): void {
    this.linked.delete(from)
    linkSignal(this.fiber, from, reason)
  }

  isAlive(pid: PidImpl): boolean {
    if (pid === this.fiber.pid) return this.fiber.alive
    const f = pid._fiber as Fiber | undefined
    return f === undefined ? this.reasonOf(pid) === undefined : f.alive
  }

  private reasonOf(pid: PidImpl): Reason | undefined {
    for (const c of this.children) if (c.fiber.pid === pid) return c.reason
    return undefined
  }

  register(name: string, pid: PidImpl): BadArg | undefined {
    const owner = this.world.names.get(name)
    if (owner !== undefined)
      return {
        _tag: 'BadArg',
        message: `Process.register: the name ${JSON.stringify(name)} is already registered to ${owner}`
      }
    this.world.names.set(name, pid)
    const f = pid._fiber as Fiber | undefined
    if (f !== undefined) f.name = name
    return undefined
  }

  unregister(name: string): BadArg | undefined {
    const pid = this.world.names.get(name)
    if (pid === undefined)
      return { _tag: 'BadArg', message: `Process.unregister: the name ${JSON.stringify(name)} is not registered` }
    this.world.names.delete(name)
    const f = pid._fiber as Fiber | undefined
    if (f !== undefined) f.name = undefined
    return undefined
  }

  whereis(name: string): PidImpl | undefined {
    return this.world.names.get(name)
  }
}

const kitOf = (h: KitHost): Kit => ({
  get pid() {
    return toPid(h.fiber.pid)
  },
  get status() {
    return h.fiber.status === EXITED ? 'exited' : h.fiber.status === WAITING || !h.started ? 'waiting' : 'running'
  },
  get exit() {
    return O.fromNullable(h.reason)
  },
  get now() {
    return h.clock.now()
  },
  get trapExit() {
    return h.fiber.trapExit
  },
  send(message) {
    if (h.reason !== undefined) {
      throw new Error(
        `TestKit.send: ${h.fiber.pid} has exited (${Ex.format(h.reason)}); the message would be a dead letter`
      )
    }
    h.deliverChecked(message, true)
    h.settle()
  },
  signal(from, reason, options) {
    const sender = checkPid('TestKit.signal', from)
    if (!Ex.reason.is(reason)) throw new TypeError(`TestKit.signal: expected an exit reason, got ${describe(reason)}`)
    if (options?.link ?? h.linked.has(sender)) h.linkSignal(sender, reason)
    else h.explicitSignal(sender, reason)
    h.settle()
  },
  down(ref, reason) {
    const target = h.monitorsHeld.get(fromRef(ref))
    if (target === undefined) throw new Error(`TestKit.down: ${String(ref)} is not an active monitor of ${h.fiber.pid}`)
    h.monitorsHeld.delete(fromRef(ref))
    h.fiber.deliver({ _tag: 'DOWN', ref, pid: target, reason })
    h.settle()
  },
  advance(ms) {
    if (typeof ms !== 'number' || !(ms >= 0))
      throw new TypeError(`TestKit.advance: expected ms >= 0, got ${describe(ms)}`)
    const target = h.clock.now() + ms
    for (;;) {
      const t = h.clock.nextAt()
      if (t === undefined || t > target) break
      h.clock.fireNext()
      h.settle()
    }
    h.clock.setTime(target)
    h.settle()
  },
  sent: () => h.sentLog.slice(),
  clearSent: () => {
    h.sentLog.length = 0
  },
  signalsSent: () => h.signalLog.slice(),
  spawned: () => h.children.map(kitOf),
  links: () => [...h.linked].map((p) => toPid(p)),
  monitors: () =>
    [...h.monitorsHeld].map(([ref, target]) => ({
      ref: toRef(ref),
      target: typeof target === 'string' ? target : toPid(target)
    })),
  mailbox: () => h.fiber.messages(),
  errors: () => h.errorLog.slice(),
  deadLetters: () => h.deadLetterLog.slice(),
  probe: () => toPid(new PidImpl(h.world.nextPid++, undefined)),
  start() {
    if (h.started) return
    h.started = true
    h.settle()
  }
})

/**
 * Starts `program` as a process under test and runs it until it blocks.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Effect, Process, TestKit } from 'fp-ts-actors'
 * const kit = TestKit.spawn(Process.receive(Process.on(t.number, (n) => Effect.succeed(n * 2)), Process.after(1000, () => Effect.succeed(0))))
 * kit.status // 'waiting'
 * kit.advance(1000)
 * kit.exit // some({ _tag: 'Normal', value: 0 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const spawn = <E, A, M = unknown>(program: Effect<E, A>, options: KitOptions<M> = {}): Kit => {
  const p = checkProgram('TestKit.spawn', program)
  const mailbox = checkMailbox('TestKit.spawn', options.mailbox)
  const world = new World()
  const h = new KitHost(world, p, mailbox, options.maxSteps ?? 10_000_000, false)
  for (const name of options.names ?? []) world.names.set(name, new PidImpl(world.nextPid++, undefined))
  const kit = kitOf(h)
  kit.start()
  return kit
}
