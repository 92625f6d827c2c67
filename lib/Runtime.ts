/**
 * The production interpreter.
 *
 * ```ts
 * const rt = Runtime.make()
 * rt.run(program)   // Promise<Exit.Reason>: spawns it, resolves when it ends
 * rt.spawn / rt.send / rt.processes() / rt.shutdown()
 * rt.exits$ / rt.deadLetters$ / rt.events$   // hot RxJS Observables
 * ```
 *
 * Ready processes sit in a run queue drained in batches; each runs a slice
 * of at most `budget` steps (fairness, as the BEAM counts reductions), and
 * the runtime yields to the event loop between batches so I/O and timers run.
 * A program that ends leaves no timer or handle behind: Node exits by itself.
 *
 * The streams are hot: they emit what happens while subscribed, and nothing
 * is built for an event nobody observes.
 *
 * @example
 * import { Effect, Runtime } from 'fp-ts-actors'
 * const rt = Runtime.make()
 * rt.exits$.subscribe(({ pid, reason }) => console.log(String(pid), reason._tag))
 * await rt.run(Effect.succeed(42)) // { _tag: 'Normal', value: 42 }
 *
 * @since 0.1.0
 */
import type { Option } from 'fp-ts/lib/Option.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Observable } from 'rxjs'
import type { Effect } from './Effect.js'
import type { Reason } from './Exit.js'
import type { Fiber } from './internal/fiber.js'
import { Guarded } from './internal/guarded.js'
import { linksOf, monitorsOf, statusOf } from './internal/introspect.js'
import { Kernel } from './internal/kernel.js'
import { keepShapes } from './internal/resident.js'
import { PidImpl, RefImpl } from './internal/pid.js'
import { fromPid, toPid, type Pid } from './Pid.js'
import type { Dest, SpawnOptions } from './Process.js'
import type { Config as NodeConfig, NodeEvent } from './Node.js'
import { attachNode } from './internal/node/attach.js'
import { isNodeName } from './internal/check.js'
import { Observable as RxObservable } from './internal/rx.js'
import type { DeadLetter, Event, ExitEvent } from './internal/event.js'
import { fifo, hostClock, type Clock, type Scheduler } from './Scheduler.js'
import {
  checkMailbox,
  checkName,
  checkObject,
  checkOptionName,
  checkPid,
  checkProgram,
  describe
} from './internal/check.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type { DeadLetter, Event, ExitEvent } from './internal/event.js'

/**
 * A snapshot of one live process.
 *
 * @category model
 * @since 0.1.0
 */
export interface ProcessInfo {
  readonly pid: Pid<unknown>
  readonly name: Option<string>
  readonly status: 'runnable' | 'running' | 'waiting' | 'exiting'
  /** Number of messages in the mailbox. */
  readonly mailbox: number
  readonly links: ReadonlyArray<Pid<unknown>>
  /** What this process monitors, one entry per monitor. */
  readonly monitors: ReadonlyArray<Pid<unknown> | string>
  readonly trapExit: boolean
}

/**
 * Options of `make`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Options {
  /** Steps a process runs before the scheduler moves on (fairness). Default 2000. */
  readonly budget?: number
  /** Time and timers. Default `Scheduler.hostClock`. */
  readonly clock?: Clock
  /** The run queue. Default `Scheduler.fifo({ budget })`. */
  readonly scheduler?: Scheduler<unknown>
  /**
   * Called when a finalizer or cleanup of process `pid` fails (default: an
   * `Error` event, or `console.error` when nobody observes events), and when
   * an observer of the runtime throws: a subscriber of `exits$`,
   * `deadLetters$` or `events$`, or an operator piped on them (`where:
   * 'observer'`, no pid; default `console.error`). Either way the runtime and
   * the other subscribers carry on.
   */
  readonly onError?: (error: unknown, where: string, pid: Pid<unknown> | undefined) => void
  /**
   * How long (ms) the finalizers of a killed process, or of any process at
   * `shutdown()`, may run before the process is abandoned: stopped where it
   * is and reported (`where: 'finalizer timeout'`). Default 5000.
   */
  readonly finalizerTimeout?: number
  /**
   * Makes this runtime a node: its name, the transport that reaches the
   * other nodes, and the programs they may spawn here (see `Node`).
   */
  readonly node?: NodeConfig
}

/**
 * A running system of processes.
 *
 * @category model
 * @since 0.1.0
 */
