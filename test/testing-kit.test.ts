import { describe, expect, it } from 'vitest'
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import { Effect, Exit, Process, TestKit } from '../lib/index.js'

// TestKit drives one process by hand, synchronously, with no scheduler.

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** A pid that nobody runs: a stand-in for "another process" the test plays. */
const fakePid = (): Process.Pid<unknown> => TestKit.spawn(Effect.never).pid

const Ping = t.type({ _tag: t.literal('Ping'), from: Process.pid }, 'Ping')
const Get = t.type({ _tag: t.literal('Get'), key: t.string, replyTo: t.union([Process.pid, Process.ref]) }, 'Get')
const Reply = t.type({ _tag: t.literal('Reply'), value: t.number }, 'Reply')
const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number }, 'Put')
const Msg = t.union([Put, Get], 'Msg')

// -------------------------------------------------------------------------------------
// sent
// -------------------------------------------------------------------------------------

describe('kit.sent', () => {
  it('records what the process sends, in order, without delivering it', () => {
    const other = TestKit.spawn(Process.receive(t.string))
    const program = Effect.gen(function* () {
      yield* Process.send(other.pid, 'one')
      yield* Process.send('logger', { level: 'info' })
      yield* Process.send(other.pid, 'two')
      return 'sent'
    })
    const kit = TestKit.spawn(program)
    expect(kit.sent()).toEqual([
      { to: other.pid, message: 'one' },
      { to: 'logger', message: { level: 'info' } },
      { to: other.pid, message: 'two' }
    ])
    expect(kit.sent()[0]?.to).toBe(other.pid)
    // recorded, not delivered: the other process never got it
    expect(other.mailbox()).toEqual([])
    expect(other.status).toBe('waiting')
    expect(kit.exit).toEqual(O.some(Exit.returned('sent')))
    expect(kit.status).toBe('exited')
  })

  it('delivers a message the process sends to itself (and records it)', () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 41)
      const n = yield* Process.receive(t.number)
      return n + 1
    })
    const kit = TestKit.spawn(program)
    expect(kit.sent()).toEqual([{ to: kit.pid, message: 41 }])
    expect(kit.exit).toEqual(O.some(Exit.returned(42)))
  })

  it('clearSent forgets what was sent so far', () => {
    const server = Process.receive(Process.on(Ping, (m) => Process.send(m.from, 'pong')))
    const loop: Effect.Effect<Process.NoProcess, never> = Effect.flatMap(server, () => loop)
    const kit = TestKit.spawn(loop)
    const client = fakePid()
    kit.send({ _tag: 'Ping', from: client })
    expect(kit.sent()).toEqual([{ to: client, message: 'pong' }])
    kit.clearSent()
    expect(kit.sent()).toEqual([])
    kit.send({ _tag: 'Ping', from: client })
    kit.send({ _tag: 'Ping', from: client })
    expect(kit.sent()).toEqual([
      { to: client, message: 'pong' },
      { to: client, message: 'pong' }
    ])
    expect(kit.status).toBe('waiting')
  })
})

// -------------------------------------------------------------------------------------
// spawned
// -------------------------------------------------------------------------------------

