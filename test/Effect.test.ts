import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Runtime } from '../lib/index.js'

const run = <E, A>(e: Effect.Effect<E, A>) => Runtime.make().run(e)

describe('Effect', () => {
  it('succeeds, maps and sequences', async () => {
    const p = pipe(
      Effect.succeed(20),
      Effect.map((n) => n + 1),
      Effect.flatMap((n) => Effect.succeed(n * 2))
    )
    expect(await run(p)).toEqual(Exit.returned(42))
  })

  it('a typed failure ends the process with Failure; catchAll recovers it', async () => {
    expect(await run(Effect.fail('nope'))).toEqual(Exit.failure('nope'))
    expect(await run(Effect.catchAll(Effect.fail('nope'), (e) => Effect.succeed(`got ${e}`)))).toEqual(
      Exit.returned('got nope')
    )
  })

  it('a throw is a defect that catchAll does not see', async () => {
    const boom = new Error('boom')
    const p = Effect.catchAll(
      Effect.sync(() => {
        throw boom
      }),
      () => Effect.succeed('caught')
    )
    expect(await run(p)).toEqual(Exit.defect(boom))
  })

  it('either materialises the failure, exit/1 included', async () => {
    expect(await run(Effect.either(Effect.fail(1)))).toEqual(Exit.returned(E.left(1)))
    expect(await run(Effect.either(Effect.succeed(1)))).toEqual(Exit.returned(E.right(1)))
  })

  it('gen runs a fresh generator each time', async () => {
    let runs = 0
    const p = Effect.gen(function* () {
      runs++
      const a = yield* Effect.succeed(1)
      const b = yield* Effect.succeed(2)
      return a + b
    })
    expect(await run(p)).toEqual(Exit.returned(3))
    expect(await run(p)).toEqual(Exit.returned(3))
    expect(runs).toBe(2)
  })

  it("fn: each call is a description; each run makes a fresh generator with that call's arguments", async () => {
    const started: Array<[number, string]> = []
    const f = Effect.fn(function* (n: number, label: string) {
      started.push([n, label])
      const a = yield* Effect.succeed(n)
      if (a < 0) return yield* Effect.fail(`${label} is negative`)
      return `${label}=${a * 2}`
    })
    const two = f(2, 'two')
    const minus = f(-1, 'minus')
    expect(started).toEqual([]) // nothing runs until an interpreter runs it
    expect(await run(two)).toEqual(Exit.returned('two=4'))
    expect(await run(two)).toEqual(Exit.returned('two=4'))
    expect(await run(minus)).toEqual(Exit.failure('minus is negative'))
    expect(started).toEqual([
      [2, 'two'],
      [2, 'two'],
      [-1, 'minus']
    ])
    expect(() => Effect.fn(42 as never)).toThrow(/Effect\.fn: expected a generator function, got/)
  })

  it('do notation', async () => {
    const p = pipe(
      Effect.Do,
      Effect.bind('a', () => Effect.succeed(1)),
      Effect.apS('b', Effect.succeed(2)),
      Effect.let('c', ({ a, b }) => a + b)
    )
    expect(await run(p)).toEqual(Exit.returned({ a: 1, b: 2, c: 3 }))
  })

  it('timeout gives none and runs the finalizers of the timed-out region', async () => {
    const log: Array<string> = []
    const p = Effect.timeout(
      Effect.ensuring(
        Effect.sleep(10_000),
        Effect.sync(() => log.push('fin'))
      ),
      5
    )
    expect(await run(p)).toEqual(Exit.returned(O.none))
    expect(log).toEqual(['fin'])
    expect(await run(Effect.timeout(Effect.succeed(1), 5))).toEqual(Exit.returned(O.some(1)))
  })

  it('forever repeats until a failure, in constant stack', async () => {
    let n = 0
    const step = Effect.flatMap(
      Effect.sync(() => ++n),
      (i) => (i === 200_000 ? Effect.fail(`stopped at ${i}`) : Effect.unit)
    )
    expect(await run(Effect.forever(step))).toEqual(Exit.failure('stopped at 200000'))
  })
})