export interface Runtime {
  /**
   * Starts a process from outside any process. With `name`, the process is
   * registered under it before `spawn` returns (so `send` and `Rx.ask` to the
   * name work at once); throws if the name is taken.
   */
  spawn<E, A>(program: Effect<E, A>): Pid<unknown>
  spawn<E, A, M>(program: Effect<E, A>, options: SpawnOptions<M> & { readonly name?: string }): Pid<M>
  /** Registers a live process under `name` from outside any process; throws if the name or the process is taken, or it is not alive. */
  register(name: string, pid: Pid<unknown>): void
  /** Sends from outside any process; throws for an unregistered name. */
  send<M>(dest: Dest<M>, message: NoInfer<M>): void
  /** Spawns `program` and resolves with its exit reason when it ends (`Normal` carries the value). */
  run<E, A>(program: Effect<E, A>): Promise<Reason<E, A>>
  /** Every process exit, as it happens (hot). */
  readonly exits$: Observable<ExitEvent>
  /** Every undelivered message (hot). */
  readonly deadLetters$: Observable<DeadLetter>
  /** Every spawn, exit, link, unlink, monitor, down, send, receive, dead letter and error (hot). */
  readonly events$: Observable<Event>
  /** Nodes coming up and going down, for a runtime that is a node (hot; never emits otherwise). */
  readonly nodes$: Observable<NodeEvent>
  /** A snapshot of the live processes. */
  processes(): ReadonlyArray<ProcessInfo>
  /**
   * Exits every process with `shutdown` (untrappable here) and resolves once
   * all have run their finalizers. The runtime stays closed: a process spawned
   * afterwards (by a finalizer, say) exits at once with `shutdown`, so no
   * process outlives it. A node leaves its network first, so the other nodes
   * see its processes go `noconnection`, as for a lost node.
   */
  shutdown(): Promise<void>
}

const KERNEL = Symbol.for('fp-ts-actors/kernel')

