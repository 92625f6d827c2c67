import { afterEach, describe, expect, it, vi } from 'vitest'
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, TestKit, TestRuntime } from '../lib/index.js'

// The deterministic test runtime, and one program under the three interpreters.

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** The value a process returned (fails the test for any other exit). */
const valueOf = <A>(r: Exit.Reason<unknown, A>): A => {
  if (r._tag !== 'Normal') throw new Error(`expected a normal exit, got ${Exit.format(r)}`)
  return r.value as A
}

/** The exit reason of a kit that has exited (fails the test otherwise). */
const exitOf = (kit: TestKit.Kit): Exit.Reason => {
  if (O.isNone(kit.exit)) throw new Error(`${String(kit.pid)} has not exited (status ${kit.status})`)
  return kit.exit.value
}

/**
 * Plays the message passing between kits by hand: what one kit sent to the
 * pid of another is sent to it, until nothing moves.
 */
const pump = (kits: ReadonlyArray<TestKit.Kit>): void => {
  const seen = new Map<TestKit.Kit, number>()
  for (let moved = true; moved;) {
    moved = false
    for (const from of kits) {
      const sent = from.sent()
      for (let i = seen.get(from) ?? 0; i < sent.length; i++) {
        const s = sent[i] as TestKit.Sent
        const to = kits.find((k) => k.pid === s.to)
        if (to !== undefined && to !== from && to.status !== 'exited') {
          to.send(s.message)
          moved = true
        }
      }
      seen.set(from, sent.length)
    }
  }
}

// -------------------------------------------------------------------------------------
// programs
// -------------------------------------------------------------------------------------

const Get = t.type({ _tag: t.literal('Get'), key: t.string, replyTo: Process.pid }, 'Get')
const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number }, 'Put')
const Msg = t.union([Get, Put], 'Msg')
type Msg = t.TypeOf<typeof Msg>
const Reply = t.type({ _tag: t.literal('Reply'), key: t.string, value: t.union([t.number, t.null]) }, 'Reply')

/** A key-value store: state kept by a receive loop that calls itself. */
const store = (state: ReadonlyMap<string, number>): Effect.Effect<Process.NoProcess, never> =>
  Process.receive(
    Process.on(Get, ({ key, replyTo }) =>
      Effect.flatMap(Process.send(replyTo, { _tag: 'Reply', key, value: state.get(key) ?? null }), () => store(state))
    ),
    Process.on(Put, ({ key, value }) => store(new Map(state).set(key, value)))
  )

const get = (s: Process.Pid<Msg>, key: string) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Process.send(s, { _tag: 'Get', key, replyTo: me })
    return (yield* Process.receive(Reply)).value
  })

/** Spawns a store, puts and gets, stops it (monitor + exit :shutdown) and returns what it read. */
const kvClient = Effect.gen(function* () {
  const s = yield* Process.spawn(store(new Map()), { mailbox: Msg })
  yield* Process.send(s, { _tag: 'Put', key: 'apples', value: 3 })
  yield* Process.send(s, { _tag: 'Put', key: 'pears', value: 5 })
  const apples = yield* get(s, 'apples')
  yield* Process.send(s, { _tag: 'Put', key: 'apples', value: 4 })
  const again = yield* get(s, 'apples')
  const plums = yield* get(s, 'plums')
  const ref = yield* Process.monitor(s)
  yield* Process.exit(s, Exit.shutdown)
  const down = yield* Process.receive(Exit.Down)
  return { reads: [apples, again, plums], down: down.ref === ref, storeExit: Exit.format(down.reason) }
})
const kvExpected = { reads: [3, 4, null], down: true, storeExit: ':shutdown' }

const Ping = t.type({ _tag: t.literal('Ping'), from: Process.pid }, 'Ping')
/** An echo child answers once; then a receive with nobody to answer times out. */
const echoThenTimeout = Effect.gen(function* () {
  const me = yield* Process.self
  const echo = yield* Process.spawn(Process.receive(Process.on(Ping, (m) => Process.send(m.from, 'pong'))))
  yield* Process.send(echo, { _tag: 'Ping', from: me })
  const first = yield* Process.receive(
    Process.on(t.string, (s) => Effect.succeed(s)),
    Process.after(10_000, () => Effect.succeed('timeout'))
  )
  const second = yield* Process.receive(
    Process.on(t.string, (s) => Effect.succeed(s)),
    Process.after(30, () => Effect.succeed('timeout'))
  )
  return [first, second]
})

