/**
 * Registry: unique and duplicate keys, entries removed when their owner
 * exits, dispatch (pub/sub), and `{ via, key }` names for send,
 * GenServer.call and supervisor children.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Agent, Effect, Exit, GenServer, Process, Registry, Supervisor } from '../lib/index.js'

import { run } from './interpreter.js'
import { value, within } from './support.js'

describe('Registry', () => {
  it('unique keys: register, lookup, AlreadyRegistered, unregister; entries go when the owner exits', async () => {
    const r = await run(
      Effect.gen(function* () {
        const reg = yield* Registry.startLink<string, number>({ keys: 'unique' })
        const me = yield* Process.self
        yield* Registry.register(reg, 'a', 1)
        const mine = yield* Registry.lookup(reg, 'a')
        const other = yield* Process.spawn(
          Effect.flatMap(Effect.either(Registry.register(reg, 'a', 2)), (res) =>
            Effect.flatMap(Process.send(me, { res }), () => Registry.register(reg, 'b', 3))
          )
        )
        const { res } = yield* within(t.type({ res: t.unknown }))
        const ref = yield* Process.monitor(other)
        yield* Process.receive(Exit.downOf(ref))
        const afterExit = yield* Registry.lookup(reg, 'b')
        yield* Registry.unregister(reg, 'a')
        return { mine, meIs: mine[0]?.[0] === me, res, afterExit, count: yield* Registry.count(reg) }
      })
    )
    const v = value(r)
    expect(v.meIs).toBe(true)
    expect(v.mine.map(([, n]) => n)).toEqual([1])
    expect(v.res).toMatchObject(E.left({ _tag: 'AlreadyRegistered' }))
    expect(v.afterExit).toEqual([])
    expect(v.count).toBe(0)
  })

  it('duplicate keys: pub/sub with dispatch; keys and values of a process', async () => {
    const r = await run(
      Effect.gen(function* () {
        const topics = yield* Registry.startLink<string, string>({ keys: 'duplicate' })
        const me = yield* Process.self
        const subscriber = (tag: string) =>
          Process.spawn(
            Effect.gen(function* () {
              yield* Registry.register(topics, 'news', tag)
              yield* Process.send(me, 'subscribed')
              const m = yield* Process.receive(t.string)
              yield* Process.send(me, `${tag} got ${m}`)
            })
          )
        yield* subscriber('x')
        yield* subscriber('y')
        yield* within(t.literal('subscribed'))
        yield* within(t.literal('subscribed'))
        yield* Registry.register(topics, 'other', 'me')
        yield* Registry.register(topics, 'other', 'me again')
        yield* Registry.dispatch(topics, 'news', (entries) =>
          Effect.traverseArray(([pid]: readonly [Process.Pid, string]) => Process.send(pid, 'extra!'))(entries)
        )
        const got = [yield* within(t.string), yield* within(t.string)].sort()
        return { got, keys: yield* Registry.keys(topics, me), values: yield* Registry.values(topics, 'other', me) }
      })
    )
    expect(value(r)).toEqual({
      got: ['x got extra!', 'y got extra!'],
      keys: ['other', 'other'],
      values: ['me', 'me again']
    })
  })

  it('via names: send, GenServer.call, Agent and supervisor children', async () => {
    const r = await run(
      Effect.gen(function* () {
        const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
        const counter = Registry.via(names, 'counter')
        const sup = yield* Supervisor.startLink(
          [
            {
              id: 'counter',
              start: GenServer.startLink(
                {
                  init: () => Effect.succeed(GenServer.ok(0)),
                  handleCall: (_req: unknown, _from: GenServer.From<number>, n: number) =>
                    Effect.succeed(GenServer.replyWith(n + 1, n + 1))
                },
                undefined,
                { name: counter }
              )
            }
          ],
          { strategy: 'one_for_one' }
        )
        const one = yield* GenServer.call<number>(counter, 'bump')
        const two = yield* GenServer.call<number>(counter, 'bump')
        const agentName = Registry.via(names, 'agent')
        yield* Agent.start(() => 'hi', { name: agentName })
        const fromAgent = yield* Agent.get(agentName as never, (s: string) => s)
        const me = yield* Process.self
        yield* Process.spawn(
          Effect.flatMap(Registry.register(names, 'echo', undefined), () =>
            Effect.flatMap(Process.receive(t.string), (m) => Process.send(me, `echo ${m}`))
          )
        )
        yield* Effect.sleep(10)
        yield* Process.send(Registry.via(names, 'echo'), 'hello')
        const echoed = yield* within(t.string)
        const missing = yield* Effect.either(Process.send(Registry.via(names, 'nobody'), 'x'))
        const whereis = yield* GenServer.whereis(counter)
        const kids = yield* Supervisor.whichChildren(sup)
        return {
          one,
          two,
          fromAgent,
          echoed,
          missing: E.isLeft(missing),
          same: O.isSome(whereis) && kids[0]?.pid._tag === 'Some' && kids[0].pid.value === whereis.value
        }
      })
    )
    expect(value(r)).toEqual({ one: 1, two: 2, fromAgent: 'hi', echoed: 'echo hello', missing: true, same: true })
  })
})