/** @internal */
export const kernelOf = (rt: Runtime, where = 'kernelOf'): Kernel => {
  const k = typeof rt === 'object' && rt !== null ? (rt as unknown as { [KERNEL]?: Kernel })[KERNEL] : undefined
  if (k === undefined) throw new TypeError(`${where}: expected a Runtime made by Runtime.make, got ${describe(rt)}`)
  return k
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** @internal */
export const fromKernel = (kernel: Kernel): Runtime => {
  keepShapes()
  const guarded = <T>(source: Observable<T>): Observable<T> =>
    new Guarded<T>((subscriber) => source.subscribe(subscriber), kernel.observerThrew)
  const spawn = (program: unknown, options?: SpawnOptions<unknown> & { readonly name?: string }): Pid<unknown> => {
    const p = checkProgram('Runtime.spawn', program)
    checkObject('Runtime.spawn', 'options', options)
    const mailbox = checkMailbox('Runtime.spawn', options?.mailbox)
    const name = options?.name
    if (name !== undefined) {
      checkOptionName('Runtime.spawn', name)
      const owner = kernel.whereis(name)
      if (owner !== undefined) {
        throw new Error(`Runtime.spawn: the name ${JSON.stringify(name)} is already registered to ${String(owner)}`)
      }
    }
    const opts = { ...(mailbox === undefined ? {} : { mailbox }), ...(name === undefined ? {} : { name }) }
    return toPid(kernel.spawn(undefined, p, opts)[0])
  }
  const rt: Runtime & { [KERNEL]: Kernel } = {
    [KERNEL]: kernel,
    spawn: spawn as Runtime['spawn'],
    register(name, pid) {
      checkName('Runtime.register', name)
      const bad = kernel.register(name, checkPid('Runtime.register', pid))
      if (bad !== undefined) throw new Error(bad.message.replace('Process.register', 'Runtime.register'))
    },
    send(dest, message) {
      if (!(dest instanceof PidImpl) && !(dest instanceof RefImpl) && typeof dest !== 'string' && !isNodeName(dest)) {
        throw new TypeError(
          `Runtime.send: expected a Pid, an alias Ref, a registered name (string) or a { name, node }, got ${describe(dest)}`
        )
      }
      if (kernel.send(undefined, dest, message) !== undefined) {
        throw new Error(`Runtime.send: no process is registered as ${JSON.stringify(dest)}`)
      }
    },
    run<E, A>(program: Effect<E, A>): Promise<Reason<E, A>> {
      const pid = fromPid(spawn(program))
      return new Promise((resolve) => kernel.onExit(pid, (r) => resolve(r as Reason<E, A>)))
    },
    exits$: guarded(kernel.exits),
    deadLetters$: guarded(kernel.deadLetters),
    events$: guarded(kernel.events),
    nodes$: guarded(
      new RxObservable<NodeEvent>((subscriber) =>
        kernel.node === undefined ? undefined : kernel.node.subscribe((e) => subscriber.next(e))
      )
    ),
    processes: () => kernel.liveFibers().map(info),
    shutdown: () => {
      const node = kernel.node
      if (node === undefined) return kernel.shutdown()
      // the node leaves first: a clean stop is `noconnection` to the other nodes' watchers, as a crash
      const closing = node.close()
      return kernel.shutdown().then(() => closing)
    }
  }
  return rt
}

const info = (f: Fiber): ProcessInfo => {
  const status = statusOf(f)
  return {
    pid: toPid(f.pid),
    name: O.fromNullable(f.name),
    status: status === 'exited' ? 'exiting' : status,
    mailbox: f.mailboxSize,
    links: linksOf(f).map((l) => toPid(l.pid)),
    monitors: monitorsOf(f).map((target) => (typeof target === 'string' ? target : toPid(target))),
    trapExit: f.trapExit
  }
}

/**
 * Makes a runtime. Options plug in the clock and the scheduler (the test
 * interpreters use the same loop with virtual ones).
 *
 * @example
 * import { Runtime } from 'fp-ts-actors'
 * const rt = Runtime.make({ budget: 1000 })
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: Options = {}): Runtime => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`Runtime.make: options must be an object, got ${describe(options)}`)
  const budget = options.budget ?? 2000
  if (!Number.isInteger(budget) || budget < 1)
    throw new TypeError(`Runtime.make: budget must be an integer >= 1, got ${describe(budget)}`)
  const hasMethods = (u: unknown, names: ReadonlyArray<string>): boolean =>
    typeof u === 'object' && u !== null && names.every((n) => typeof (u as Record<string, unknown>)[n] === 'function')
  if (options.clock !== undefined && !hasMethods(options.clock, ['now', 'setTimer', 'clearTimer'])) {
    throw new TypeError(
      `Runtime.make: clock must have now, setTimer and clearTimer methods, got ${describe(options.clock)}`
    )
  }
  if (
    options.scheduler !== undefined &&
    !hasMethods(options.scheduler, ['push', 'pop', 'isEmpty', 'budget', 'request'])
  ) {
    throw new TypeError(
      `Runtime.make: scheduler must have push, pop, isEmpty, budget and request methods, got ${describe(options.scheduler)}`
    )
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`Runtime.make: onError must be a function, got ${describe(options.onError)}`)
  }
  const finalizerTimeout = options.finalizerTimeout ?? 5000
  if (typeof finalizerTimeout !== 'number' || !(finalizerTimeout >= 0) || finalizerTimeout === Infinity)
    throw new TypeError(
      `Runtime.make: finalizerTimeout must be a finite number of ms >= 0, got ${describe(finalizerTimeout)}`
    )
  const kernel = new Kernel({
    finalizerTimeout,
    clock: options.clock ?? hostClock,
    scheduler: (options.scheduler as Scheduler<Fiber> | undefined) ?? fifo<Fiber>({ budget }),
    onError: options.onError as ((error: unknown, where: string, pid: PidImpl | undefined) => void) | undefined
  })
  if (options.node !== undefined) attachNode(kernel, options.node, 'Runtime.make', true)
  return fromKernel(kernel)
}

let defaultRuntime: Runtime | undefined

/**
 * The runtime `run` uses, made on first use.
 *
 * @example
 * import { Runtime } from 'fp-ts-actors'
 * Runtime.getDefault().processes().length
 *
 * @category constructors
 * @since 0.1.0
 */
export const getDefault = (): Runtime => (defaultRuntime ??= make())

/**
 * Runs `program` as a process on the default runtime and resolves with its exit reason.
 *
 * @example
 * import { Effect, Runtime } from 'fp-ts-actors'
 * await Runtime.run(Effect.succeed(1)) // { _tag: 'Normal', value: 1 }
 *
 * @category interpreters
 * @since 0.1.0
 */
export const run = <E, A>(program: Effect<E, A>): Promise<Reason<E, A>> => getDefault().run(program)
