import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime } from '../../lib/index.js'

// Stack safety: the run loop keeps its own continuation stack (README, "Design notes").

describe('stack safety', () => {
  it('1,000,000 left-nested flatMaps', async () => {
    const N = 1_000_000
    let e: Effect.Effect<never, number> = Effect.succeed(0)
    for (let i = 0; i < N; i++) e = Effect.flatMap(e, (n) => Effect.succeed(n + 1))
    expect(await Runtime.make().run(e)).toEqual(Exit.returned(N))
  })

  it('1,000,000 left-nested maps', async () => {
    const N = 1_000_000
    let e: Effect.Effect<never, number> = Effect.succeed(0)
    for (let i = 0; i < N; i++) e = Effect.map(e, (n) => n + 2)
    expect(await Runtime.make().run(e)).toEqual(Exit.returned(2 * N))
  })

  it('10,000,000 right-nested flatMaps built lazily', { timeout: 120_000 }, async () => {
    let steps = 0
    const loop = (n: number): Effect.Effect<never, string> =>
      n === 0
        ? Effect.succeed('done')
        : Effect.flatMap(Effect.unit, () => {
            steps++
            return loop(n - 1)
          })
    expect(await Runtime.make().run(loop(10_000_000))).toEqual(Exit.returned('done'))
    expect(steps).toBe(10_000_000)
  })

  it('a receive loop over 1,000,000 messages gives the exact sum', { timeout: 120_000 }, async () => {
    const N = 1_000_000
    const sum = (k: number, acc: number): Effect.Effect<never, number> =>
      k === 0 ? Effect.succeed(acc) : Effect.flatMap(Process.receive(t.number), (n) => sum(k - 1, acc + n))
    const send = (to: Process.Pid<unknown>, i: number): Effect.Effect<Process.NoProcess, void> =>
      i === N ? Effect.unit : Effect.flatMap(Process.send(to, i), () => send(to, i + 1))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(send(me, 0))
      return yield* sum(N, 0)
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned((N * (N - 1)) / 2))
  })

  it('100,000 nested catchAll: a failure goes through every handler', async () => {
    const N = 100_000
    let e: Effect.Effect<number, never> = Effect.fail(0)
    for (let i = 0; i < N; i++) e = Effect.catchAll(e, (n) => Effect.fail(n + 1))
    expect(await Runtime.make().run(e)).toEqual(Exit.failure(N))
  })

  it('100,000 nested catchAll around a success skip every handler', async () => {
    const N = 100_000
    let handled = 0
    let e: Effect.Effect<string, number> = Effect.succeed(7)
    for (let i = 0; i < N; i++) {
      e = Effect.catchAll(e, () =>
        Effect.sync(() => {
          handled++
          return -1
        })
      )
    }
    expect(await Runtime.make().run(e)).toEqual(Exit.returned(7))
    expect(handled).toBe(0)
  })

  it('100,000 nested ensuring run every finalizer, innermost first, on success and on failure', async () => {
    const N = 100_000
    const build = <E>(inner: Effect.Effect<E, number>, order: Array<number>): Effect.Effect<E, number> => {
      let e = inner
      for (let i = 0; i < N; i++) {
        e = Effect.ensuring(
          e,
          Effect.sync(() => {
            order.push(i)
          })
        )
      }
      return e
    }
    const range = Array.from({ length: N }, (_, i) => i)
    const ok: Array<number> = []
    expect(await Runtime.make().run(build(Effect.succeed(1), ok))).toEqual(Exit.returned(1))
    expect(ok).toEqual(range)
    const ko: Array<number> = []
    expect(await Runtime.make().run(build(Effect.fail('boom'), ko))).toEqual(Exit.failure('boom'))
    expect(ko).toEqual(range)
  })

  it('100,000 levels alternating catchAll and ensuring', async () => {
    const N = 100_000
    let finalized = 0
    let e: Effect.Effect<number, never> = Effect.fail(0)
    for (let i = 0; i < N; i++) {
      e = Effect.ensuring(
        Effect.catchAll(e, (n) => Effect.fail(n + 1)),
        Effect.sync(() => {
          finalized++
        })
      )
    }
    expect(await Runtime.make().run(Effect.either(e))).toEqual(Exit.returned({ _tag: 'Left', left: N }))
    expect(finalized).toBe(N)
  })
})
