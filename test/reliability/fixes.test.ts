/**
 * Issue 8's fixes, one test each (each failed before its fix): a throwing
 * codec while waiting, an absolute kill, a bounded shutdown, ...
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, Scheduler, TestRuntime } from '../../lib/index.js'

/** A codec whose decode throws once it has been asked `after` times (the first scan passes). */
const throwingAfter = (after: number): t.Type<string> => {
  let n = 0
  const is = (_u: unknown): _u is string => {
    if (n++ >= after) throw new Error('codec boom')
    return false
  }
  return new t.Type<string>('Throwing', is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity)
}

describe('a codec that throws while the process waits in its receive (item 1)', () => {
  it('is a defect exit after the finalizers, and a finalizer that sleeps still gets its timer', async () => {
    const rt = Runtime.make()
    let finalized = false
    const pid = rt.spawn(
      Effect.ensuring(
        Process.receive(Process.on(throwingAfter(1), () => Effect.unit)),
        Effect.map(Effect.sleep(5), () => {
          finalized = true
        })
      )
    )
    rt.send(pid, 'first') // scanned once on arrival: no match, no throw
    await new Promise((r) => setTimeout(r, 20))
    rt.send(pid, 'second') // the rescan throws
    const reason = await new Promise<string>((resolve) => {
      rt.exits$.subscribe((e) => resolve(e.reason._tag))
      setTimeout(() => resolve('still waiting after 2 s'), 2_000)
    })
    expect(reason).toBe('Defect')
    expect(finalized).toBe(true)
    await rt.shutdown()
  })

  it('on the test runtime too', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const reason = rt.runSync(
      Effect.gen(function* () {
        const [child, ref] = yield* Process.spawnMonitor(
          Effect.ensuring(Process.receive(Process.on(throwingAfter(1), () => Effect.unit)), Effect.sleep(5))
        )
        yield* Process.send(child, 'first')
        yield* Process.sleep(1)
        yield* Process.send(child, 'second')
        return yield* Process.receive(
          Process.on(Exit.Down, (d) => Effect.succeed(d.ref === ref ? d.reason._tag : 'other'))
        )
      })
    )
    expect(reason).toEqual(Exit.returned('Defect'))
  })
})

describe('kill is bounded (item 2)', () => {
  /** A process whose finalizer never ends, registered as `name`. */
  const stubborn = (name: string) =>
    Effect.gen(function* () {
      yield* Process.register(name, yield* Process.self)
      return yield* Effect.ensuring(
        Effect.flatMap(Process.send('main', 'ready'), () => Effect.never),
        Effect.never
      )
    })

  /** Kills a linked, monitored `stubborn`: what the trapping killer then sees. */
  const scenario = Effect.gen(function* () {
    yield* Process.trapExit(true)
    yield* Process.register('main', yield* Process.self)
    const [pid, ref] = yield* Process.spawnMonitor(stubborn('stubborn'), { link: true })
    yield* Process.receive(t.literal('ready'))
    yield* Process.exit(pid, Exit.kill)
    const aliveAtOnce = yield* Process.isAlive(pid)
    const exit = yield* Process.receive(Exit.ExitSignal)
    const down = yield* Process.receive(Exit.Down)
    const name = yield* Process.whereis('stubborn')
    return [aliveAtOnce, exit.reason._tag, down.ref === ref, down.reason._tag, name._tag]
  })
  const expected = Exit.returned([false, 'Killed', true, 'Killed', 'None'])

  it('a never-ending finalizer is abandoned after finalizerTimeout: EXIT and DOWN with killed, the name free', async () => {
    const errors: Array<string> = []
    const rt = Runtime.make({ finalizerTimeout: 50, onError: (_e, where) => errors.push(where) })
    expect(await rt.run(scenario)).toEqual(expected)
    expect(errors).toEqual(['finalizer timeout'])
    await rt.shutdown()
  })

  it('on the test runtime too (virtual time)', () => {
    const rt = TestRuntime.make({ seed: 3 })
    expect(rt.runSync(scenario)).toEqual(expected)
  })

  it('a kill reaches a process that is already exiting (its finalizer stuck)', async () => {
    const rt = Runtime.make({ finalizerTimeout: 50, onError: () => {} })
    const reason = await rt.run(
      Effect.gen(function* () {
        const [pid, ref] = yield* Process.spawnMonitor(Effect.ensuring(Effect.never, Effect.never))
        yield* Process.sleep(5)
        yield* Process.exit(pid, Exit.shutdown) // it starts exiting, and its finalizer never ends
        yield* Process.sleep(5)
        yield* Process.exit(pid, Exit.kill)
        return yield* Process.receive(
          Process.on(Exit.Down, (d) => Effect.succeed(d.ref === ref ? d.reason._tag : 'other')),
          Process.after(2_000, () => Effect.succeed('no DOWN'))
        )
      })
    )
    expect(reason).toEqual(Exit.returned('Killed'))
    await rt.shutdown()
  })

  it('finalizers that end in time run to their end, and the DOWN comes after them', async () => {
    const errors: Array<string> = []
    const rt = Runtime.make({ finalizerTimeout: 1_000, onError: (_e, where) => errors.push(where) })
    const log: Array<string> = []
    const reason = await rt.run(
      Effect.gen(function* () {
        const [pid, ref] = yield* Process.spawnMonitor(
          Effect.ensuring(
            Effect.never,
            Effect.flatMap(Effect.sleep(20), () => Effect.sync(() => log.push('cleaned up')))
          )
        )
        yield* Process.sleep(5)
        yield* Process.exit(pid, Exit.kill)
        const down = yield* Process.receive(Exit.Down)
        log.push('DOWN')
        return down.ref === ref ? down.reason._tag : 'other'
      })
    )
    expect(reason).toEqual(Exit.returned('Killed'))
    expect(log).toEqual(['cleaned up', 'DOWN'])
    expect(errors).toEqual([])
    await rt.shutdown()
  })
})