describe('kit.spawned', () => {
  it('records children without running them; a child starts and is driven as a kit of its own', () => {
    const child = (parent: Process.Pid) =>
      Effect.gen(function* () {
        yield* Process.send(parent, 'child started')
        const n = yield* Process.receive(t.number)
        return n * 10
      })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const a = yield* Process.spawn(child(me))
      const b = yield* Process.spawn(child(me))
      return [a, b] as const
    })
    const kit = TestKit.spawn(program)
    const children = kit.spawned()
    expect(children.length).toBe(2)
    const [a, b] = children as [TestKit.Kit, TestKit.Kit]
    expect(kit.exit).toEqual(O.some(Exit.returned([a.pid, b.pid])))
    // not run: nothing sent, nothing exited
    expect(a.sent()).toEqual([])
    expect(b.sent()).toEqual([])
    expect(a.exit).toEqual(O.none)
    expect(a.status).toBe('waiting')

    a.start()
    expect(a.sent()).toEqual([{ to: kit.pid, message: 'child started' }])
    expect(a.status).toBe('waiting')
    expect(b.sent()).toEqual([]) // still not run
    a.send(7)
    expect(a.exit).toEqual(O.some(Exit.returned(70)))
    a.start() // a no-op once started
    expect(a.sent()).toEqual([{ to: kit.pid, message: 'child started' }])

    // the parent got nothing: the child's send was recorded, not delivered
    expect(kit.mailbox()).toEqual([])
  })

  it('a spawned child is linked or monitored as asked', () => {
    const program = Effect.gen(function* () {
      const linked = yield* Process.spawnLink(Process.receive(t.string))
      const [watched, ref] = yield* Process.spawnMonitor(Process.receive(t.string))
      yield* Process.receive(t.string)
      return { linked, watched, ref }
    })
    const kit = TestKit.spawn(program)
    const [linked, watched] = kit.spawned() as [TestKit.Kit, TestKit.Kit]
    expect(kit.links()).toEqual([linked.pid])
    expect(linked.links()).toEqual([kit.pid])
    expect(watched.links()).toEqual([])
    const monitors = kit.monitors()
    expect(monitors.length).toBe(1)
    expect(monitors[0]?.target).toBe(watched.pid)
    // the DOWN of the spawnMonitor arrives when the test says the child ended
    kit.down((monitors[0] as TestKit.MonitorInfo).ref, Exit.normal)
    expect(kit.mailbox()).toEqual([{ _tag: 'DOWN', ref: monitors[0]?.ref, pid: watched.pid, reason: Exit.normal }])
    expect(kit.monitors()).toEqual([])
  })
})

// -------------------------------------------------------------------------------------
// signals
// -------------------------------------------------------------------------------------

/** Waits for one EXIT message and returns it, formatted; other messages stay. */
const trapOne = Effect.gen(function* () {
  yield* Process.trapExit(true)
  const m = yield* Process.receive(Exit.ExitSignal)
  return { from: m.from, reason: Exit.format(m.reason) }
})

const waitForever = Process.receive(t.literal('never sent'))

describe('kit.signal', () => {
  it('without trapping: normal from another process is ignored, anything else kills', () => {
    const kit = TestKit.spawn(waitForever)
    const other = fakePid()
    kit.signal(other, Exit.normal)
    expect(kit.status).toBe('waiting')
    expect(kit.exit).toEqual(O.none)
    expect(kit.mailbox()).toEqual([])
    kit.signal(other, Exit.custom('boom'))
    expect(kit.status).toBe('exited')
    expect(kit.exit).toEqual(O.some(Exit.custom('boom')))
  })

  it('normal from itself kills it (Process.exit(self(), :normal))', () => {
    const kit = TestKit.spawn(waitForever)
    kit.signal(kit.pid, Exit.normal)
    expect(kit.exit).toEqual(O.some(Exit.normal))
  })

  it('trapping: a signal becomes an EXIT message, normal included', () => {
    const other = fakePid()
    const kit = TestKit.spawn(trapOne)
    expect(kit.trapExit).toBe(true)
    kit.signal(other, Exit.normal)
    expect(kit.exit).toEqual(O.some(Exit.returned({ from: other, reason: ':normal' })))

    const kit2 = TestKit.spawn(Effect.flatMap(Process.trapExit(true), () => waitForever))
    kit2.signal(other, Exit.custom('boom'))
    expect(kit2.status).toBe('waiting')
    expect(kit2.mailbox()).toEqual([{ _tag: 'EXIT', from: other, reason: Exit.custom('boom') }])
  })

  it('kill is untrappable: a trapping process dies with killed, no message', () => {
    const kit = TestKit.spawn(trapOne)
    kit.signal(fakePid(), Exit.kill)
    expect(kit.exit).toEqual(O.some(Exit.killed))
    expect(kit.mailbox()).toEqual([])

    const plain = TestKit.spawn(waitForever)
    plain.signal(fakePid(), Exit.kill)
    expect(plain.exit).toEqual(O.some(Exit.killed))
  })

  it('through a link: normal is ignored without trapping, kill is trappable and kills with kill', () => {
    const peer = fakePid()
    const linkedTo = (trap: boolean) =>
      Effect.gen(function* () {
        yield* Process.trapExit(trap)
        yield* Process.link(peer)
        return yield* Process.receive(Process.on(Exit.ExitSignal, (m) => Effect.succeed(Exit.format(m.reason))))
      })
    const plain = TestKit.spawn(linkedTo(false))
    expect(plain.links()).toEqual([peer])
    plain.signal(peer, Exit.normal)
    expect(plain.status).toBe('waiting')
    expect(plain.links()).toEqual([]) // the link is gone with the linked process
    const plain2 = TestKit.spawn(linkedTo(false))
    plain2.signal(peer, Exit.kill)
    expect(plain2.exit).toEqual(O.some(Exit.kill)) // not killed: a link's :kill is not an explicit kill

    const trapping = TestKit.spawn(linkedTo(true))
    trapping.signal(peer, Exit.kill)
    expect(trapping.exit).toEqual(O.some(Exit.returned(':kill')))

    // `link: true` treats the signal as a link signal even without a link
    const unlinked = TestKit.spawn(waitForever)
    unlinked.signal(peer, Exit.kill, { link: true })
    expect(unlinked.exit).toEqual(O.some(Exit.kill))
  })

  it('finalizers run when a signal kills the process', () => {
    const log: Array<string> = []
    const kit = TestKit.spawn(
      Effect.ensuring(
        waitForever,
        Effect.sync(() => log.push('cleaned up'))
      )
    )
    expect(log).toEqual([])
    kit.signal(fakePid(), Exit.shutdown)
    expect(log).toEqual(['cleaned up'])
    expect(kit.exit).toEqual(O.some(Exit.shutdown))
  })

  it('signalsSent records the exit signals the process sends to others', () => {
    const victim = fakePid()
    const kit = TestKit.spawn(Process.exit(victim, Exit.shutdown))
    expect(kit.signalsSent()).toEqual([{ to: victim, reason: Exit.shutdown }])
    expect(kit.exit).toEqual(O.some(Exit.returned(undefined)))
  })
})

