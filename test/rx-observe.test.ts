import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { TestScheduler } from 'rxjs/testing'
import { Effect, Exit, Process, Runtime, Rx, Supervisor, TestRuntime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import { kernelOf } from '../lib/Runtime.js'
import { PidImpl } from '../lib/internal/pid.js'

// Exits and links as streams, and why a process died.

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** What an Observable emitted synchronously on subscribe (for streams of processes that have already exited). */
const now = <A>(o: import('rxjs').Observable<A>): { values: Array<A>; done: boolean } => {
  const values: Array<A> = []
  let done = false
  o.subscribe({ next: (v) => values.push(v), complete: () => (done = true) })
  return { values, done }
}

/** The exit watchers the kernel holds (one per subscriber that waits for one process). */
const watchers = (rt: Runtime.Runtime): number => (Reflect.get(kernelOf(rt), 'watchers') as Map<unknown, unknown>).size

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))

// -------------------------------------------------------------------------------------
// the runtime's hot streams
// -------------------------------------------------------------------------------------

describe('rt.exits$, rt.events$, rt.deadLetters$', () => {
  it('exits$ emits every exit with its reason and cause, while subscribed (hot)', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const early = rt.spawn(Effect.succeed('early'))
    rt.runUntilIdle()
    const seen: Array<Runtime.ExitEvent> = []
    const sub = rt.exits$.subscribe((e) => seen.push(e))
    const a = rt.spawn(Effect.succeed(1))
    const b = rt.spawn(Effect.fail('nope'))
    rt.runUntilIdle()
    sub.unsubscribe()
    rt.spawn(Effect.unit)
    rt.runUntilIdle()
    expect(early).not.toBe(a)
    expect(seen).toEqual([
      { pid: a, reason: Exit.returned(1), cause: { _tag: 'Returned' } },
      { pid: b, reason: Exit.failure('nope'), cause: { _tag: 'Failed' } }
    ])
  })

  it('events$ traces spawn, send, receive and exit, and only while observed', () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    const seen: Array<string> = []
    const sub = rt.events$.subscribe((e) => seen.push(e._tag))
    const pid = rt.spawn(Process.receive(t.string))
    rt.send(pid, 'hi')
    rt.runUntilIdle()
    sub.unsubscribe()
    rt.spawn(Effect.unit)
    rt.runUntilIdle()
    expect(seen).toEqual(['Spawn', 'Send', 'Receive', 'Exit'])
  })

  it('deadLetters$ emits messages to dead processes and messages a mailbox codec rejects', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const dead = rt.spawn(Effect.unit)
    rt.runUntilIdle()
    rt.send(dead, 'late')
    const picky = rt.spawn(Process.receive(t.number), { mailbox: t.number })
    rt.send(picky, 'five' as never)
    expect(letters).toEqual([
      { to: dead, message: 'late', reason: 'noproc' },
      { to: picky, message: 'five', reason: 'rejected', report: ['Invalid value "five" supplied to : number'] }
    ])
  })
})

// -------------------------------------------------------------------------------------
// exits
// -------------------------------------------------------------------------------------

describe('exits', () => {
  it('emits the exit reason once, when the process exits, then completes (marbles)', () => {
    const ts = scheduler()
    ts.run(({ expectObservable }) => {
      const rt = TestRuntime.make({ seed: 1, testScheduler: ts })
      const pid = rt.spawn(Effect.as(Process.sleep(3), 'done'))
      const crash = rt.spawn(Effect.flatMap(Process.sleep(1), () => Process.exit(Exit.custom('boom'))))
      expectObservable(Rx.exits(rt, pid)).toBe('---(a|)', { a: Exit.returned('done') })
      expectObservable(Rx.exits(rt, crash)).toBe('-(a|)', { a: Exit.custom('boom') })
      expectObservable(Rx.exits(rt, pid), '^-!').toBe('')
    })
  })

  it('emits noproc at once for a process that is not alive', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const pid = rt.spawn(Effect.unit)
    rt.runUntilIdle()
    expect(now(Rx.exits(rt, pid))).toEqual({ values: [Exit.noproc], done: true })
    expect(watchers(rt)).toBe(0)
  })

  it('allocates a watcher per subscriber only, and unsubscribing removes it', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const a = rt.spawn(Process.receive(t.string))
    const b = rt.spawn(Process.receive(t.string))
    rt.runUntilIdle()
    expect(watchers(rt)).toBe(0)
    const seen: Array<string> = []
    const s1 = Rx.exits(rt, a).subscribe((r) => seen.push(`a1 ${r._tag}`))
    const s2 = Rx.exits(rt, a).subscribe((r) => seen.push(`a2 ${r._tag}`))
    Rx.exits(rt, b).subscribe((r) => seen.push(`b ${r._tag}`))
    expect(watchers(rt)).toBe(2)
    s1.unsubscribe()
    rt.send(a, 'go')
    rt.send(b, 'go')
    rt.runUntilIdle()
    expect(seen.sort()).toEqual(['a2 Normal', 'b Normal'])
    expect(watchers(rt)).toBe(0)
    s2.unsubscribe()
  })

  it('checks its pid', () => {
    const rt = Runtime.make()
    expect(() => Rx.exits(rt, 'p' as never)).toThrow('Rx.exits: expected a Pid, got "p"')
  })
})

