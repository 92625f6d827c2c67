/**
 * The README's code, run: the tour and the OTP snippets, so the README cannot rot.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Agent, Effect, Exit, GenServer, Process, Runtime, Supervisor, Task, TestRuntime } from '../lib/index.js'

describe('README', () => {
  it('the tour: a typed key-value store', async () => {
    const Get = t.type({ _tag: t.literal('Get'), key: t.string, replyTo: Process.pid })
    const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number })
    const Msg = t.union([Get, Put])
    const store = (map: ReadonlyMap<string, number>): Effect.Effect<Process.NoProcess, never> =>
      Process.receive(
        Process.on(Get, (m) => Effect.flatMap(Process.send(m.replyTo, map.get(m.key) ?? null), () => store(map))),
        Process.on(Put, (m) => store(new Map(map).set(m.key, m.value)))
      )
    const main = Effect.gen(function* () {
      const pid = yield* Process.spawn(store(new Map()), { mailbox: Msg })
      const me = yield* Process.self
      yield* Process.send(pid, { _tag: 'Put', key: 'apples', value: 3 })
      yield* Process.send(pid, { _tag: 'Get', key: 'apples', replyTo: me })
      return yield* Process.receive(t.union([t.number, t.null]))
    })
    const rt = Runtime.make()
    expect(await rt.run(main)).toEqual(Exit.returned(3))
    await rt.shutdown()
  })

  it('Task, Agent, GenServer and Supervisor snippets', async () => {
    const Counter: GenServer.Behaviour<number, number, 'count', number> = {
      init: (n) => Effect.succeed(GenServer.ok(n)),
      handleCall: (_req, _from, n) => Effect.succeed(GenServer.replyWith(n, n)),
      handleCast: (_msg, n) => Effect.succeed(GenServer.noReply(n + 1))
    }
    const expensive = Effect.as(Effect.sleep(5), 42)
    const main = Effect.gen(function* () {
      const task = yield* Task.async(expensive)
      const value = yield* Task.await(task, 5000)
      const results = yield* Task.asyncStream([1, 2, 3], (n) => Effect.succeed(n * n), {
        maxConcurrency: 2,
        timeout: 1000,
        ordered: true
      })

      const agent = yield* Agent.startLink(() => new Map<string, number>())
      yield* Agent.update(agent, (m) => new Map(m).set('apples', 3))
      const apples = yield* Agent.get(agent, (m) => m.get('apples'))
      yield* Agent.stop(agent)

      const children: ReadonlyArray<Supervisor.ChildSpec> = [
        { id: 'counter', start: GenServer.startLink(Counter, 0, { name: 'counter' }) }
      ]
      const sup = yield* Supervisor.startLink(children, { strategy: 'one_for_all', maxRestarts: 3, maxSeconds: 5 })
      yield* GenServer.cast('counter', 'done')
      const count = yield* GenServer.call<number>('counter', 'count', 5000)
      yield* Supervisor.stop(sup)
      return { value, results, apples, count }
    })
    const r = await Runtime.make().run(main)
    expect(r).toEqual(
      Exit.returned({
        value: 42,
        results: [
          { _tag: 'Right', right: 1 },
          { _tag: 'Right', right: 4 },
          { _tag: 'Right', right: 9 }
        ],
        apples: 3,
        count: 1
      })
    )
  })

  it('Testing processes: an hour of sleep on the virtual clock', () => {
    const rt = TestRuntime.make({ seed: 42 })
    expect(rt.runSync(Effect.as(Effect.sleep(3_600_000), 'later'))).toEqual(Exit.returned('later'))
    expect(rt.now).toBe(3_600_000)
    expect(
      O.isNone(TestRuntime.explore(Effect.succeed(1), { runs: 5, seed: 1, check: (_t, r) => Exit.isNormal(r) }))
    ).toBe(true)
  })
})
