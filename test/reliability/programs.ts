/**
 * The reliability suite's random programs: a few processes, each running a
 * script of random steps (send, receive with `after`, link, unlink, monitor,
 * demonitor, trap exits, exit signals and `kill`, crashes, finalizers,
 * names, `sendAfter` timers, spawned children), run on `Runtime` or
 * `TestRuntime`, and the invariants checked after each run:
 *
 * - 0 lost: every message that was sent is received once or is a dead letter
 *   once (a send to an unregistered name fails at the sender, and is counted);
 * - per-pair FIFO: the messages one process sends another are received in order;
 * - exactly one DOWN per monitor, unless it was demonitored or its watcher died first;
 * - link symmetry in every snapshot of `processes()`;
 * - 0 stuck: once the program should be done, every live process is one that
 *   waits forever by design; `shutdown()` resolves and leaves no process;
 * - 0 crashes: nothing reaches `onError` but what the program provoked
 *   (a finalizer that throws, one that never ends), and no exception escapes.
 */
import * as fc from 'fast-check'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../../lib/index.js'
import type { Event } from '../../lib/Runtime.js'

// -------------------------------------------------------------------------------------
// programs
// -------------------------------------------------------------------------------------

/** Where a message goes: another process of the program by pid, or a name (maybe unregistered). */
export type Target = { readonly pid: number } | { readonly name: number }

export type Step =
  | { readonly _tag: 'send'; readonly to: Target; readonly count: number }
  | { readonly _tag: 'receive'; readonly ms: number }
  | { readonly _tag: 'link' | 'unlink' | 'monitor'; readonly other: number }
  | { readonly _tag: 'demonitor'; readonly flush: boolean }
  | { readonly _tag: 'trap'; readonly on: boolean }
  | { readonly _tag: 'exit'; readonly other: number; readonly reason: SignalReason }
  | { readonly _tag: 'register' | 'unregister'; readonly name: number }
  | { readonly _tag: 'sleep'; readonly ms: number }
  | { readonly _tag: 'sendAfter'; readonly to: Target; readonly ms: number; readonly cancel: boolean }
  | { readonly _tag: 'spawn'; readonly child: 'returns' | 'crashes' | 'crashesLinked' }

export type SignalReason = 'normal' | 'custom' | 'shutdown' | 'kill'
/** How a script ends. `waits` waits forever (a receive nothing matches): the only live state allowed at the end. */
export type End = 'returns' | 'throws' | 'fails' | 'exits' | 'waits'
/** The process's finalizer (`Effect.ensuring`). */
export type Finalizer = 'none' | 'sends' | 'sleepsThenSends' | 'throws' | 'neverEnds'

export interface Script {
  readonly steps: ReadonlyArray<Step>
  readonly end: End
  readonly finalizer: Finalizer
  readonly trapFirst: boolean
}

export interface Program {
  readonly scripts: ReadonlyArray<Script>
}

const NAMES = 3

const arbTarget = (n: number): fc.Arbitrary<Target> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.nat(n - 1).map((pid) => ({ pid })) },
    { weight: 1, arbitrary: fc.nat(NAMES - 1).map((name) => ({ name })) }
  )

const arbStep = (n: number): fc.Arbitrary<Step> => {
  const other = fc.nat(n - 1)
  const ms = fc.integer({ min: 0, max: 15 })
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        _tag: fc.constant('send' as const),
        to: arbTarget(n),
        count: fc.integer({ min: 1, max: 4 })
      })
    },
    { weight: 8, arbitrary: fc.record({ _tag: fc.constant('receive' as const), ms }) },
    {
      weight: 3,
      arbitrary: fc.record({
        _tag: fc.constantFrom('link' as const, 'unlink' as const, 'monitor' as const, 'monitor' as const),
        other
      })
    },
    { weight: 1, arbitrary: fc.record({ _tag: fc.constant('demonitor' as const), flush: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ _tag: fc.constant('trap' as const), on: fc.boolean() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        _tag: fc.constant('exit' as const),
        other,
        reason: fc.constantFrom<SignalReason>('normal', 'custom', 'shutdown', 'kill')
      })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        _tag: fc.constantFrom('register' as const, 'unregister' as const),
        name: fc.nat(NAMES - 1)
      })
    },
    { weight: 1, arbitrary: fc.record({ _tag: fc.constant('sleep' as const), ms }) },
    {
      weight: 2,
      arbitrary: fc.record({ _tag: fc.constant('sendAfter' as const), to: arbTarget(n), ms, cancel: fc.boolean() })
    },
    {
      weight: 1,
      arbitrary: fc.record({
        _tag: fc.constant('spawn' as const),
        child: fc.constantFrom('returns' as const, 'crashes' as const, 'crashesLinked' as const)
      })
    }
  )
}