// -------------------------------------------------------------------------------------
// links$
// -------------------------------------------------------------------------------------

describe('links$', () => {
  it('emits its links and unlinks, the exits of linked processes, and its own exit, then completes', () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    const other = rt.spawn(Process.receive(t.literal('stop')))
    const boom = new Error('child crashed')
    const p = rt.spawn(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        yield* Process.link(other)
        const child = yield* Process.spawnLink(
          Effect.flatMap(Process.receive(t.literal('crash')), () => Effect.die(boom))
        )
        yield* Process.unlink(other)
        yield* Process.send(child, 'crash')
        yield* Process.receive(Exit.ExitSignal)
        return yield* Process.exit(Exit.custom('done'))
      })
    )
    const seen: Array<Rx.LinkEvent> = []
    let completed = false
    Rx.links$(rt, p).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) })
    rt.runUntilIdle()
    const child = seen[1]?._tag === 'Link' ? seen[1].to : undefined
    expect(seen).toEqual([
      { _tag: 'Link', from: p, to: other },
      { _tag: 'Link', from: p, to: child },
      { _tag: 'Unlink', from: p, to: other },
      { _tag: 'Exit', pid: child, reason: Exit.defect(boom), cause: { _tag: 'Threw' } },
      { _tag: 'Exit', pid: p, reason: Exit.custom('done'), cause: { _tag: 'Exited' } }
    ])
    expect(completed).toBe(true)
    // `other` is alive and no longer linked: its exit is not p's business
    rt.send(other, 'stop')
    rt.runUntilIdle()
    expect(seen.length).toBe(5)
  })

  it('knows the links a process had before the subscription', () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    const p = rt.spawn(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        yield* Process.spawnLink(Process.receive(Process.on(t.literal('die'), () => Process.exit(Exit.custom('bye')))))
        yield* Process.receive(Exit.ExitSignal)
      })
    )
    rt.runUntilIdle()
    const child = rt.processes().find((i) => i.pid !== p)?.pid
    const seen: Array<string> = []
    Rx.links$(rt, p).subscribe((e) => seen.push(`${e._tag} ${String(e._tag === 'Exit' ? e.pid : e.from)}`))
    rt.send(child as Pid<unknown>, 'die')
    rt.runUntilIdle()
    expect(seen).toEqual([`Exit ${String(child)}`, `Exit ${String(p)}`])
  })

  it('for a process that has exited: its exit, then complete', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const p = rt.spawn(Effect.fail('x'))
    rt.runUntilIdle()
    expect(now(Rx.links$(rt, p))).toEqual({
      values: [{ _tag: 'Exit', pid: p, reason: Exit.failure('x'), cause: { _tag: 'Failed' } }],
      done: true
    })
  })
})

// -------------------------------------------------------------------------------------
// why
// -------------------------------------------------------------------------------------

/** The chain of a process that has exited (why emits it at once then). */
const chainOf = (rt: Runtime.Runtime, pid: Pid<unknown>): Rx.Chain => {
  const { values, done } = now(Rx.why(rt, pid))
  expect(done).toBe(true)
  return values[0] as Rx.Chain
}

