/**
 * Request/reply typed end to end (types checked by `tsc` in `npm test`; the `it`s run them):
 * a wrong request to `GenServer.call`/`cast` or `Rx.ask` does not compile, the reply type is
 * inferred per request, an Agent's state type is enforced; at run time a request the server's
 * codec rejects fails the caller (not the server), and `Rx.ask` fails fast with the real reason.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import * as t from 'io-ts'
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs'
import { Agent, Effect, Exit, GenServer, Process, Runtime, Rx } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'

// a key-value server whose protocol says the reply of each request
const Get = t.type({ _tag: t.literal('Get'), key: t.string })
const Size = t.type({ _tag: t.literal('Size') })
type Get = t.TypeOf<typeof Get> & GenServer.Call<number | undefined>
type Size = t.TypeOf<typeof Size> & GenServer.Call<number>
type Req = Get | Size
const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number })
type Put = t.TypeOf<typeof Put>

const store: GenServer.Behaviour<void, ReadonlyMap<string, number>, Req, number | undefined, never, Put> = {
  init: () => Effect.succeed(GenServer.ok(new Map())),
  requests: t.union([Get, Size]),
  handleCall: (req, _from, m) => Effect.succeed(GenServer.replyWith(req._tag === 'Get' ? m.get(req.key) : m.size, m)),
  handleCast: (put, m) => Effect.succeed(GenServer.noReply(new Map(m).set(put.key, put.value)))
}

const run = <E, A>(program: Effect.Effect<E, A>) => Runtime.make().run(program)

describe('GenServer, typed by its protocol', () => {
  it('infers the reply per request and rejects a wrong request at compile time', async () => {
    const r = await run(
      Effect.gen(function* () {
        const kv = yield* GenServer.startLink(store, undefined)
        expectTypeOf(kv).toEqualTypeOf<GenServer.GenServer<Req, number | undefined, Put>>()
        yield* GenServer.cast(kv, { _tag: 'Put', key: 'a', value: 1 })
        const a = yield* GenServer.call(kv, { _tag: 'Get', key: 'a' })
        expectTypeOf(a).toEqualTypeOf<number | undefined>()
        const size = yield* GenServer.call(kv, { _tag: 'Size' })
        expectTypeOf(size).toEqualTypeOf<number>()
        if (Math.random() > 2) {
          // never run: each line is a compile error, which is what this test checks
          // @ts-expect-error a request that is not in the protocol
          yield* GenServer.call(kv, { _tag: 'Delete', key: 'a' })
          // @ts-expect-error a request with a wrong field
          yield* GenServer.call(kv, { _tag: 'Get', key: 1 })
          // @ts-expect-error a cast that is not a Put
          yield* GenServer.cast(kv, { _tag: 'Get', key: 'a' })
        }
        // by name, as before: unchecked, the reply type given by the caller
        const byName = GenServer.call<number>('kv', { _tag: 'Size' })
        expectTypeOf(byName).toEqualTypeOf<Effect.Effect<Exit.Exiting, number>>()
        expectTypeOf(GenServer.call('kv', 'x')).toEqualTypeOf<Effect.Effect<Exit.Exiting, unknown>>()
        // an explicit reply type is the escape hatch: unchecked, through a typed handle too
        expectTypeOf(GenServer.call<string>(kv, 'anything')).toEqualTypeOf<Effect.Effect<Exit.Exiting, string>>()
        return [a, size]
      })
    )
    expect(r).toEqual(Exit.returned([1, 1]))
  })

  it('a request the server codec rejects fails the caller with the rejection; the server goes on', async () => {
    const r = await run(
      Effect.gen(function* () {
        const kv = yield* GenServer.start(store, undefined)
        const untyped: Pid<unknown> = kv
        const wrong = yield* Effect.either(GenServer.call<number>(untyped, { _tag: 'Get', key: 42 }))
        const size = yield* GenServer.call(kv, { _tag: 'Size' })
        return { wrong, size, alive: yield* Process.isAlive(kv) }
      })
    )
    expect(r._tag).toBe('Normal')
    const { wrong, size, alive } = (r as Exit.Normal<{ wrong: unknown; size: number; alive: boolean }>).value as {
      wrong: { _tag: 'Left'; left: Exit.Exiting }
      size: number
      alive: boolean
    }
    expect([size, alive]).toEqual([0, true])
    const reason = wrong.left.reason
    expect(reason).toMatchObject({
      _tag: 'CallExit',
      call: 'GenServer.call',
      reason: { _tag: 'Custom', reason: { rejected: [expect.stringMatching(/Invalid value 42 supplied to/)] } }
    })
    expect(Exit.format(reason)).toMatch(
      /^\{\{"rejected":\[.*\]\}, \{GenServer\.call, \[#PID<0\.\d+\.0>, \{"_tag":"Get","key":42\}, 5000\]\}\}$/
    )
  })
})

describe('Agent, typed by its state', () => {
  it('enforces the state type of the agent', async () => {
    const r = await run(
      Effect.gen(function* () {
        const agent = yield* Agent.start(() => 1)
        expectTypeOf(agent).toEqualTypeOf<Agent.Agent<number>>()
        yield* Agent.update(agent, (n) => n + 1)
        if (Math.random() > 2) {
          // @ts-expect-error the state is a number, not a string
          yield* Agent.update(agent, (n) => String(n))
          // @ts-expect-error nor may a cast change its type
          yield* Agent.cast(agent, () => 'x')
        }
        const n = yield* Agent.get(agent, (s) => s * 10)
        expectTypeOf(n).toEqualTypeOf<number>()
        return n
      })
    )
    expect(r).toEqual(Exit.returned(20))
  })
})

describe('Rx.ask, typed by the destination, failing fast', () => {
  const Double = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
  const doubler = Effect.forever(Process.receive(Process.on(Double, (m) => Rx.reply(m.replyTo, m.n * 2))))

  it('infers the answer from the pid and rejects a wrong request at compile time', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(doubler, { mailbox: Double })
    const asked = of(1, 2).pipe(Rx.ask(rt, pid, (n: number, replyTo) => ({ n, replyTo })))
    expectTypeOf(asked).toEqualTypeOf<import('rxjs').Observable<number>>()
    // @ts-expect-error the request must be a Double
    Rx.ask(rt, pid, (n: number, replyTo) => ({ m: n, replyTo }))
    // @ts-expect-error n must be a number
    Rx.ask(rt, pid, (n: string, replyTo) => ({ n, replyTo }))
    expect(await lastValueFrom(asked.pipe(toArray()))).toEqual([2, 4])
    await rt.shutdown()
  })

  it('to a dead pid: noproc at once, not after the timeout', async () => {
    const rt2 = Runtime.make()
    const gone = rt2.spawn(Effect.unit, { mailbox: Double })
    await new Promise((r) => setTimeout(r, 5))
    const started = Date.now()
    const error = await firstValueFrom(
      of(1).pipe(Rx.ask(rt2, gone, (n: number, replyTo) => ({ n, replyTo }), { timeout: 60_000 }))
    ).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1_000) // far below the 60 s timeout: no wait at all
    expect(error).toBeInstanceOf(Rx.AskFailed)
    expect((error as Rx.AskFailed).reason).toEqual(Exit.noproc)
    expect((error as Error).message).toMatch(/^Rx\.ask: the request for 1 \(sent to #PID<0\.\d+\.0>\) failed: :noproc$/)
    await rt2.shutdown()
  })

  it('to a pid that crashes while the request waits: that crash reason', async () => {
    const rt = Runtime.make()
    const crasher = rt.spawn(Process.receive(Process.on(Double, () => Effect.die(new Error('boom')))), {
      mailbox: Double
    })
    const error = await firstValueFrom(
      of(1).pipe(Rx.ask(rt, crasher, (n: number, replyTo) => ({ n, replyTo }), { timeout: 60_000 }))
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Rx.AskFailed)
    expect((error as Rx.AskFailed).reason).toEqual(Exit.defect(new Error('boom')))
    await rt.shutdown()
  })

  it('with a wrong shape: the rejection, and the request is a dead letter', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const pid: Pid<unknown> = rt.spawn(doubler, { mailbox: Double })
    const error = await firstValueFrom(
      of('x').pipe(Rx.ask(rt, pid, (n: string, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo }), { timeout: 60_000 }))
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Rx.AskFailed)
    expect((error as Rx.AskFailed).reason).toEqual(
      Exit.custom({ rejected: [expect.stringMatching(/^Invalid value "x" supplied to .*n: number/)] })
    )
    expect(letters.map((l) => l.reason)).toEqual(['rejected'])
    await rt.shutdown()
  })
})