const arbScript = (n: number): fc.Arbitrary<Script> =>
  fc.record({
    steps: fc.array(arbStep(n), { maxLength: 12 }),
    end: fc.constantFrom<End>('returns', 'throws', 'fails', 'exits', 'waits', 'waits'),
    finalizer: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Finalizer>('none') },
      { weight: 2, arbitrary: fc.constantFrom<Finalizer>('sends', 'sleepsThenSends') },
      { weight: 1, arbitrary: fc.constantFrom<Finalizer>('throws', 'neverEnds') }
    ),
    trapFirst: fc.boolean()
  })

/** A program of 2 to `maxProcesses` processes. */
export const arbProgram = (maxProcesses = 6): fc.Arbitrary<Program> =>
  fc
    .integer({ min: 2, max: maxProcesses })
    .chain((n) => fc.record({ scripts: fc.array(arbScript(n), { minLength: n, maxLength: n }) }))

/** `p`, or `fallback` after `ms` (the timer is cleared either way: it keeps no handle). */
export const within = <A, B>(p: Promise<A>, ms: number, fallback: B): Promise<A | B> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([p, new Promise<B>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() =>
    clearTimeout(timer)
  )
}

// -------------------------------------------------------------------------------------
// running a program
// -------------------------------------------------------------------------------------

/** A message of the program: `from` is the sender's index (-1: a timer or a finalizer), `seq` its sender's count. */
const Msg = t.type({ k: t.literal('m'), id: t.number, from: t.number, seq: t.number })
type Msg = t.TypeOf<typeof Msg>
const Start = t.type({ k: t.literal('start'), pids: t.array(t.unknown) })
const NeverSent = t.literal('never sent')

/** What a run records besides the runtime's events. */
interface Ledger {
  nextId: number
  /** Ids of the messages processes and finalizers sent (not the timers'). */
  readonly attempted: Set<number>
  /** Ids of sends that failed at the sender (an unregistered name). */
  readonly refused: Set<number>
  /** Ids of `sendAfter` messages whose timer was cancelled by `cancelTimer`. */
  readonly cancelled: Set<number>
  /** Ids of every `sendAfter` message. */
  readonly timed: Set<number>
  /** Monitor refs demonitored, with the event count at that moment. */
  readonly demonitored: Map<unknown, number>
  /** Processes that wait forever by design (ended their script with `waits`, or their finalizer never ends). */
  readonly waiting: Set<unknown>
  readonly events: Array<Event>
  /**
   * What the program made its finalizers do, by process: `finalizer` (one
   * throws) or `finalizer timeout` (one never ends, or sleeps: on a loaded
   * machine a short sleep can overrun `finalizerTimeout` too).
   */
  readonly provoked: Map<unknown, string>
}

export const isMsg = (u: unknown): u is Msg => Msg.is(u)

const reasonOf = (r: SignalReason): Exit.Reason =>
  r === 'normal' ? Exit.normal : r === 'custom' ? Exit.custom('stop') : r === 'shutdown' ? Exit.shutdown : Exit.kill