/** Traps exits, spawns a linked child that fails, and reports the EXIT message. */
const trapCrash = Effect.gen(function* () {
  yield* Process.trapExit(true)
  const child = yield* Process.spawnLink(Effect.fail('boom'))
  const m = yield* Process.receive(Exit.ExitSignal)
  const alive = yield* Process.isAlive(child)
  return { fromChild: m.from === child, reason: Exit.format(m.reason), childAlive: alive }
})
const trapCrashExpected = { fromChild: true, reason: '{:failure, :boom}', childAlive: false }

/** The same without trapping: the crash kills the parent with the child's reason. */
const linkedCrash = Effect.gen(function* () {
  yield* Process.spawnLink(Effect.fail('boom'))
  return yield* Process.receive(t.string)
})

// -------------------------------------------------------------------------------------
// one program, three interpreters
// -------------------------------------------------------------------------------------

describe('the same program under Runtime, TestRuntime and TestKit', () => {
  it('a key-value store driven by a client', async () => {
    const real = await Runtime.make().run(kvClient)
    const virtual = TestRuntime.make({ seed: 1 }).runSync(kvClient)
    const virtualAsync = await TestRuntime.make({ seed: 2 }).run(kvClient)
    expect(real).toEqual(Exit.returned(kvExpected))
    expect(virtual).toEqual(real)
    expect(virtualAsync).toEqual(real)

    // TestKit: the store is recorded, not run; the test plays the messages between the two
    const client = TestKit.spawn(kvClient)
    const [storeKit] = client.spawned() as [TestKit.Kit]
    expect(client.sent().map((s) => (s.message as Msg)._tag)).toEqual(['Put', 'Put', 'Get'])
    storeKit.start()
    pump([client, storeKit])
    // the client now monitors the store and has sent it :shutdown: play both
    expect(client.signalsSent()).toEqual([{ to: storeKit.pid, reason: Exit.shutdown }])
    const [monitor] = client.monitors()
    expect(monitor?.target).toBe(storeKit.pid)
    storeKit.signal(client.pid, Exit.shutdown)
    expect(exitOf(storeKit)).toEqual(Exit.shutdown)
    client.down((monitor as TestKit.MonitorInfo).ref, exitOf(storeKit))
    expect(exitOf(client)).toEqual(real)
  })

  it('a receive with an after clause', async () => {
    const real = await Runtime.make().run(echoThenTimeout)
    const rt = TestRuntime.make({ seed: 3 })
    const virtual = rt.runSync(echoThenTimeout)
    expect(real).toEqual(Exit.returned(['pong', 'timeout']))
    expect(virtual).toEqual(real)
    expect(rt.now).toBe(30)

    const kit = TestKit.spawn(echoThenTimeout)
    const [echo] = kit.spawned() as [TestKit.Kit]
    echo.start()
    pump([kit, echo])
    expect(echo.exit).toEqual(O.some(Exit.returned(undefined)))
    kit.advance(29)
    expect(kit.status).toBe('waiting')
    kit.advance(1)
    expect(exitOf(kit)).toEqual(real)
  })

  it('a trapping parent with a linked child that crashes', async () => {
    const real = await Runtime.make().run(trapCrash)
    const virtual = TestRuntime.make({ seed: 4 }).runSync(trapCrash)
    expect(real).toEqual(Exit.returned(trapCrashExpected))
    expect(virtual).toEqual(real)

    const kit = TestKit.spawn(trapCrash)
    const [child] = kit.spawned() as [TestKit.Kit]
    child.start()
    expect(exitOf(child)).toEqual(Exit.failure('boom'))
    kit.signal(child.pid, exitOf(child)) // linked: a link signal, an EXIT message for a trapping process
    expect(exitOf(kit)).toEqual(real)
  })

  it('a parent that does not trap dies of its linked child', async () => {
    const real = await Runtime.make().run(linkedCrash)
    const virtual = TestRuntime.make({ seed: 5 }).runSync(linkedCrash)
    expect(real).toEqual(Exit.failure('boom'))
    expect(virtual).toEqual(real)

    const kit = TestKit.spawn(linkedCrash)
    const [child] = kit.spawned() as [TestKit.Kit]
    child.start()
    kit.signal(child.pid, exitOf(child))
    expect(exitOf(kit)).toEqual(real)
  })
})