describe('shutdown is bounded (item 2)', () => {
  it('resolves with a never-ending finalizer once finalizerTimeout has passed', async () => {
    const errors: Array<string> = []
    const rt = Runtime.make({ finalizerTimeout: 50, onError: (_e, where) => errors.push(where) })
    rt.spawn(Effect.ensuring(Effect.never, Effect.never))
    rt.spawn(Effect.uninterruptible(Effect.never))
    rt.spawn(Effect.ensuring(Effect.never, Effect.sleep(1e9)))
    // each has run into its `never` (a fixed sleep was not always enough on a loaded machine: a
    // process killed before it ran has no finalizer to wait for)
    while (!rt.processes().every((p) => p.status === 'waiting')) await new Promise((r) => setTimeout(r, 1))
    const done = await Promise.race([
      rt.shutdown().then(() => 'resolved'),
      new Promise((r) => setTimeout(() => r('stuck'), 2_000))
    ])
    expect(done).toBe('resolved')
    expect(rt.processes()).toEqual([])
    expect(errors).toEqual(['finalizer timeout', 'finalizer timeout', 'finalizer timeout'])
  })
})

describe('timers end with the runtime (item 5)', () => {
  it('a sendAfter aimed at a name or an alias fires no dead letter after shutdown', async () => {
    const rt = Runtime.make()
    const letters: Array<unknown> = []
    rt.deadLetters$.subscribe((l) => letters.push(l.message))
    await rt.run(
      Effect.gen(function* () {
        const worker = yield* Process.spawn(Effect.never)
        yield* Process.register('worker', worker)
        const alias = yield* Process.alias()
        yield* Process.sendAfter('worker', 'to the name', 20)
        yield* Process.sendAfter(alias as never, 'to the alias', 20)
      })
    )
    await rt.shutdown()
    await new Promise((r) => setTimeout(r, 60))
    expect(letters).toEqual([])
  })
})

describe('fairness by time (item 3)', () => {
  it('Scheduler.fifo checks sliceMs', () => {
    expect(() => Scheduler.fifo({ sliceMs: 0 })).toThrow(/sliceMs/)
    expect(() => Scheduler.fifo({ sliceMs: Number.NaN })).toThrow(/sliceMs/)
    expect(Scheduler.fifo({ sliceMs: 2 }).sliceMs).toBe(2)
  })
})

describe('smaller promises (item 8)', () => {
  it('a pid of another runtime is no process here: a send is a dead letter, a link fails with noproc', async () => {
    const a = Runtime.make()
    const b = Runtime.make()
    const victim = a.spawn(Effect.never)
    const letters: Array<unknown> = []
    b.deadLetters$.subscribe((l) => letters.push(l.message))
    b.send(victim, 'hello')
    const linked = await b.run(Effect.either(Process.link(victim)))
    expect(linked._tag === 'Normal' && linked.value?._tag).toBe('Left')
    await b.run(Process.exit(victim, Exit.kill))
    expect(letters).toEqual(['hello'])
    expect(a.processes().map((p) => p.pid)).toEqual([victim])
    await a.shutdown()
    await b.shutdown()
  })

  it("messages left in a dying process's mailbox are dead letters when someone observes them", async () => {
    const rt = Runtime.make()
    const letters: Array<unknown> = []
    rt.deadLetters$.subscribe((l) => letters.push(l.message))
    const pid = rt.spawn(Process.receive(t.literal('never sent')))
    rt.send(pid, 'one')
    rt.send(pid, 'two')
    await rt.run(Process.exit(pid, Exit.kill))
    await new Promise((r) => setTimeout(r, 10))
    expect(letters).toEqual(['one', 'two'])
    await rt.shutdown()
  })
})