const build = (program: Program, ledger: Ledger): Effect.Effect<never, void> => {
  const ignore = <E, A>(e: Effect.Effect<E, A>): Effect.Effect<never, void> => Effect.asUnit(Effect.either(e))
  const name = (i: number): string => `name${i}`
  /** Sends `m` and records the send once it has run (an exit signal may stop the sender just before it). */
  const send = (to: Process.Dest<unknown>, m: Msg): Effect.Effect<never, void> =>
    Effect.map(Effect.either(Process.send(to, m)), (sent) => {
      ledger.attempted.add(m.id)
      if (sent._tag === 'Left') ledger.refused.add(m.id)
    })

  const proc = (index: number, script: Script): Effect.Effect<unknown, unknown> =>
    Effect.gen(function* () {
      let seq = 0
      let lastMonitor: Process.Ref | undefined
      const start = yield* Process.receive(Start)
      const pids = start.pids as ReadonlyArray<Process.Pid<unknown>>
      const pidOf = (i: number): Process.Pid<unknown> => pids[i % pids.length] as Process.Pid<unknown>
      const dest = (to: Target): Process.Dest<unknown> => ('pid' in to ? pidOf(to.pid) : name(to.name))
      const message = (from: number): Msg => ({ k: 'm', id: ledger.nextId++, from, seq: from < 0 ? 0 : seq++ })
      if (script.trapFirst) yield* Process.trapExit(true)
      for (const step of script.steps) {
        switch (step._tag) {
          case 'send':
            for (let i = 0; i < step.count; i++) {
              yield* send(dest(step.to), message(index))
            }
            break
          case 'receive':
            yield* Process.receive(
              Process.on(Msg, () => Effect.unit),
              Process.on(Exit.Down, () => Effect.unit),
              Process.on(Exit.ExitSignal, () => Effect.unit),
              Process.after(step.ms, () => Effect.unit)
            )
            break
          case 'link':
            yield* ignore(Process.link(pidOf(step.other)))
            break
          case 'unlink':
            yield* Process.unlink(pidOf(step.other))
            break
          case 'monitor':
            lastMonitor = yield* Process.monitor(pidOf(step.other))
            break
          case 'demonitor':
            if (lastMonitor !== undefined) {
              const ref = lastMonitor
              yield* Process.demonitor(ref, { flush: step.flush })
              ledger.demonitored.set(ref, ledger.events.length)
              lastMonitor = undefined
            }
            break
          case 'trap':
            yield* Process.trapExit(step.on)
            break
          case 'exit':
            yield* Process.exit(pidOf(step.other), reasonOf(step.reason))
            break
          case 'register':
            yield* ignore(Process.register(name(step.name), yield* Process.self))
            break
          case 'unregister':
            yield* ignore(Process.unregister(name(step.name)))
            break
          case 'sleep':
            yield* Process.sleep(step.ms)
            break
          case 'sendAfter': {
            const m = message(-1)
            ledger.timed.add(m.id)
            const timer = yield* Process.sendAfter(dest(step.to), m, step.ms)
            if (step.cancel && (yield* Process.cancelTimer(timer))._tag === 'Some') ledger.cancelled.add(m.id)
            break
          }
          case 'spawn': {
            const me = yield* Process.self
            if (step.child === 'returns') {
              yield* Process.spawn(send(me, message(-1)))
            } else if (step.child === 'crashes') yield* Process.spawn(Effect.die(new Error('child crash')))
            else yield* Process.spawnLink(Effect.flatMap(Process.sleep(1), () => Effect.die(new Error('linked crash'))))
            break
          }
        }
      }
      switch (script.end) {
        case 'returns':
          return 'done'
        case 'throws':
          return yield* Effect.sync((): never => {
            throw new Error('script throws')
          })
        case 'fails':
          return yield* Effect.fail('script fails')
        case 'exits':
          return yield* Process.exit(Exit.custom('script exits'))
        case 'waits': {
          ledger.waiting.add(yield* Process.self)
          return yield* Process.receive(NeverSent)
        }
      }
    })

  const finalizer = (script: Script, peer: () => Process.Pid<unknown> | undefined): Effect.Effect<never, unknown> => {
    const sendPeer = Effect.suspend(() => {
      const p = peer()
      if (p === undefined) return Effect.unit
      return send(p, { k: 'm', id: ledger.nextId++, from: -1, seq: 0 })
    })
    switch (script.finalizer) {
      case 'none':
        return Effect.unit
      case 'sends':
        return sendPeer
      case 'sleepsThenSends':
        return Effect.flatMap(Process.self, (me) => {
          ledger.provoked.set(me, 'finalizer timeout')
          return Effect.flatMap(Process.sleep(3), () => sendPeer)
        })
      case 'throws':
        return Effect.flatMap(Process.self, (me) =>
          Effect.sync(() => {
            ledger.provoked.set(me, 'finalizer')
            throw new Error('finalizer throws')
          })
        )
      case 'neverEnds':
        return Effect.flatMap(Process.self, (me) => {
          ledger.provoked.set(me, 'finalizer timeout')
          ledger.waiting.add(me)
          return Effect.never
        })
    }
  }

  return Effect.gen(function* () {
    const pids: Array<Process.Pid<unknown>> = []
    const scripts = program.scripts
    for (let i = 0; i < scripts.length; i++) {
      const script = scripts[i] as Script
      pids.push(
        yield* Process.spawn(
          Effect.ensuring(
            proc(i, script),
            finalizer(script, () => pids[(i + 1) % pids.length])
          )
        )
      )
    }
    for (const p of pids) yield* ignore(Process.send(p, { k: 'start', pids }))
  })
}

