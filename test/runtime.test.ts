import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, run } from '../lib/index.js'
import { nodeBundle } from './node-bundle.js'

// The runtime, its streams, fairness, and leaving nothing behind.

/** The value a process returned (fails the test for any other exit). */
const valueOf = <A>(r: Exit.Reason<unknown, A>): A => {
  if (r._tag !== 'Normal') throw new Error(`expected a normal exit, got ${Exit.format(r)}`)
  return r.value as A
}

/** Resolves with the exit reason of `pid` (subscribe before it can exit). */
const exitOf = (rt: Runtime.Runtime, pid: Process.Pid<unknown>): Promise<Exit.Reason> =>
  new Promise((resolve) => {
    const sub = rt.exits$.subscribe((e) => {
      if (e.pid === pid) {
        sub.unsubscribe()
        resolve(e.reason)
      }
    })
  })

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Resolves once `pid` is blocked in a receive. */
const untilWaiting = async (rt: Runtime.Runtime, pid: Process.Pid<unknown>): Promise<void> => {
  for (let i = 0; i < 100_000; i++) {
    if (rt.processes().find((p) => p.pid === pid)?.status === 'waiting') return
    await tick()
  }
  throw new Error(`${String(pid)} never blocked`)
}

describe('rt.run', () => {
  it('resolves with Normal carrying the value, or with the failure', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Effect.succeed(42))).toEqual({ _tag: 'Normal', value: 42 })
    expect(await rt.run(Effect.fail('nope'))).toEqual({ _tag: 'Failure', error: 'nope' })
    expect(await rt.run(Process.exit(Exit.custom('bye')))).toEqual({ _tag: 'Custom', reason: 'bye' })
    expect(rt.processes()).toEqual([])
  })
})

describe('rt.events$', () => {
  it('traces spawn, link, monitor, send, receive, exit, down and dead letter in order', async () => {
    const rt = Runtime.make()
    const events: Array<Runtime.Event> = []
    rt.events$.subscribe((e) => events.push(e))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const child = yield* Process.spawn(Process.receive(t.string))
      yield* Process.link(child)
      const ref = yield* Process.monitor(child)
      yield* Process.send(child, 'hi')
      const down = yield* Process.receive(Exit.Down)
      yield* Process.send(child, 'late')
      return { me, child, ref, down }
    })
    const { me, child, ref, down } = valueOf(await rt.run(program))
    expect(events.map((e) => e._tag)).toEqual([
      'Spawn', // the parent
      'Spawn', // the child
      'Link',
      'Monitor',
      'Send',
      'Receive', // the child takes 'hi'
      'Exit', // the child
      'Down',
      'Receive', // the parent takes the DOWN
      'Send', // 'late', to the dead child
      'DeadLetter',
      'Exit' // the parent
    ])
    expect(events[0]).toEqual({ _tag: 'Spawn', pid: me })
    const spawnChild = events[1]
    expect(spawnChild?._tag === 'Spawn' && spawnChild.pid === child && spawnChild.parent === me).toBe(true)
    const link = events[2]
    expect(link?._tag === 'Link' && link.from === me && link.to === child).toBe(true)
    const mon = events[3]
    expect(mon?._tag === 'Monitor' && mon.watcher === me && mon.target === child && mon.ref === ref).toBe(true)
    const send = events[4]
    expect(send?._tag === 'Send' && send.from === me && send.to === child && send.message === 'hi').toBe(true)
    const recv = events[5]
    expect(recv?._tag === 'Receive' && recv.pid === child && recv.message === 'hi').toBe(true)
    const exitChild = events[6]
    expect(exitChild?._tag === 'Exit' && exitChild.pid === child).toBe(true)
    expect(exitChild?._tag === 'Exit' ? exitChild.reason : undefined).toEqual(Exit.returned('hi'))
    const downEv = events[7]
    expect(downEv?._tag === 'Down' && downEv.watcher === me && downEv.ref === ref).toBe(true)
    expect(downEv?._tag === 'Down' ? downEv.reason : undefined).toEqual(Exit.returned('hi'))
    expect(down.ref).toBe(ref)
    expect(down.pid).toBe(child)
    const recvDown = events[8]
    expect(recvDown?._tag === 'Receive' && recvDown.pid === me).toBe(true)
    const dead = events[10]
    const letter = dead?._tag === 'DeadLetter' ? dead.letter : undefined
    expect([letter?.to === child, letter?.message, letter?.reason]).toEqual([true, 'late', 'noproc'])
    const exitParent = events[11]
    expect(exitParent?._tag === 'Exit' && exitParent.pid === me).toBe(true)
  })
})