// -------------------------------------------------------------------------------------
// virtual time
// -------------------------------------------------------------------------------------

describe('kit.advance', () => {
  it('fires an after clause exactly at its deadline, not 1 ms before', () => {
    const kit = TestKit.spawn(
      Process.receive(
        Process.on(t.string, (s) => Effect.succeed(`got ${s}`)),
        Process.after(1000, () => Effect.succeed('timeout'))
      )
    )
    expect(kit.now).toBe(0)
    kit.advance(999)
    expect(kit.now).toBe(999)
    expect(kit.status).toBe('waiting')
    kit.advance(1)
    expect(kit.now).toBe(1000)
    expect(kit.exit).toEqual(O.some(Exit.returned('timeout')))
  })

  it('a message before the deadline wins over the after clause', () => {
    const kit = TestKit.spawn(
      Process.receive(
        Process.on(t.string, (s) => Effect.succeed(`got ${s}`)),
        Process.after(1000, () => Effect.succeed('timeout'))
      )
    )
    kit.advance(999)
    kit.send('hi')
    expect(kit.exit).toEqual(O.some(Exit.returned('got hi')))
    kit.advance(5000)
    expect(kit.exit).toEqual(O.some(Exit.returned('got hi')))
  })

  it('wakes a sleep exactly at its deadline; messages stay queued meanwhile', () => {
    const program = Effect.gen(function* () {
      yield* Process.sleep(500)
      const first = yield* Process.receive(t.string)
      return first
    })
    const kit = TestKit.spawn(program)
    kit.send('queued while asleep')
    expect(kit.mailbox()).toEqual(['queued while asleep'])
    kit.advance(499)
    expect(kit.status).toBe('waiting')
    expect(kit.mailbox()).toEqual(['queued while asleep'])
    kit.advance(1)
    expect(kit.exit).toEqual(O.some(Exit.returned('queued while asleep')))
    expect(kit.now).toBe(500)
  })

  it('fires timers due within one advance in order, running the process between them', () => {
    const program = Effect.gen(function* () {
      const log: Array<string> = []
      for (let i = 1; i <= 3; i++) {
        yield* Process.sleep(100)
        log.push(`tick ${i}`)
      }
      const r = yield* Process.receive(
        Process.on(t.string, Effect.succeed),
        Process.after(1000, () => Effect.succeed('quiet'))
      )
      log.push(r)
      return log
    })
    const kit = TestKit.spawn(program)
    kit.advance(250)
    expect(kit.status).toBe('waiting')
    kit.advance(1049) // 1299: ticks at 100, 200, 300; the after clause is due at 1300
    expect(kit.status).toBe('waiting')
    kit.advance(1)
    expect(kit.exit).toEqual(O.some(Exit.returned(['tick 1', 'tick 2', 'tick 3', 'quiet'])))
  })

  it('rejects a negative advance', () => {
    const kit = TestKit.spawn(waitForever)
    expect(() => kit.advance(-1)).toThrow(TypeError)
  })
})

