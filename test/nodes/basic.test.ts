import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Exit, GenServer, Node, Pid, Process, Runtime, TestRuntime, Transport } from '../../lib/index.js'
import { endpointClock, setEndpointClock } from '../../lib/internal/node/clock.js'

/** Two nodes on one seeded scheduler and virtual clock: `a` runs the test program, `b` has `programs`. */
const pair = (programs: Node.Config['programs'] = {}, seed = 1) => {
  const net = Transport.memory()
  const a = TestRuntime.make({ seed, node: { name: 'a', transport: net } })
  const b = a.peer({ name: 'b', transport: net, programs })
  return { net, a, b }
}

const waitFor = Process.receive
const Stop = t.literal('stop')
const parked = Node.program(t.unknown, () => waitFor(Stop))
const echo = Node.program(t.unknown, () =>
  Effect.forever(
    Process.receive(Process.on(t.type({ from: Process.pid, body: t.unknown }), (m) => Process.send(m.from, m.body)))
  )
)
const crash = Node.program(t.string, (why) => Effect.flatMap(waitFor(t.literal('go')), () => Effect.fail(why)))

describe('nodes over Transport.memory', () => {
  it('a remote pid prints with its node and incarnation, and comes back as the same pid', () => {
    const { a } = pair({ echo })
    const r = a.runSync(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'echo', null)
        const me = yield* Process.self
        yield* Process.send(pid, { from: me, body: { me, pid, nested: [me] } })
        const back = yield* Process.receive(t.type({ me: Process.pid, pid: Process.pid, nested: t.array(Process.pid) }))
        return [String(pid), Node.of(pid), back.me === me, back.nested[0] === me, Pid.Eq.equals(back.pid, pid)]
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: ['#PID<b.1000001.1>', 'b', true, true, true] })
  })

  it('a send through a reply alias of another node is one Send event', () => {
    const replier = Node.program(t.unknown, () =>
      Process.receive(Process.on(t.type({ alias: Process.ref }), (m) => Process.send(m.alias as never, 'pong')))
    )
    const { a, b } = pair({ replier })
    const sends: Array<unknown> = []
    b.events$.subscribe((e) => {
      if (e._tag === 'Send') sends.push(e.message)
    })
    const r = a.runSync(
      Effect.gen(function* () {
        const alias = yield* Process.alias()
        const pid = yield* Node.spawn('b', 'replier', null)
        yield* Process.send(pid, { alias })
        return yield* Process.receive(t.literal('pong'))
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: 'pong' })
    expect(sends.filter((m) => m === 'pong')).toEqual(['pong'])
  })

  it('messages between one pair of processes arrive in the order sent', () => {
    const { a } = pair({ echo })
    const r = a.runSync(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'echo', null)
        const me = yield* Process.self
        for (let i = 0; i < 200; i++) yield* Process.send(pid, { from: me, body: i })
        const got: Array<number> = []
        for (let i = 0; i < 200; i++) got.push(yield* Process.receive(t.number))
        return got
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: Array.from({ length: 200 }, (_, i) => i) })
  })

  it('a remote crash reaches a linked trapping process and a monitor, with its reason', () => {
    const { a } = pair({ crash })
    const r = a.runSync(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const pid = yield* Node.spawnLink('b', 'crash', 'boom')
        const ref = yield* Process.monitor(pid)
        yield* Process.send(pid, 'go')
        const exit = yield* Process.receive(Exit.exitFrom(pid))
        const down = yield* Process.receive(Exit.downOf(ref))
        return [exit.reason, down.reason, down.pid === pid]
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: [Exit.failure('boom'), Exit.failure('boom'), true] })
  })

  it('a lost node: every link gets noconnection and every monitor one DOWN noconnection, after its messages', () => {
    const { net, a } = pair({ parked, echo })
    const r = a.runSync(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const me = yield* Process.self
        const p1 = yield* Node.spawnLink('b', 'parked', null)
        const p2 = yield* Node.spawn('b', 'echo', null)
        const m1 = yield* Process.monitor(p1)
        const m2 = yield* Process.monitor(p1)
        yield* Node.monitor('b')
        yield* Process.send(p2, { from: me, body: 'before' })
        yield* Process.receive(t.literal('before'))
        yield* Process.send(p2, { from: me, body: 'last words' })
        yield* Effect.sync(() => void 0)
        yield* Process.sleep(1)
        yield* Effect.sync(() => net.kill('b'))
        const got: Array<unknown> = []
        for (let i = 0; i < 4; i++)
          got.push(
            yield* Process.receive(
              Process.on(Exit.ExitSignal, (m) => Effect.succeed(['EXIT', m.from === p1, Exit.format(m.reason)])),
              Process.on(Exit.Down, (m) =>
                Effect.succeed(['DOWN', m.ref === m1 ? 'm1' : m.ref === m2 ? 'm2' : '?', Exit.format(m.reason)])
              ),
              Process.on(Node.NodeDown, (m) => Effect.succeed(['nodedown', m.node])),
              Process.on(t.string, (s) => Effect.succeed(['msg', s]))
            )
          )
        const more = yield* Process.receive(
          Process.on(t.unknown, (m) => Effect.succeed(m)),
          Process.after(1000, () => Effect.succeed('nothing more'))
        )
        return [got, more, yield* Node.list]
      })
    )
    expect(r).toEqual({
      _tag: 'Normal',
      value: [
        [
          ['msg', 'last words'],
          ['EXIT', true, ':noconnection'],
          ['DOWN', 'm1', ':noconnection'],
          ['DOWN', 'm2', ':noconnection']
        ],
        { _tag: 'nodedown', node: 'b' },
        []
      ]
    })
  })

  it('a non-trapping process linked to a process of a lost node dies with noconnection', () => {
    const { net, a } = pair({ parked })
    const r = a.runSync(
      Effect.gen(function* () {
        yield* Node.spawnLink('b', 'parked', null)
        yield* Effect.sync(() => net.kill('b'))
        return yield* waitFor(Stop)
      })
    )
    expect(Exit.format(r as Exit.Reason)).toBe(':noconnection')
  })

  it('sending to a lost node returns and makes a local dead letter; monitoring there is DOWN noconnection', () => {
    const { net, a } = pair({ parked })
    const letters: Array<unknown> = []
    a.deadLetters$.subscribe((d) => letters.push(d.message))
    const r = a.runSync(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'parked', null)
        yield* Effect.sync(() => net.kill('b'))
        yield* Process.sleep(1)
        yield* Process.send(pid, 'lost')
        const ref = yield* Process.monitor(pid)
        const down = yield* Process.receive(Exit.downOf(ref))
        yield* Process.sleep(1)
        return Exit.format(down.reason)
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: ':noconnection' })
    expect(letters).toEqual(['lost'])
  })

  it('{ name, node }: send reaches a registered process; monitor of an unknown name is DOWN noproc', () => {
    const named = Node.program(t.unknown, () =>
      Effect.flatMap(Process.self, (me) =>
        Effect.flatMap(Process.register('srv', me), () =>
          Process.receive(Process.on(t.type({ from: Process.pid }), (m) => Process.send(m.from, 'hi')))
        )
      )
    )
    const { a } = pair({ named })
    const r = a.runSync(
      Effect.gen(function* () {
        yield* Node.spawn('b', 'named', null)
        yield* Process.sleep(1)
        yield* Process.send(Node.name('srv', 'b'), { from: yield* Process.self })
        const hi = yield* Process.receive(t.string)
        const ref = yield* Process.monitor(Node.name('nobody', 'b'))
        const down = yield* Process.receive(Exit.downOf(ref))
        return [hi, down.pid, Exit.format(down.reason)]
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: ['hi', 'nobody', ':noproc'] })
  })

  it('spawning an unknown program, with rejected arguments, or on an unreachable node fails clearly', () => {
    const { a } = pair({ crash })
    const r = a.runSync(
      Effect.gen(function* () {
        const e1 = yield* Effect.either(Node.spawn('b', 'nope', null))
        const e2 = yield* Effect.either(Node.spawn('b', 'crash', 42))
        const e3 = yield* Effect.either(Node.spawn('zz', 'crash', 'x'))
        return [e1, e2, e3].map((e) => (e._tag === 'Left' ? [e.left.reason, e.left.message] : 'ok'))
      })
    )
    if (r._tag !== 'Normal') throw new Error(Exit.format(r))
    const [e1, e2, e3] = r.value ?? []
    expect(e1?.[0]).toBe('noprogram')
    expect(e1?.[1]).toMatch(/node b has no program "nope" \(it has: "crash"\)/)
    expect(e2?.[0]).toBe('badargs')
    expect(e2?.[1]).toMatch(/rejected the arguments of "crash"/)
    expect(e3?.[0]).toBe('noconnection')
  })

  it('a message that cannot cross fails at the sender, naming the path, and the connection goes on', () => {
    const { a } = pair({ echo })
    /** The defect a process dies of when it sends `body` to `pid`. */
    const sendDefect = (pid: Process.Pid, body: unknown) =>
      Effect.gen(function* () {
        const [, ref] = yield* Process.spawnMonitor(Process.send(pid, { from: pid, body }))
        const down = yield* Process.receive(Exit.downOf(ref))
        return down.reason._tag === 'Defect' && down.reason.defect instanceof Error ? down.reason.defect.message : ''
      })
    const r = a.runSync(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'echo', null)
        const me = yield* Process.self
        const bad = yield* sendDefect(pid, { items: [1, () => 2] })
        const cyc: Record<string, unknown> = {}
        cyc['self'] = cyc
        const bad2 = yield* sendDefect(pid, cyc)
        const bad3 = yield* sendDefect(pid, new Map())
        yield* Process.send(pid, { from: me, body: { $: 'pid', n: 'x', weird: [undefined, NaN, -0] } })
        const ok = yield* Process.receive(t.unknown)
        return [bad, bad2, bad3, ok] as const
      })
    )
    if (r._tag !== 'Normal') throw new Error(Exit.format(r))
    const [bad, bad2, bad3, ok] = r.value ?? []
    expect(bad).toMatch(/cannot send a function \(anonymous\) at message\.body\.items\[1\] to another node/)
    expect(bad2).toMatch(/cannot send a cycle .* at message\.body\.self/)
    expect(bad3).toMatch(/cannot send an instance of Map at message\.body/)
    expect(ok).toEqual({ $: 'pid', n: 'x', weird: [undefined, NaN, -0] })
  })

  it('GenServer.call to a server on another node: replies cross back; a lost node exits the call with nodedown', () => {
    const kv = Node.program(t.unknown, () =>
      Effect.flatMap(
        GenServer.start(
          {
            init: (n: number) => Effect.succeed(GenServer.ok(n)),
            handleCall: (req: 'get' | 'hang', _from, n: number) =>
              Effect.succeed(req === 'get' ? GenServer.replyWith(n, n) : GenServer.noReply(n))
          },
          41,
          { name: 'kv' }
        ),
        () => waitFor(Stop)
      )
    )
    const { net, a } = pair({ kv })
    const r = a.runSync(
      Effect.gen(function* () {
        yield* Node.spawn('b', 'kv', null)
        yield* Process.sleep(1)
        const got = yield* GenServer.call<number>(Node.name('kv', 'b'), 'get')
        const [, ref] = yield* Process.spawnMonitor(GenServer.call(Node.name('kv', 'b'), 'hang'))
        yield* Process.sleep(10)
        yield* Effect.sync(() => net.kill('b'))
        const down = yield* Process.receive(Exit.downOf(ref))
        const unreachable = yield* Effect.either(GenServer.call(Node.name('kv', 'zz'), 'get'))
        return [
          got,
          Exit.format(down.reason),
          unreachable._tag === 'Left' ? Exit.format(unreachable.left.reason) : 'ok'
        ]
      })
    )
    expect(r).toEqual({
      _tag: 'Normal',
      value: [
        41,
        '{{"nodedown":"b"}, {GenServer.call, [{"name":"kv","node":"b"}, :hang, 5000]}}',
        '{{"nodedown":"zz"}, {GenServer.call, [{"name":"kv","node":"zz"}, :get, 5000]}}'
      ]
    })
  })

  it('Node.connect, Node.list and node monitors: they stack, and an unreachable node gives nodedown at once', () => {
    const { a } = pair({ parked })
    const r = a.runSync(
      Effect.gen(function* () {
        const before = yield* Node.list
        const up = yield* Node.connect('b')
        const nowhere = yield* Node.connect('zz')
        const after = yield* Node.list
        yield* Node.monitor('zz')
        const first = yield* Process.receive(Node.NodeDown)
        yield* Node.monitor('b')
        yield* Node.monitor('b')
        const dropped = yield* Node.demonitor('b')
        yield* Node.monitor('b')
        yield* Node.disconnect('b')
        const downs = [yield* Process.receive(Node.NodeDown), yield* Process.receive(Node.NodeDown)]
        const more = yield* Process.receive(
          Process.on(Node.NodeDown, () => Effect.succeed('a third')),
          Process.after(100, () => Effect.succeed('no more'))
        )
        return [before, up, nowhere, after, first, dropped, downs, more, yield* Node.self]
      })
    )
    expect(r).toEqual({
      _tag: 'Normal',
      value: [
        [],
        true,
        false,
        ['b'],
        { _tag: 'nodedown', node: 'zz' },
        true,
        [
          { _tag: 'nodedown', node: 'b' },
          { _tag: 'nodedown', node: 'b' }
        ],
        'no more',
        'a'
      ]
    })
  })

  it('a restarted node has a new incarnation: pids of the old one are other pids, and stay dead', () => {
    const { net, a } = pair({ parked })
    const letters: Array<unknown> = []
    a.deadLetters$.subscribe((d) => letters.push(d.message))
    const r = a.runSync(
      Effect.gen(function* () {
        const old = yield* Node.spawn('b', 'parked', null)
        yield* Effect.sync(() => net.kill('b'))
        yield* Process.sleep(1)
        yield* Effect.sync(() => a.peer({ name: 'b', transport: net, programs: { parked } }))
        const fresh = yield* Node.spawn('b', 'parked', null)
        const ref = yield* Process.monitor(old)
        const down = yield* Process.receive(Exit.downOf(ref))
        return [String(old), String(fresh), old === fresh, Exit.format(down.reason), yield* Process.isAlive(fresh)]
      })
    )
    expect(r).toEqual({
      _tag: 'Normal',
      value: ['#PID<b.1000001.1>', '#PID<b.2000001.2>', false, ':noproc', true]
    })
  })

  it('Process.register of a remote pid fails with BadArg naming the node; isAlive of a remote pid follows its node', () => {
    const { net, a } = pair({ parked })
    const r = a.runSync(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'parked', null)
        const bad = yield* Effect.either(Process.register('x', pid))
        const alive = yield* Process.isAlive(pid)
        yield* Effect.sync(() => net.kill('b'))
        yield* Process.sleep(1)
        return [bad._tag === 'Left' ? bad.left.message : 'ok', alive, yield* Process.isAlive(pid)]
      })
    )
    expect(r).toEqual({
      _tag: 'Normal',
      value: [
        "Process.register: #PID<b.1000001.1> is a process of node b: a name is registered on the process's own node",
        true,
        false
      ]
    })
  })

  it("a clean stop of a node is noconnection to the watchers on other nodes, as a crash (not its processes' shutdown)", async () => {
    const net = Transport.memory()
    const b = Runtime.make({ node: { name: 'b', transport: net, programs: { parked } } })
    const a = Runtime.make({ node: { name: 'a', transport: net } })
    const r = await a.run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const pid = yield* Node.spawnLink('b', 'parked', null)
        const ref = yield* Process.monitor(pid)
        yield* Effect.sync(() => void b.shutdown())
        const down = yield* Process.receive(Exit.downOf(ref))
        const exit = yield* Process.receive(Exit.exitFrom(pid))
        return [Exit.format(down.reason), Exit.format(exit.reason)]
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: [':noconnection', ':noconnection'] })
    await a.shutdown()
  })

  it('works on the production runtime too', async () => {
    const net = Transport.memory()
    const b = Runtime.make({ node: { name: 'b', transport: net, programs: { echo } } })
    const a = Runtime.make({ node: { name: 'a', transport: net } })
    const ups: Array<string> = []
    a.nodes$.subscribe((e) => ups.push(`${e._tag} ${e.node}`))
    const r = await a.run(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'echo', null)
        yield* Process.send(pid, { from: yield* Process.self, body: 'pong' })
        return yield* Process.receive(t.string)
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: 'pong' })
    await b.shutdown()
    await new Promise((k) => setTimeout(k, 5))
    expect(ups).toEqual(['nodeup b', 'nodedown b'])
    await a.shutdown()
  })

  it('a clean shutdown of a node gives its remote watchers noconnection, not shutdown', async () => {
    const net = Transport.memory()
    const b = Runtime.make({ node: { name: 'b', transport: net, programs: { parked } } })
    const a = Runtime.make({ node: { name: 'a', transport: net } })
    const r = a.run(
      Effect.gen(function* () {
        const pid = yield* Node.spawn('b', 'parked', null)
        const ref = yield* Process.monitor(pid)
        yield* Effect.fromTask(() => b.shutdown())
        return Exit.format((yield* Process.receive(Exit.downOf(ref))).reason)
      })
    )
    expect(await r).toEqual({ _tag: 'Normal', value: ':noconnection' })
    await a.shutdown()
  })
  it('a { name, node } destination prints as {name, node} in a trace', () => {
    const { a } = pair({ parked })
    a.runSync(Process.send({ name: 'srv', node: 'b' }, 'hi'))
    expect(TestRuntime.format(a.trace)).toContain('-> {"srv", b} "hi"')
  })

  it('demonitoring a { name, node } monitor reaches the other node: no DOWN comes back when the process ends', () => {
    // the memory transport, with what each node receives written down
    const net = Transport.memory()
    const log: Array<string> = []
    const spy: Transport.Transport = {
      kind: 'spy',
      attach: (endpoint) => {
        const seen: Transport.Endpoint = {
          ...endpoint,
          receive: (from, batch) => {
            for (const e of batch) log.push(`${endpoint.self.name} <- ${from.name} ${e._tag}`)
            endpoint.receive(from, batch)
          }
        }
        setEndpointClock(seen, endpointClock(endpoint)!)
        return net.attach(seen)
      }
    }
    const a = TestRuntime.make({ seed: 1, node: { name: 'a', transport: spy, creation: 1 } })
    const b = a.peer({ name: 'b', transport: spy, creation: 1 })
    b.spawn(waitFor(Stop), { name: 'srv' })
    const r = a.runSync(
      Effect.gen(function* () {
        const ref = yield* Process.monitor({ name: 'srv', node: 'b' })
        yield* Process.sleep(10)
        const was = yield* Process.demonitor(ref)
        yield* Process.send({ name: 'srv', node: 'b' }, 'stop')
        yield* Process.sleep(50)
        return was
      })
    )
    expect(r).toEqual({ _tag: 'Normal', value: true })
    expect(log).toEqual(['b <- a monitor', 'b <- a demonitor', 'b <- a sendName'])
  })
})