// -------------------------------------------------------------------------------------
// checking a run
// -------------------------------------------------------------------------------------

/** What one run did, and what broke. */
export interface RunStats {
  readonly processes: number
  readonly messages: number
  readonly received: number
  readonly deadLetters: number
  readonly refused: number
  /** `sendAfter` timers aimed at a pid that exited first (dropped with it, as Erlang does). */
  readonly timersDropped: number
  readonly monitors: number
  readonly downs: number
  readonly links: number
  readonly exits: number
  readonly lost: number
  readonly stuck: number
  readonly crashes: number
  readonly violations: ReadonlyArray<string>
}

export const symmetric = (snapshot: ReadonlyArray<Runtime.ProcessInfo>): Array<string> => {
  const links = new Map<unknown, ReadonlyArray<unknown>>()
  for (const p of snapshot) links.set(p.pid, p.links)
  const bad: Array<string> = []
  for (const p of snapshot)
    for (const q of p.links) {
      const back = links.get(q)
      if (back !== undefined && !back.includes(p.pid)) bad.push(`link ${String(p.pid)} -> ${String(q)} is one-sided`)
    }
  return bad
}

/** A change to a run's events before they are checked: the suite's own test shows the checks can fail. */
export type Tamper = (events: ReadonlyArray<Event>) => ReadonlyArray<Event>

