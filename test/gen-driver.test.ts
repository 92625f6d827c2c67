// Effect.gen is driven by the run loop, and one shared iterator serves every `yield*`:
// generators suspended in many processes at once, nested generators, a generator that
// yields something that is not an Effect, and a plain `yield` all behave as before.
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Exit, Process, Runtime, TestKit } from '../lib/index.js'

const run = <E, A>(e: Effect.Effect<E, A>) => Runtime.make().run(e)

describe('Effect.gen driver', () => {
  it('many generators suspended in yield* at once each get their own values', async () => {
    const echo = (k: number) =>
      Effect.gen(function* () {
        const from = yield* Process.receive(Process.pid)
        for (let i = 0; i < 3; i++) {
          const n = yield* Process.receive(t.number)
          yield* Process.send(from, n * k)
        }
      })
    const p = Effect.gen(function* () {
      const me = yield* Process.self
      const ps: Array<Process.Pid> = []
      for (let k = 1; k <= 20; k++) ps.push(yield* Process.spawn(echo(k)))
      for (const q of ps) yield* Process.send(q, me)
      let sum = 0
      for (let round = 1; round <= 3; round++) {
        for (const q of ps) yield* Process.send(q, round)
        for (let i = 0; i < ps.length; i++) sum += yield* Process.receive(t.number)
      }
      return sum
    })
    // sum over k = 1..20 and rounds 1..3 of round * k
    expect(await run(p)).toEqual(Exit.returned(6 * 210))
  })

  it('nested generators and a generator reused by several runs', async () => {
    const inner = Effect.gen(function* () {
      const a = yield* Effect.succeed(1)
      const b = yield* Effect.map(Effect.succeed(2), (x) => x * 10)
      return a + b
    })
    const outer = Effect.gen(function* () {
      const x = yield* inner
      const y = yield* inner
      const z = yield* Effect.gen(function* () {
        return (yield* inner) + 100
      })
      return [x, y, z]
    })
    expect(await run(outer)).toEqual(Exit.returned([21, 21, 121]))
    expect(await run(outer)).toEqual(Exit.returned([21, 21, 121]))
  })

  it('a typed failure stops the generator and fails the process; catchAll sees it', async () => {
    const after: Array<string> = []
    const p = Effect.gen(function* () {
      yield* Effect.fail('nope')
      after.push('ran on')
      return 1
    })
    expect(await run(p)).toEqual(Exit.failure('nope'))
    expect(await run(Effect.catchAll(p, (e) => Effect.succeed(`caught ${e}`)))).toEqual(Exit.returned('caught nope'))
    expect(after).toEqual([])
  })

  it('yielding something that is not an Effect is a defect naming it', async () => {
    const p = Effect.gen(function* () {
      yield 42 as never
    })
    const r = await run(p)
    expect(r._tag).toBe('Defect')
    expect(String((r as { defect: unknown }).defect)).toMatch(/expected an Effect, got number: 42/)
  })

  it('a plain yield (not yield*) of an Effect gets its value back', async () => {
    const p = Effect.gen(function* () {
      const v = (yield Effect.succeed(7) as never) as unknown as number
      return v + 1
    })
    expect(await run(p)).toEqual(Exit.returned(8))
  })

  it('an Effect iterated by hand yields itself once', () => {
    const e = Effect.succeed(1)
    expect([...(e as unknown as Iterable<unknown>)]).toEqual([e])
  })

  it('effects iterated by hand inside a generator body, interleaved, do not disturb its yield*', async () => {
    const e1 = Effect.succeed('one')
    const e2 = Effect.succeed('two')
    const p = Effect.gen(function* () {
      const a = yield* Effect.succeed(1)
      // two iterations open at once, in the middle of the generator's own run
      const i1 = (e1 as unknown as Iterable<unknown>)[Symbol.iterator]()
      const i2 = (e2 as unknown as Iterable<unknown>)[Symbol.iterator]()
      const read = (r: IteratorResult<unknown>) => ({ done: r.done, value: r.value })
      const seen = [read(i1.next()), read(i2.next()), read(i1.next('x')), read(i2.next('y'))]
      const b = yield* Effect.succeed(2)
      return { a, b, seen }
    })
    expect(await run(p)).toEqual(
      Exit.returned({
        a: 1,
        b: 2,
        seen: [
          { done: false, value: e1 },
          { done: false, value: e2 },
          { done: true, value: 'x' },
          { done: true, value: 'y' }
        ]
      })
    )
  })

  it('a generator that drives another interpreter synchronously in its body (TestKit) keeps its own values', async () => {
    const p = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 40)
      // a whole other generator process runs to its receive and takes a message here, synchronously
      const kit = TestKit.spawn(
        Effect.gen(function* () {
          const n = yield* Process.receive(t.number)
          return yield* Effect.succeed(n + 1)
        })
      )
      kit.send(1)
      const inner = kit.exit
      const n = yield* Process.receive(t.number)
      return { n: n + 2, inner }
    })
    const r = await run(p)
    expect(r._tag).toBe('Normal')
    const v = (r as { value: { n: number; inner: unknown } }).value
    expect(v.n).toBe(42)
    expect(v.inner).toEqual(TestKit.spawn(Effect.succeed(2)).exit)
  })
})

describe('a process that is one Effect.gen (its generator kept by the process, not in a frame)', () => {
  it('runs across many slices, its nested generators and caught failures above it, and returns its value', async () => {
    const p = Effect.gen(function* () {
      let sum = 0
      // far more steps than one slice: the scheduler cuts it many times
      for (let i = 0; i < 10_000; i++) sum += yield* Effect.succeed(i)
      const caught = yield* Effect.catchAll(Effect.fail('e'), (e) => Effect.succeed(`caught ${e}`))
      const nested = yield* Effect.gen(function* () {
        return (yield* Effect.succeed(1)) + 1
      })
      return { sum, caught, nested }
    })
    expect(await run(p)).toEqual(Exit.returned({ sum: 49_995_000, caught: 'caught e', nested: 2 }))
  })

  it('killed while it waits, the finalizer it entered runs and the generator is never resumed', async () => {
    const log: Array<string> = []
    const rt = Runtime.make()
    const p = Effect.gen(function* () {
      yield* Effect.ensuring(
        Process.receive(t.number),
        Effect.sync(() => log.push('finalized'))
      )
      log.push('resumed')
    })
    const pid = rt.spawn(p)
    const watcher = rt.run(
      Effect.gen(function* () {
        yield* Process.monitor(pid)
        return yield* Process.receive(Exit.Down)
      })
    )
    await new Promise((r) => setTimeout(r, 10))
    rt.spawn(Process.exit(pid, Exit.kill))
    const down = await watcher
    expect(down).toMatchObject({ _tag: 'Normal', value: { reason: Exit.killed } })
    expect(log).toEqual(['finalized'])
    await rt.shutdown()
  })
})