describe('rt.exits$ and rt.processes()', () => {
  it('exits$ emits { pid, reason } for each exit, in order', async () => {
    const rt = Runtime.make()
    const exits: Array<Runtime.ExitEvent> = []
    rt.exits$.subscribe((e) => exits.push(e))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const [a] = yield* Process.spawnMonitor(Effect.succeed(1))
      const [b] = yield* Process.spawnMonitor(Effect.fail('boom'))
      yield* Process.receive(Exit.Down)
      yield* Process.receive(Exit.Down)
      return { me, a, b }
    })
    const { me, a, b } = valueOf(await rt.run(program))
    expect(exits.map((e) => e.pid)).toEqual([a, b, me])
    expect(exits[0]?.pid).toBe(a)
    expect(exits[1]?.pid).toBe(b)
    expect(exits[2]?.pid).toBe(me)
    expect(exits.map((e) => e.reason)).toEqual([Exit.returned(1), Exit.failure('boom'), Exit.returned({ me, a, b })])
  })

  it('processes() shows pid, name, status, mailbox length, links, monitors and trapExit', async () => {
    const rt = Runtime.make()
    const other = rt.spawn(Process.receive(t.literal('never')))
    const worker = rt.spawn(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.register('worker', me)
        yield* Process.trapExit(true)
        yield* Process.link(other)
        yield* Process.monitor(other)
        yield* Process.monitor(other)
        return yield* Process.receive(t.literal('stop'))
      })
    )
    rt.send(worker, 1)
    rt.send(worker, 2)
    rt.send(worker, 3)
    await untilWaiting(rt, worker)
    await untilWaiting(rt, other)
    const infos = rt.processes()
    expect(infos).toHaveLength(2)
    expect(infos.find((p) => p.pid === worker)).toEqual({
      pid: worker,
      name: O.some('worker'),
      status: 'waiting',
      mailbox: 3,
      links: [other],
      monitors: [other, other],
      trapExit: true
    })
    expect(infos.find((p) => p.pid === other)).toEqual({
      pid: other,
      name: O.none,
      status: 'waiting',
      mailbox: 0,
      links: [worker],
      monitors: [],
      trapExit: false
    })
    const done = exitOf(rt, worker)
    rt.send('worker', 'stop')
    expect(await done).toEqual(Exit.returned('stop'))
    await rt.shutdown()
    expect(rt.processes()).toEqual([])
  })
})

describe('rt.send and rt.spawn from outside', () => {
  it('rt.send to a pid delivers', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(Process.receive(t.string))
    const done = exitOf(rt, pid)
    rt.send(pid, 'hello')
    expect(await done).toEqual(Exit.returned('hello'))
  })

  it('rt.send to a registered name delivers', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(
      Effect.gen(function* () {
        yield* Process.register('echo', yield* Process.self)
        return yield* Process.receive(t.number)
      })
    )
    const done = exitOf(rt, pid)
    await untilWaiting(rt, pid)
    rt.send('echo', 7)
    expect(await done).toEqual(Exit.returned(7))
  })

  it('rt.send to an unknown name throws an Error naming the name', () => {
    const rt = Runtime.make()
    expect(() => rt.send('no-such-name', 1)).toThrow(Error)
    expect(() => rt.send('no-such-name', 1)).toThrow(/no-such-name/)
  })

  it('rt.send to a bad destination throws a TypeError', () => {
    const rt = Runtime.make()
    expect(() => rt.send(42 as never, 1)).toThrow(TypeError)
    expect(() => rt.send(undefined as never, 1)).toThrow(TypeError)
    expect(() => rt.send({ id: 1 } as never, 1)).toThrow(TypeError)
  })

  it('rt.spawn of a non-Effect throws a TypeError', () => {
    const rt = Runtime.make()
    expect(() => rt.spawn(42 as never)).toThrow(TypeError)
    expect(() => rt.spawn(42 as never)).toThrow(/Effect/)
    expect(() => rt.spawn((() => Effect.unit) as never)).toThrow(TypeError)
    expect(() => rt.spawn(Effect.unit, { mailbox: 42 as never })).toThrow(TypeError)
    expect(() => rt.spawn(Effect.unit, { mailbox: 42 as never })).toThrow(/mailbox/)
    expect(rt.processes()).toEqual([])
  })
})

describe('Runtime.make options', () => {
  it('a bad budget throws a TypeError naming it', () => {
    expect(() => Runtime.make({ budget: 0 })).toThrow(TypeError)
    expect(() => Runtime.make({ budget: 0 })).toThrow(/budget/)
    expect(() => Runtime.make({ budget: -5 })).toThrow(/budget/)
    expect(() => Runtime.make({ budget: 1.5 })).toThrow(/budget/)
    expect(() => Runtime.make({ budget: Number.NaN })).toThrow(/budget/)
    expect(() => Runtime.make({ budget: '10' as never })).toThrow(/budget/)
  })

  it('options that are not an object throw a TypeError', () => {
    expect(() => Runtime.make(null as never)).toThrow(TypeError)
    expect(() => Runtime.make(42 as never)).toThrow(TypeError)
    expect(() => Runtime.make('fast' as never)).toThrow(/options/)
  })

  // Options from outside are checked with an error naming what was wrong.
  it('a bad clock throws a TypeError naming it', () => {
    expect(() => Runtime.make({ clock: 42 as never })).toThrow(TypeError)
    expect(() => Runtime.make({ clock: 42 as never })).toThrow(/clock/)
  })

  it('a bad scheduler throws a TypeError naming it', () => {
    expect(() => Runtime.make({ scheduler: {} as never })).toThrow(TypeError)
    expect(() => Runtime.make({ scheduler: {} as never })).toThrow(/scheduler/)
  })

  it('a bad onError throws a TypeError naming it', () => {
    expect(() => Runtime.make({ onError: 'log' as never })).toThrow(TypeError)
    expect(() => Runtime.make({ onError: 'log' as never })).toThrow(/onError/)
  })
})