// -------------------------------------------------------------------------------------
// determinism
// -------------------------------------------------------------------------------------

const Note = t.type({ from: t.number, seq: t.number }, 'Note')
/** Four processes race to send three messages each to the main process. */
const racy = Effect.gen(function* () {
  const me = yield* Process.self
  for (let i = 0; i < 4; i++) {
    yield* Process.spawn(
      Effect.gen(function* () {
        for (let seq = 0; seq < 3; seq++) yield* Process.send(me, { from: i, seq })
      })
    )
  }
  const got: Array<string> = []
  for (let k = 0; k < 12; k++) {
    const n = yield* Process.receive(Note)
    got.push(`${n.from}.${n.seq}`)
  }
  return got
})

describe('determinism', () => {
  it('the same seed gives a byte-identical trace, 100 runs in a row', () => {
    const first = TestRuntime.make({ seed: 7 })
    const value = valueOf(first.runSync(racy))
    const text = TestRuntime.format(first.trace)
    expect(text.split('\n').length).toBe(first.trace.length)
    expect(first.trace.filter((e) => e._tag === 'Send').length).toBe(12)
    for (let i = 0; i < 100; i++) {
      const rt = TestRuntime.make({ seed: 7 })
      expect(valueOf(rt.runSync(racy))).toEqual(value)
      expect(TestRuntime.format(rt.trace)).toBe(text)
    }
  })

  it('different seeds give different interleavings', () => {
    const traces = new Set<string>()
    const orders = new Set<string>()
    for (let seed = 1; seed <= 50; seed++) {
      const rt = TestRuntime.make({ seed })
      const got = valueOf(rt.runSync(racy))
      // per sender, the order sent is kept whatever the interleaving
      for (let i = 0; i < 4; i++) {
        expect(got.filter((g) => g.startsWith(`${i}.`))).toEqual([`${i}.0`, `${i}.1`, `${i}.2`])
      }
      orders.add(got.join(' '))
      traces.add(TestRuntime.format(rt.trace))
    }
    expect(traces.size).toBeGreaterThan(1)
    expect(orders.size).toBeGreaterThan(1)
  })

  it('rt.schedule replays the run exactly, through make({ schedule }) and replay', () => {
    const rt = TestRuntime.make({ seed: 11, strategy: 'pct' })
    const value = valueOf(rt.runSync(racy))
    const schedule = rt.schedule
    expect(schedule).toMatch(/^v1:/)
    const again = TestRuntime.make({ seed: 0, schedule })
    expect(valueOf(again.runSync(racy))).toEqual(value)
    expect(TestRuntime.format(again.trace)).toBe(TestRuntime.format(rt.trace))
    expect(TestRuntime.format(TestRuntime.replay(racy, schedule))).toBe(TestRuntime.format(rt.trace))
  })

  it('the fifo strategy is the production order', async () => {
    const rt = TestRuntime.make({ seed: 99, strategy: 'fifo' })
    const virtual = valueOf(rt.runSync(racy))
    expect(virtual).toEqual(valueOf(await Runtime.make().run(racy)))
    expect(rt.schedule).toBe('v1:')
  })

  it('format prints one stable line per event', () => {
    const rt = TestRuntime.make({ seed: 1 })
    rt.runSync(Effect.unit)
    expect(TestRuntime.format(rt.trace)).toBe('Spawn #PID<0.1.0>\nExit #PID<0.1.0> :normal (returned undefined)')

    const rt2 = TestRuntime.make({ seed: 1 })
    rt2.runSync(trapCrash)
    expect(TestRuntime.format(rt2.trace).split('\n')).toEqual([
      'Spawn #PID<0.1.0>',
      'Spawn #PID<0.2.0> by #PID<0.1.0>',
      'Link #PID<0.1.0> #PID<0.2.0>',
      'Exit #PID<0.2.0> {:failure, :boom} (failed)',
      'Receive #PID<0.1.0> {"_tag":"EXIT","from":"#PID<0.2.0>","reason":{"_tag":"Failure","error":"boom"}}',
      'Exit #PID<0.1.0> :normal (returned {"fromChild":true,"reason":"{:failure, :boom}","childAlive":false})'
    ])
  })

  it('rejects a bad seed or a bad schedule with a clear error', () => {
    expect(() => TestRuntime.make({ seed: 1.5 })).toThrow(/seed must be an integer/)
    expect(() => TestRuntime.make({ seed: 1, schedule: 'nonsense' })).toThrow(/a schedule looks like/)
    expect(() => TestRuntime.replay(Effect.unit, 'v1:0,x')).toThrow(/bad schedule token "x"/)
  })
})

