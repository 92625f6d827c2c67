import { describe, expect, expectTypeOf, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { Effect, Exit, Process } from '../lib/index.js'
import * as Agent from '../lib/Agent.js'
import * as Start from '../lib/Start.js'

import { run } from './interpreter.js'
import { value } from './support.js'

describe('Agent', () => {
  it('state after update, cast and getAndUpdate', async () => {
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.startLink(() => 1)
        yield* Agent.update(agent, (n) => n + 1)
        yield* Agent.cast(agent, (n) => n * 10)
        const old = yield* Agent.getAndUpdate(agent, (n) => [n, n + 5] as const)
        const now = yield* Agent.get(agent, (n) => n)
        return { old, now }
      })
    )
    expect(value(r)).toEqual({ old: 20, now: 25 })
  })

  it('state functions may return an Effect: an agent that waits, or asks another agent', async () => {
    const r = await run(
      Effect.gen(function* () {
        const prices = yield* Agent.startLink(() => new Map([['apple', 3]]))
        const basket = yield* Agent.startLink(() => Effect.as(Effect.sleep(5), [] as ReadonlyArray<string>))
        yield* Agent.update(basket, (items) => Effect.succeed([...items, 'apple', 'apple']))
        // the basket asks the prices agent, from inside its own state function
        const total = yield* Agent.get(basket, (items) =>
          Effect.map(
            Agent.get(prices, (p) => p.get('apple') ?? 0),
            (each) => each * items.length
          )
        )
        return total
      })
    )
    expect(value(r)).toBe(6)
  })

  it('infers the answer type of a state function that returns an Effect', () => {
    // compile-time only: never called
    const check = (agent: Agent.Agent<number>) => {
      expectTypeOf(Agent.get(agent, (n) => Effect.succeed(n > 0))).toEqualTypeOf<Effect.Effect<Exit.Exiting, boolean>>()
      expectTypeOf(Agent.get(agent, (n) => String(n))).toEqualTypeOf<Effect.Effect<Exit.Exiting, string>>()
      expectTypeOf(Agent.getAndUpdate(agent, (n) => [n > 0, n + 1] as const)).toEqualTypeOf<
        Effect.Effect<Exit.Exiting, boolean>
      >()
      expectTypeOf(Agent.getAndUpdate(agent, (n) => Effect.succeed([String(n), n + 1] as const))).toEqualTypeOf<
        Effect.Effect<Exit.Exiting, string>
      >()
    }
    expect(typeof check).toBe('function')
  })

  it('a named agent is reached by its name', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Agent.start(() => 'hello', { name: 'greeting' })
        yield* Agent.update<string>('greeting', (s) => `${s} world`)
        const taken = yield* Effect.either(Agent.start(() => 'again', { name: 'greeting' }))
        return {
          text: yield* Agent.get<string, string>('greeting', (s) => s),
          taken: E.isLeft(taken) && taken.left._tag
        }
      })
    )
    expect(value(r)).toEqual({ text: 'hello world', taken: 'AlreadyStarted' })
  })

  it('Agent.stop with a non-normal reason kills the linked, non-trapping caller (A02)', async () => {
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.startLink(() => 0)
        yield* Agent.stop(agent, Exit.shutdown)
        yield* Effect.sleep(10)
        return 'survived'
      })
    )
    expect(r).toEqual(Exit.shutdown)
  })

  it('Agent.stop (normal) stops the agent; the caller goes on; a later get fails with noproc', async () => {
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.startLink(() => 0)
        yield* Agent.stop(agent)
        const alive = yield* Process.isAlive(agent)
        const later = yield* Effect.either(Agent.get(agent, (n) => n))
        return { alive, later: E.isLeft(later) ? later.left.reason : 'got it' }
      })
    )
    const v = value(r)
    expect(v.alive).toBe(false)
    expect(v.later).toEqual(Exit.callExit(Exit.noproc, 'GenServer.call', [expect.anything(), expect.anything(), 5000]))
  })

  it('a get that times out exits the caller with {timeout, {GenServer.call, [agent, request, ms]}}', async () => {
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.start(() => 0)
        return yield* Agent.get(agent, (n) => Effect.as(Effect.sleep(200), n), 10)
      })
    )
    expect(r._tag).toBe('CallExit')
    expect(r).toEqual(Exit.callExit(Exit.timeout, 'GenServer.call', [expect.anything(), expect.anything(), 10]))
  })

  it('a state function that throws crashes the agent and the linked caller', async () => {
    const boom = new Error('boom')
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.startLink(() => 0)
        yield* Agent.cast(agent, () => {
          throw boom
        })
        yield* Effect.sleep(50)
        return 'survived'
      })
    )
    expect(r).toEqual(Exit.defect(boom))
  })

  it('an init that fails: the start fails with InitFailed', async () => {
    const r = await run(Effect.either(Agent.start(() => Effect.fail('no state'))))
    expect(value(r)).toEqual(E.left(Start.initFailed(Exit.failure('no state'))))
  })

  it('rejects a state function that is not a function', () => {
    expect(() => Agent.update('x', 42 as never)).toThrow(
      'Agent.update: expected a function of the state, got number 42'
    )
  })
})