// -------------------------------------------------------------------------------------
// request / reply
// -------------------------------------------------------------------------------------

describe('request/reply with a fake peer', () => {
  it('the request (replyTo: self) shows in sent(); the test answers with send and the process goes on', () => {
    const db = fakePid()
    const doubled = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(db, { _tag: 'Get', key: 'x', replyTo: me })
      const reply = yield* Process.receive(Reply)
      return reply.value * 2
    })
    const kit = TestKit.spawn(doubled)
    expect(kit.status).toBe('waiting')
    const sent = kit.sent()
    expect(sent).toEqual([{ to: db, message: { _tag: 'Get', key: 'x', replyTo: kit.pid } }])
    const request = Get.decode(sent[0]?.message)
    if (request._tag === 'Left') throw new Error('not a Get')
    expect(request.right.replyTo).toBe(kit.pid)
    kit.send({ _tag: 'Other', note: 'not a reply: stays in the mailbox' })
    expect(kit.status).toBe('waiting')
    kit.send({ _tag: 'Reply', value: 21 })
    expect(kit.exit).toEqual(O.some(Exit.returned(42)))
  })

  it('the request carries a reply alias; the test answers and the process goes on', () => {
    const program = Effect.gen(function* () {
      const replyTo = yield* Process.alias({ oneShot: true })
      yield* Process.send('db', { _tag: 'Get', key: 'y', replyTo })
      const reply = yield* Process.receive(
        Process.on(Reply, (r) => Effect.succeed(r.value)),
        Process.after(5000, () => Effect.succeed(-1))
      )
      return { replyTo, reply }
    })
    const kit = TestKit.spawn(program, { names: ['db'] })
    const [request] = kit.sent()
    expect(request?.to).toBe('db')
    const decoded = Get.decode(request?.message)
    if (decoded._tag === 'Left') throw new Error('not a Get')
    const alias = decoded.right.replyTo
    expect(Process.ref.is(alias)).toBe(true)
    kit.advance(4999)
    kit.send({ _tag: 'Reply', value: 7 })
    expect(kit.exit).toEqual(O.some(Exit.returned({ replyTo: alias, reply: 7 })))
  })
})

// -------------------------------------------------------------------------------------
// links, monitors, DOWN
// -------------------------------------------------------------------------------------