const check = (
  ledger: Ledger,
  errors: ReadonlyArray<{ readonly where: string; readonly error: unknown; readonly pid: unknown }>,
  snapshots: ReadonlyArray<ReadonlyArray<Runtime.ProcessInfo>>,
  stuckPids: ReadonlyArray<string>,
  leftAfterShutdown: number,
  shutdownResolved: boolean,
  tamper: Tamper
): RunStats => {
  const violations: Array<string> = []
  const events = tamper(ledger.events)
  const sent = new Set<number>()
  const ends = new Map<number, number>()
  let received = 0
  let deadLetters = 0
  const lastSeq = new Map<string, number>()
  const exitAt = new Map<unknown, number>()
  const monitors: Array<{
    readonly ref: unknown
    readonly watcher: unknown
    readonly target: unknown
    readonly at: number
  }> = []
  const downs = new Map<unknown, number>()
  let spawns = 0
  let links = 0
  events.forEach((e, at) => {
    switch (e._tag) {
      case 'Spawn':
        spawns++
        break
      case 'Exit':
        if (exitAt.has(e.pid)) violations.push(`${String(e.pid)} exited twice`)
        exitAt.set(e.pid, at)
        break
      case 'Link':
        links++
        break
      case 'Monitor':
        monitors.push({ ref: e.ref, watcher: e.watcher, target: e.target, at })
        break
      case 'Down':
        downs.set(e.ref, (downs.get(e.ref) ?? 0) + 1)
        break
      case 'Send':
        if (isMsg(e.message)) sent.add(e.message.id)
        break
      case 'Receive':
        if (isMsg(e.message)) {
          received++
          ends.set(e.message.id, (ends.get(e.message.id) ?? 0) + 1)
          if (e.message.from >= 0) {
            const key = `${e.message.from} -> ${String(e.pid)}`
            const last = lastSeq.get(key) ?? -1
            if (e.message.seq <= last) violations.push(`FIFO broken on ${key}: ${e.message.seq} after ${last}`)
            lastSeq.set(key, e.message.seq)
          }
        }
        break
      case 'DeadLetter':
        if (isMsg(e.letter.message)) {
          deadLetters++
          ends.set(e.letter.message.id, (ends.get(e.letter.message.id) ?? 0) + 1)
        }
        break
    }
  })
  // every message that went out (a Send event, or a timer's dead letter) ended exactly once
  let lost = 0
  const out = new Set([...sent, ...ends.keys()])
  for (const id of out) {
    const n = ends.get(id) ?? 0
    if (n === 0) lost++
    if (n > 1) violations.push(`message ${id} delivered or dead-lettered ${n} times`)
    if (ledger.cancelled.has(id)) violations.push(`message ${id} went out although its timer was cancelled`)
  }
  // every send a process made went out, or failed at the sender (an unregistered name)
  for (const id of ledger.attempted) {
    if (ledger.refused.has(id) ? out.has(id) : !out.has(id))
      violations.push(`send of message ${id}: refused and out, or neither`)
  }
  let timersDropped = 0
  for (const id of ledger.timed) if (!out.has(id) && !ledger.cancelled.has(id)) timersDropped++
  if (lost > 0) violations.push(`${lost} messages lost (neither received nor a dead letter)`)
  let downCount = 0
  for (const m of monitors) {
    const n = downs.get(m.ref) ?? 0
    downCount += n
    if (n > 1) violations.push(`monitor ${String(m.ref)} got ${n} DOWNs`)
    if (n === 1) continue
    const targetExit = exitAt.get(m.target) ?? Infinity
    const watcherExit = exitAt.get(m.watcher) ?? Infinity
    const demonitoredAt = ledger.demonitored.get(m.ref) ?? Infinity
    const excused = watcherExit < targetExit || demonitoredAt <= targetExit
    if (!excused) violations.push(`monitor ${String(m.ref)} of ${String(m.target)} by ${String(m.watcher)} got no DOWN`)
  }
  for (const ref of downs.keys())
    if (!monitors.some((m) => m.ref === ref)) violations.push(`a DOWN for ${String(ref)}, which no one monitored`)
  for (const s of snapshots) violations.push(...symmetric(s))
  const expected = (e: { readonly where: string; readonly pid: unknown }): boolean =>
    e.pid !== undefined && ledger.provoked.get(e.pid) === e.where
  const crashes = errors.filter((e) => !expected(e))
  for (const c of crashes) violations.push(`onError(${c.where}): ${String(c.error)}`)
  for (const p of stuckPids)
    violations.push(`${p} is stuck: alive, and not waiting by design, once the program should be done`)
  if (!shutdownResolved) violations.push('shutdown() did not resolve')
  if (leftAfterShutdown > 0) violations.push(`${leftAfterShutdown} processes left after shutdown`)
  return {
    processes: spawns,
    messages: out.size,
    received,
    deadLetters,
    refused: ledger.refused.size,
    timersDropped,
    monitors: monitors.length,
    downs: downCount,
    links,
    exits: exitAt.size,
    lost,
    stuck: stuckPids.length,
    crashes: crashes.length,
    violations
  }
}

const newLedger = (): Ledger => ({
  nextId: 0,
  attempted: new Set(),
  refused: new Set(),
  cancelled: new Set(),
  timed: new Set(),
  demonitored: new Map(),
  waiting: new Set(),
  events: [],
  provoked: new Map()
})

const stuckOf = (rt: Runtime.Runtime, ledger: Ledger): Array<string> =>
  rt
    .processes()
    .filter((p) => !ledger.waiting.has(p.pid))
    .map((p) => `${String(p.pid)} (${p.status})`)

/** Runs `program` on the test runtime (virtual time, scheduled by `seed`) and checks it. */
export const onTestRuntime = async (program: Program, seed: number, tamper: Tamper = (e) => e): Promise<RunStats> => {
  const ledger = newLedger()
  const rt = TestRuntime.make({ seed })
  const errors: Array<{ where: string; error: unknown; pid: unknown }> = []
  rt.events$.subscribe((e) => {
    ledger.events.push(e)
    if (e._tag === 'Error') errors.push({ where: e.where, error: e.error, pid: e.pid })
  })
  const snapshots: Array<ReadonlyArray<Runtime.ProcessInfo>> = []
  rt.spawn(build(program, ledger))
  // every timer of the program is under 100 ms of virtual time, and a never-ending finalizer is abandoned after 5 s
  for (let i = 0; i < 20; i++) {
    rt.advance(10)
    snapshots.push(rt.processes())
  }
  rt.advance(60_000)
  snapshots.push(rt.processes())
  const stuck = stuckOf(rt, ledger)
  const resolved = await within(
    rt.shutdown().then(() => true),
    5_000,
    false
  )
  return check(ledger, errors, snapshots, stuck, rt.processes().length, resolved, tamper)
}