describe('fairness', () => {
  it('a process looping without blocking does not starve the others; shutdown ends it', async () => {
    const rt = Runtime.make()
    let spins = 0
    const spin: Effect.Effect<never, never> = Effect.suspend(() => {
      spins++
      return spin
    })
    const spinner = rt.spawn(spin)
    const spinnerExit = exitOf(rt, spinner)
    const Req = t.type({ from: Process.pid, n: t.number })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const echo = yield* Process.spawn(Process.receive(Process.on(Req, (m) => Process.send(m.from, m.n + 1))), {
        mailbox: Req
      })
      yield* Process.send(echo, { from: me, n: 41 })
      return yield* Process.receive(t.number)
    })
    expect(await rt.run(program)).toEqual(Exit.returned(42))
    // the spinner ran meanwhile, and is still alive
    expect(spins).toBeGreaterThan(0)
    expect(rt.processes().map((p) => p.pid)).toEqual([spinner])
    await rt.shutdown()
    expect(await spinnerExit).toEqual(Exit.shutdown)
    expect(rt.processes()).toEqual([])
  })

  it('two spinners and a sleeper: the sleeper wakes up and finishes', async () => {
    const rt = Runtime.make({ budget: 100 })
    const spin = (): Effect.Effect<never, never> => Effect.flatMap(Effect.unit, spin)
    rt.spawn(spin())
    rt.spawn(spin())
    expect(await rt.run(Effect.as(Process.sleep(5), 'awake'))).toEqual(Exit.returned('awake'))
    await rt.shutdown()
    expect(rt.processes()).toEqual([])
  })
})

describe('leaving nothing behind', () => {
  it('a program using sleep, receive-after and timeout ends and Node exits by itself', () => {
    const lib = fileURLToPath(new URL('../lib/index.ts', import.meta.url))
    const root = fileURLToPath(new URL('..', import.meta.url))
    const dir = mkdtempSync(join(tmpdir(), 'fp-ts-actors-'))
    const script = join(dir, 'program.mts')
    writeFileSync(
      script,
      `import { Effect, Exit, Process, Runtime } from ${JSON.stringify(lib)}
const rt = Runtime.make()
const program = Effect.gen(function* () {
  const me = yield* Process.self
  yield* Process.sleep(20)
  // times out
  const a = yield* Process.receive(
    Process.on(Process.pid, () => Effect.succeed('pid')),
    Process.after(30, () => Effect.succeed('timeout'))
  )
  // a message arrives first: the long timer must be cleared
  yield* Process.send(me, me)
  const b = yield* Process.receive(
    Process.on(Process.pid, () => Effect.succeed('pid')),
    Process.after(600000, () => Effect.succeed('timeout'))
  )
  // finishes before its long timeout
  const c = yield* Effect.timeout(Effect.succeed('quick'), 600000)
  // a sleeping process killed before it wakes
  const [sleeper] = yield* Process.spawnMonitor(Process.sleep(600000))
  yield* Process.exit(sleeper, Exit.kill)
  const down = yield* Process.receive(Exit.Down)
  return [a, b, c._tag, down.reason._tag]
})
rt.run(program).then((r) => console.log('RESULT ' + JSON.stringify(r)))
`
    )
    try {
      const result = spawnSync(process.execPath, [nodeBundle(script)], { cwd: root, encoding: 'utf8', timeout: 45_000 })
      expect(result.error).toBeUndefined()
      expect(result.signal).toBeNull()
      expect(result.stderr).toBe('')
      expect(result.stdout.trim()).toBe('RESULT {"_tag":"Normal","value":["timeout","pid","Some","Killed"]}')
      expect(result.status).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('module-level run and the default runtime', () => {
  it('run and Runtime.run use the default runtime', async () => {
    expect(await run(Effect.succeed(1))).toEqual(Exit.returned(1))
    expect(await Runtime.run(Effect.map(Effect.succeed(20), (n) => n + 1))).toEqual(Exit.returned(21))
    expect(Runtime.getDefault()).toBe(Runtime.getDefault())
    const rt = Runtime.getDefault()
    const exits: Array<Runtime.ExitEvent> = []
    const sub = rt.exits$.subscribe((e) => exits.push(e))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(Process.send(me, 'from a child'))
      return yield* Process.receive(t.string)
    })
    expect(await run(program)).toEqual(Exit.returned('from a child'))
    sub.unsubscribe()
    expect(exits.map((e) => e.reason)).toEqual([Exit.returned(undefined), Exit.returned('from a child')])
    expect(rt.processes()).toEqual([])
  })
})