describe('kit.links, kit.monitors, kit.down', () => {
  it('links() shows what the process linked and not what it unlinked', () => {
    const [a, b, c] = [fakePid(), fakePid(), fakePid()]
    const program = Effect.gen(function* () {
      yield* Process.link(a)
      yield* Process.link(b)
      yield* Process.link(a) // idempotent
      yield* Process.link(c)
      yield* Process.unlink(b)
      return yield* waitForever
    })
    const kit = TestKit.spawn(program)
    expect(kit.links()).toEqual([a, c])
  })

  it('monitors() shows every monitor (they stack); down delivers the DOWN for one', () => {
    const target = fakePid()
    const program = Effect.gen(function* () {
      const r1 = yield* Process.monitor(target)
      const r2 = yield* Process.monitor(target)
      const r3 = yield* Process.monitor('cache')
      const down = yield* Process.receive(Exit.Down)
      return { sameRef: down.ref === r2, other: [r1, r3], pid: down.pid, reason: Exit.format(down.reason) }
    })
    const kit = TestKit.spawn(program)
    const monitors = kit.monitors()
    expect(monitors.map((m) => m.target)).toEqual([target, target, 'cache'])
    const [m1, m2, m3] = monitors as [TestKit.MonitorInfo, TestKit.MonitorInfo, TestKit.MonitorInfo]
    expect(new Set([m1.ref, m2.ref, m3.ref]).size).toBe(3)
    kit.down(m2.ref, Exit.custom('gone'))
    expect(kit.exit).toEqual(
      O.some(Exit.returned({ sameRef: true, other: [m1.ref, m3.ref], pid: target, reason: ':gone' }))
    )
  })

  it('down on a monitor that is not active throws', () => {
    const target = fakePid()
    const program = Effect.gen(function* () {
      const ref = yield* Process.monitor(target)
      yield* Process.demonitor(ref)
      yield* Process.send(target, ref)
      return yield* waitForever
    })
    const kit = TestKit.spawn(program)
    const ref = kit.sent()[0]?.message as Process.Ref
    expect(kit.monitors()).toEqual([])
    expect(() => kit.down(ref, Exit.normal)).toThrow(/not an active monitor/)
  })

  it('a DOWN for a name carries the name', () => {
    const kit = TestKit.spawn(Effect.flatMap(Process.monitor('cache'), () => Process.receive(Exit.Down)))
    const [m] = kit.monitors()
    kit.down((m as TestKit.MonitorInfo).ref, Exit.noproc)
    expect(kit.exit).toEqual(O.some(Exit.returned({ _tag: 'DOWN', ref: m?.ref, pid: 'cache', reason: Exit.noproc })))
  })
})

// -------------------------------------------------------------------------------------
// mailbox codec, registered names, bad use
// -------------------------------------------------------------------------------------

describe('mailbox codec and names', () => {
  const store = (state: ReadonlyMap<string, number>): Effect.Effect<Process.NoProcess, never> =>
    Process.receive(
      Process.on(Put, (m) => store(new Map(state).set(m.key, m.value))),
      Process.on(Get, (m) =>
        Effect.flatMap(Process.send(m.replyTo, { _tag: 'Reply', value: state.get(m.key) ?? -1 }), () => store(state))
      )
    )

  it('a message the mailbox codec rejects throws a TypeError naming the io-ts errors; nothing is enqueued', () => {
    const kit = TestKit.spawn(store(new Map()), { mailbox: Msg })
    const bad = { _tag: 'Put', key: 'plums', value: 'lots' }
    const report = PathReporter.report(Msg.decode(bad))
    expect(report.length).toBeGreaterThan(0)
    let thrown: unknown
    try {
      kit.send(bad)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(TypeError)
    const message = (thrown as TypeError).message
    expect(message).toMatch(/^TestKit\.send: the mailbox codec rejects the message: /)
    for (const line of report) expect(message).toContain(line)
    expect(message).toContain('Invalid value "lots" supplied to : Msg/0: Put/value: number')
    expect(kit.mailbox()).toEqual([])
    expect(kit.status).toBe('waiting')

    // a good message goes through
    const client = fakePid()
    kit.send({ _tag: 'Put', key: 'plums', value: 3 })
    kit.send({ _tag: 'Get', key: 'plums', replyTo: client })
    expect(kit.sent()).toEqual([{ to: client, message: { _tag: 'Reply', value: 3 } }])
  })

  it('register and whereis work within the kit; names given in options are known', () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const before = yield* Process.whereis('me')
      yield* Process.register('me', me)
      const after = yield* Process.whereis('me')
      const known = yield* Process.whereis('db')
      const taken = yield* Effect.either(Process.register('db', me))
      return { before, after: O.map((p: Process.Pid) => p === me)(after), known: O.isSome(known), taken: taken._tag }
    })
    const kit = TestKit.spawn(program, { names: ['db'] })
    expect(kit.exit).toEqual(O.some(Exit.returned({ before: O.none, after: O.some(true), known: true, taken: 'Left' })))
  })

  it('rejects what is not an Effect', () => {
    expect(() => TestKit.spawn(42 as unknown as Effect.Effect<never, never>)).toThrow(/expected an Effect/)
  })

  it('a process that never blocks is reported instead of hanging the test', () => {
    const spin: Effect.Effect<never, never> = Effect.suspend(() => spin)
    expect(() => TestKit.spawn(spin, { maxSteps: 50_000 })).toThrow(/did not block within 50000 steps/)
  })
})