/** Runs `program` on the production runtime and checks it. */
export const onRuntime = async (program: Program, tamper: Tamper = (e) => e): Promise<RunStats> => {
  const ledger = newLedger()
  const errors: Array<{ where: string; error: unknown; pid: unknown }> = []
  // finalizerTimeout: long enough for a finalizer's short sleep on a loaded machine, short enough to wait out
  const rt = Runtime.make({ finalizerTimeout: 200, onError: (error, where, pid) => errors.push({ where, error, pid }) })
  rt.events$.subscribe((e) => ledger.events.push(e))
  const snapshots: Array<ReadonlyArray<Runtime.ProcessInfo>> = []
  rt.spawn(build(program, ledger))
  // done when every live process waits by design (timers of the program are under 100 ms), or after 5 s
  const deadline = Date.now() + 5_000
  for (;;) {
    await new Promise((r) => setTimeout(r, 2))
    const live = rt.processes()
    snapshots.push(live)
    if (live.every((p) => ledger.waiting.has(p.pid) && p.status === 'waiting') || Date.now() > deadline) break
  }
  // let the last sendAfter timers (under 16 ms) fire
  await new Promise((r) => setTimeout(r, 40))
  snapshots.push(rt.processes())
  const stuck = stuckOf(rt, ledger)
  const resolved = await within(
    rt.shutdown().then(() => true),
    5_000,
    false
  )
  return check(ledger, errors, snapshots, stuck, rt.processes().length, resolved, tamper)
}

// -------------------------------------------------------------------------------------
// totals
// -------------------------------------------------------------------------------------

export interface Totals {
  programs: number
  processes: number
  messages: number
  received: number
  deadLetters: number
  refused: number
  timersDropped: number
  monitors: number
  downs: number
  links: number
  lost: number
  stuck: number
  crashes: number
}

export const emptyTotals = (): Totals => ({
  programs: 0,
  processes: 0,
  messages: 0,
  received: 0,
  deadLetters: 0,
  refused: 0,
  timersDropped: 0,
  monitors: 0,
  downs: 0,
  links: 0,
  lost: 0,
  stuck: 0,
  crashes: 0
})

export const add = (totals: Totals, s: RunStats): void => {
  totals.programs++
  totals.processes += s.processes
  totals.messages += s.messages
  totals.received += s.received
  totals.deadLetters += s.deadLetters
  totals.refused += s.refused
  totals.timersDropped += s.timersDropped
  totals.monitors += s.monitors
  totals.downs += s.downs
  totals.links += s.links
  totals.lost += s.lost
  totals.stuck += s.stuck
  totals.crashes += s.crashes
}

/**
 * Runs `runs` random programs on both interpreters (each program on each)
 * and returns the totals per interpreter. Throws fast-check's report, with
 * the shrunk program, at the first run that breaks an invariant.
 */
export const runPrograms = async (
  runs: number,
  seed?: number
): Promise<{ readonly runtime: Totals; readonly testRuntime: Totals }> => {
  const runtime = emptyTotals()
  const testRuntime = emptyTotals()
  await fc.assert(
    fc.asyncProperty(arbProgram(), fc.integer({ min: 1, max: 2 ** 30 }), async (program, s) => {
      const a = await onTestRuntime(program, s)
      const b = await onRuntime(program)
      const broken = [...a.violations.map((v) => `TestRuntime: ${v}`), ...b.violations.map((v) => `Runtime: ${v}`)]
      if (broken.length > 0) throw new Error(broken.slice(0, 10).join('\n'))
      add(testRuntime, a)
      add(runtime, b)
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true, includeErrorInReport: true }
  )
  return { runtime, testRuntime }
}