// -------------------------------------------------------------------------------------
// virtual time
// -------------------------------------------------------------------------------------

/** A minute's timeout, then an hour's sleep. */
const anHour = Effect.gen(function* () {
  const first = yield* Process.receive(
    Process.on(t.string, (s) => Effect.succeed(s)),
    Process.after(60_000, () => Effect.succeed('a minute passed'))
  )
  yield* Process.sleep(3_600_000)
  return `${first}, then an hour`
})

describe('virtual time', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  const spyOnTimers = () => ({
    timeout: vi.spyOn(globalThis, 'setTimeout'),
    interval: vi.spyOn(globalThis, 'setInterval')
  })

  it('TestRuntime.runSync: an hour of after and sleep at once, with no host timer', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const spies = spyOnTimers()
    const r = rt.runSync(anHour)
    expect(spies.timeout).not.toHaveBeenCalled()
    expect(spies.interval).not.toHaveBeenCalled()
    vi.restoreAllMocks()
    expect(r).toEqual(Exit.returned('a minute passed, then an hour'))
    expect(rt.now).toBeGreaterThanOrEqual(3_660_000)
    expect(rt.now).toBe(3_660_000)
    expect(rt.clock.created).toBe(2) // two virtual timers: the after clause and the sleep
  })

  it('TestRuntime.run (the promise form) too', async () => {
    const rt = TestRuntime.make({ seed: 2 })
    const spies = spyOnTimers()
    const r = await rt.run(anHour)
    expect(spies.timeout).not.toHaveBeenCalled()
    expect(spies.interval).not.toHaveBeenCalled()
    vi.restoreAllMocks()
    expect(r).toEqual(Exit.returned('a minute passed, then an hour'))
    expect(rt.now).toBe(3_660_000)
  })

  it('TestKit: advance through the minute and the hour', () => {
    const spies = spyOnTimers()
    const kit = TestKit.spawn(anHour)
    kit.advance(60_000)
    expect(kit.status).toBe('waiting')
    kit.advance(3_599_999)
    expect(kit.status).toBe('waiting')
    kit.advance(1)
    expect(spies.timeout).not.toHaveBeenCalled()
    expect(spies.interval).not.toHaveBeenCalled()
    vi.restoreAllMocks()
    expect(kit.exit).toEqual(O.some(Exit.returned('a minute passed, then an hour')))
    expect(kit.now).toBe(3_660_000)
  })

  it('rt.advance fires timers at their deadline, not 1 ms before', () => {
    const rt = TestRuntime.make({ seed: 3 })
    const spies = spyOnTimers()
    const pid = rt.spawn(anHour)
    rt.runUntilIdle()
    expect(rt.processes().map((p) => [p.pid, p.status])).toEqual([[pid, 'waiting']])
    rt.advance(59_999)
    expect(rt.processes().length).toBe(1)
    rt.advance(1)
    expect(rt.now).toBe(60_000)
    rt.advance(3_599_999)
    expect(rt.processes().length).toBe(1)
    rt.advance(1)
    expect(rt.processes()).toEqual([])
    expect(rt.now).toBe(3_660_000)
    expect(spies.timeout).not.toHaveBeenCalled()
    expect(spies.interval).not.toHaveBeenCalled()
  })

  it('a message sent from outside beats the after clause', () => {
    const rt = TestRuntime.make({ seed: 4 })
    const exits: Array<string> = []
    rt.exits$.subscribe((e) => exits.push(Exit.format(e.reason)))
    const pid = rt.spawn(anHour)
    rt.advance(59_999)
    rt.send(pid, 'hello')
    rt.advance(3_600_000)
    expect(exits).toEqual([':normal (returned "hello, then an hour")'])
    expect(rt.now).toBe(3_659_999)
  })

  it('runSync reports a deadlock instead of hanging', () => {
    const rt = TestRuntime.make({ seed: 1 })
    expect(() => rt.runSync(Process.receive(t.string))).toThrow(/deadlock: every process is blocked/)
  })
})