describe('why', () => {
  it('follows a three-process link chain back to the exit signal that started it', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const names = new Map<Pid<unknown>, string>()
    const pidOf = (n: string) => [...names].find(([, x]) => x === n)?.[0] as Pid<unknown>
    let chain: Rx.Chain | undefined
    rt.runSync(
      Effect.gen(function* () {
        const a = yield* Process.self
        const b = yield* Process.spawn(
          Effect.flatMap(Process.spawnLink(Effect.never), (c) =>
            Effect.flatMap(
              Effect.sync(() => names.set(c, 'C')),
              () => Effect.never
            )
          )
        )
        names.set(a, 'A').set(b, 'B')
        yield* Process.sleep(1)
        // subscribed while C is alive: it emits when C dies
        yield* Effect.sync(() => Rx.why(rt, pidOf('C')).subscribe((x) => (chain = x)))
        expect(chain).toBe(undefined)
        yield* Process.exit(b, Exit.custom('boom'))
        yield* Process.sleep(1)
      })
    )
    expect(chain).toEqual([
      { pid: pidOf('C'), reason: Exit.custom('boom'), cause: { _tag: 'Link', from: pidOf('B') } },
      { pid: pidOf('B'), reason: Exit.custom('boom'), cause: { _tag: 'Signal', from: pidOf('A') } }
    ])
    expect(Rx.formatWhy(chain as Rx.Chain, { name: (p) => names.get(p) })).toBe(
      'C died (:boom): link from B, which died (:boom): exit(B, :boom) sent by A'
    )
    const [a, b, c] = ['A', 'B', 'C'].map((n) => String(pidOf(n)))
    expect(Rx.formatWhy(chain as Rx.Chain)).toBe(
      `${c} died (:boom): link from ${b}, which died (:boom): exit(${b}, :boom) sent by ${a}`
    )
  })

  it('a kill travels as killed; the chain says the signal was kill', () => {
    const rt = TestRuntime.make({ seed: 3 })
    const names = new Map<Pid<unknown>, string>()
    rt.runSync(
      Effect.gen(function* () {
        names.set(yield* Process.self, 'A')
        const b = yield* Process.spawn(
          Effect.flatMap(Process.spawnLink(Effect.never), (c) =>
            Effect.flatMap(
              Effect.sync(() => names.set(c, 'C')),
              () => Effect.never
            )
          )
        )
        names.set(b, 'B')
        yield* Process.sleep(1)
        yield* Process.exit(b, Exit.kill)
        yield* Process.sleep(1)
      })
    )
    const c = [...names].find(([, n]) => n === 'C')?.[0] as Pid<unknown>
    expect(Rx.formatWhy(chainOf(rt, c), { name: (p) => names.get(p) })).toBe(
      'C died (:killed): link from B, which died (:killed): exit(B, :kill) sent by A'
    )
  })

  it('a chain of one step for each way a process ends by itself', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const err = new Error('bad')
    const returned = rt.spawn(Effect.succeed(7))
    const failed = rt.spawn(Effect.fail('nope'))
    const threw = rt.spawn(Effect.die(err))
    const exited = rt.spawn(Process.exit(Exit.custom('bye')))
    const selfSignal = rt.spawn(Effect.flatMap(Process.self, (me) => Process.exit(me, Exit.custom('me'))))
    rt.runUntilIdle()
    const text = (p: Pid<unknown>) => Rx.formatWhy(chainOf(rt, p), { name: () => 'P' })
    expect(chainOf(rt, returned)).toEqual([{ pid: returned, reason: Exit.returned(7), cause: { _tag: 'Returned' } }])
    expect(text(returned)).toBe('P ended normally (:normal (returned 7))')
    expect(text(failed)).toBe('P died ({:failure, :nope}): its program failed')
    expect(text(threw)).toBe('P died ({:defect, %Error{message: "bad"}}): it threw')
    expect(text(exited)).toBe('P died (:bye): it called exit(:bye)')
    expect(text(selfSignal)).toBe('P died (:me): exit(P, :me) sent by itself')
  })

  it('waits for a live process, and says when the runtime shut it down', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(Effect.never)
    const chains: Array<Rx.Chain> = []
    Rx.why(rt, pid).subscribe((c) => chains.push(c))
    expect(chains).toEqual([])
    await rt.shutdown()
    expect(chains).toEqual([[{ pid, reason: Exit.shutdown, cause: { _tag: 'Shutdown' } }]])
    expect(Rx.formatWhy(chains[0] as Rx.Chain, { name: () => 'P' })).toBe('P died (:shutdown): the runtime shut down')
  })

  it('errors for a pid the runtime has no exit record of', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const errors: Array<unknown> = []
    Rx.why(rt, new PidImpl(999, undefined) as unknown as Pid<unknown>).subscribe({
      error: (e: unknown) => errors.push(e)
    })
    expect(errors).toEqual([
      new Error('Rx.why: #PID<0.999.0> has no recorded exit in this runtime (a pid of another runtime?)')
    ])
    expect(() => Rx.why(rt, 'x' as never)).toThrow('Rx.why: expected a Pid, got "x"')
  })

  // A worker that reports its pid, then crashes on 'crash'.
  const Crash = t.literal('crash')
  const crashWith = new Error('disk full')
  const worker = (id: string, started: Array<readonly [string, Pid<unknown>]>): Supervisor.ChildSpec => ({
    id,
    start: Effect.tap(Process.spawnLink(Effect.flatMap(Process.receive(Crash), () => Effect.die(crashWith))), (pid) =>
      Effect.sync(() => started.push([id, pid]))
    )
  })

  it('one_for_all: the sibling the supervisor stopped was stopped by an exit signal from the supervisor', () => {
    const rt = TestRuntime.make({ seed: 5 })
    const started: Array<readonly [string, Pid<unknown>]> = []
    let sup: Pid<unknown> | undefined
    rt.runSync(
      Effect.gen(function* () {
        sup = yield* Supervisor.startLink([worker('a', started), worker('b', started)], { strategy: 'one_for_all' })
        const [[, a1], [, b1]] = started as [readonly [string, Pid<unknown>], readonly [string, Pid<unknown>]]
        yield* Process.monitor(b1)
        yield* Process.send(a1, 'crash')
        yield* Process.receive(Exit.Down)
        // the restart is done once the supervisor answers a call
        const children = yield* Supervisor.whichChildren(sup)
        return children.map((c) => c.id)
      })
    )
    const names = new Map<Pid<unknown>, string>([[sup as Pid<unknown>, 'supervisor']])
    started.forEach(([id, pid], i) => names.set(pid, `${id}${i < 2 ? 1 : 2}`))
    expect(started.map(([id]) => id)).toEqual(['a', 'b', 'a', 'b'])
    const [[, a1], [, b1]] = started as [readonly [string, Pid<unknown>], readonly [string, Pid<unknown>]]
    const name = { name: (p: Pid<unknown>) => names.get(p) }
    expect(chainOf(rt, b1)).toEqual([{ pid: b1, reason: Exit.shutdown, cause: { _tag: 'Signal', from: sup } }])
    expect(Rx.formatWhy(chainOf(rt, b1), name)).toBe('b1 died (:shutdown): exit(b1, :shutdown) sent by supervisor')
    expect(Rx.formatWhy(chainOf(rt, a1), name)).toBe('a1 died ({:defect, %Error{message: "disk full"}}): it threw')
  })

  it('a child that died through a link to its helper: the chain goes to the helper; it was restarted', () => {
    const rt = TestRuntime.make({ seed: 9 })
    const names = new Map<Pid<unknown>, string>()
    const workers: Array<Pid<unknown>> = []
    const spec: Supervisor.ChildSpec = {
      id: 'w',
      start: Process.spawnLink(
        Effect.gen(function* () {
          const me = yield* Process.self
          workers.push(me)
          names.set(me, `w${workers.length}`)
          const helper = yield* Process.spawnLink(Effect.flatMap(Process.receive(Crash), () => Effect.die(crashWith)))
          names.set(helper, `helper${workers.length}`)
          if (workers.length === 1) yield* Process.send(helper, 'crash')
          yield* Effect.never
        })
      )
    }
    let sup: Pid<unknown> | undefined
    rt.runSync(
      Effect.gen(function* () {
        sup = yield* Supervisor.startLink([spec], { strategy: 'one_for_one' })
        yield* Process.sleep(10)
        const children = yield* Supervisor.whichChildren(sup)
        return children.map((c) => (O.isSome(c.pid) ? names.get(c.pid.value) : 'none'))
      })
    )
    expect(workers.length).toBe(2)
    const w1 = workers[0] as Pid<unknown>
    const chain = chainOf(rt, w1)
    expect(chain.map((s) => [names.get(s.pid), s.cause._tag])).toEqual([
      ['w1', 'Link'],
      ['helper1', 'Threw']
    ])
    expect(Rx.formatWhy(chain, { name: (p) => names.get(p) })).toBe(
      'w1 died ({:defect, %Error{message: "disk full"}}): link from helper1, ' +
        'which died ({:defect, %Error{message: "disk full"}}): it threw'
    )
  })
})
