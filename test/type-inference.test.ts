import { describe, expect, expectTypeOf, it } from 'vitest'
import { sequenceT } from 'fp-ts/lib/Apply.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { Effect, Exit, Pid, Process, Runtime } from '../lib/index.js'

// Type-level tests: `npx tsc -p .` checks them; vitest runs the few that also run programs.

const A = t.type({ _tag: t.literal('A'), n: t.number })
const B = t.type({ _tag: t.literal('B'), s: t.string })
type A = t.TypeOf<typeof A>
type B = t.TypeOf<typeof B>

const ea: Effect.Effect<'ea', number> = Effect.succeed(1)
const eb: Effect.Effect<'eb', string> = Effect.succeed('two')

describe('pids are typed by the mailbox codec', () => {
  it('spawn with { mailbox } gives Pid<TypeOf<codec>>; without, Pid<unknown>', () => {
    const typed = Process.spawn(Effect.unit, { mailbox: A })
    expectTypeOf(typed).toEqualTypeOf<Effect.Effect<never, Pid.Pid<t.TypeOf<typeof A>>>>()
    expectTypeOf(typed).toEqualTypeOf<Effect.Effect<never, Pid.Pid<{ _tag: 'A'; n: number }>>>()
    const untyped = Process.spawn(Effect.unit)
    expectTypeOf(untyped).toEqualTypeOf<Effect.Effect<never, Pid.Pid<unknown>>>()
    expectTypeOf(Process.spawnLink(Effect.unit, { mailbox: B })).toEqualTypeOf<Effect.Effect<never, Pid.Pid<B>>>()
    expectTypeOf(Process.spawnMonitor(Effect.unit, { mailbox: B })).toEqualTypeOf<
      Effect.Effect<never, readonly [Pid.Pid<B>, Pid.Ref]>
    >()
    const rt = Runtime.make()
    expectTypeOf(rt.spawn(Effect.unit, { mailbox: A })).toEqualTypeOf<Pid.Pid<A>>()
    expectTypeOf(rt.spawn(Effect.unit)).toEqualTypeOf<Pid.Pid<unknown>>()
  })

  it('send to a Pid<A> accepts an A and rejects anything else at compile time', async () => {
    const program = Effect.gen(function* () {
      const pid = yield* Process.spawn(Process.receive(A), { mailbox: A })
      expectTypeOf(pid).toEqualTypeOf<Pid.Pid<A>>()
      const ok = Process.send(pid, { _tag: 'A', n: 1 })
      expectTypeOf(ok).toEqualTypeOf<Effect.Effect<Process.NoProcess, void>>()
      // built, never run: the compiler must refuse them
      // @ts-expect-error a B is not an A
      Process.send(pid, { _tag: 'B', s: 'x' })
      // @ts-expect-error a field of the wrong type
      Process.send(pid, { _tag: 'A', n: 'one' })
      // @ts-expect-error not even an object
      Process.send(pid, 42)
      yield* ok
      return 'sent'
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned('sent'))
    const rt = Runtime.make()
    const pid = rt.spawn(Process.receive(A), { mailbox: A })
    const typeOnly = (): void => {
      // @ts-expect-error rt.send checks the message type too
      rt.send(pid, { _tag: 'B', s: 'x' })
    }
    expectTypeOf(typeOnly).toBeFunction()
    rt.send(pid, { _tag: 'A', n: 2 })
    await rt.shutdown()
  })
})

describe('receive', () => {
  it('receive(on(A, ...), on(B, ...)) is the union of the handlers error and value types', () => {
    const onA = (a: A): Effect.Effect<'eA', number> => (a.n > 0 ? Effect.succeed(a.n) : Effect.fail('eA'))
    const onB = (b: B): Effect.Effect<'eB', string> => (b.s !== '' ? Effect.succeed(b.s) : Effect.fail('eB'))
    const r = Process.receive(Process.on(A, onA), Process.on(B, onB))
    expectTypeOf(r).toEqualTypeOf<Effect.Effect<'eA' | 'eB', number | string>>()
    const withAfter = Process.receive(
      Process.on(A, onA),
      Process.after(10, () => Effect.succeed(true))
    )
    expectTypeOf(withAfter).toEqualTypeOf<Effect.Effect<'eA', number | boolean>>()
    // the handler gets the decoded message type
    Process.on(B, (b) => {
      expectTypeOf(b).toEqualTypeOf<B>()
      return Effect.unit
    })
  })

  it('receive(codec) gives the codec type (its decoded type, for a transforming codec)', () => {
    expectTypeOf(Process.receive(A)).toEqualTypeOf<Effect.Effect<never, A>>()
    expectTypeOf(Process.receive(t.string)).toEqualTypeOf<Effect.Effect<never, string>>()
    expectTypeOf(Process.receive(Exit.Down)).toEqualTypeOf<Effect.Effect<never, Exit.Down>>()
    const NumberFromString = new t.Type<number, string, unknown>(
      'NumberFromString',
      (u): u is number => typeof u === 'number',
      (u, c) => (typeof u === 'string' ? t.success(Number(u)) : t.failure(u, c)),
      String
    )
    expectTypeOf(Process.receive(NumberFromString)).toEqualTypeOf<Effect.Effect<never, number>>()
  })
})

describe('Effect inference', () => {
  it('flatMap widens the error type', () => {
    expectTypeOf(Effect.flatMap(ea, () => eb)).toEqualTypeOf<Effect.Effect<'ea' | 'eb', string>>()
    expectTypeOf(
      pipe(
        ea,
        Effect.flatMap(() => eb)
      )
    ).toEqualTypeOf<Effect.Effect<'ea' | 'eb', string>>()
    expectTypeOf(Effect.catchAll(ea, () => eb)).toEqualTypeOf<Effect.Effect<'eb', number | string>>()
  })

  it('gen infers the error union and the return type', async () => {
    const g = Effect.gen(function* () {
      const a = yield* ea
      const b = yield* eb
      return a + b.length
    })
    expectTypeOf(g).toEqualTypeOf<Effect.Effect<'ea' | 'eb', number>>()
    expect(await Runtime.make().run(g)).toEqual(Exit.returned(4))
  })

  it('fn infers its parameters, the error union and the return type', async () => {
    const f = Effect.fn(function* (n: number, s: string) {
      const a = yield* ea
      const b = yield* eb
      return a + b.length + n + s.length
    })
    expectTypeOf(f).toEqualTypeOf<(n: number, s: string) => Effect.Effect<'ea' | 'eb', number>>()
    expect(await Runtime.make().run(f(10, 'xy'))).toEqual(Exit.returned(16))
  })

  it('all keeps tuple positions', async () => {
    const p = Effect.all([Effect.succeed(1), Effect.succeed('x'), ea])
    expectTypeOf(p).toEqualTypeOf<Effect.Effect<'ea', [number, string, number]>>()
    expect(await Runtime.make().run(p)).toEqual(Exit.returned([1, 'x', 1]))
  })
})

describe('fp-ts interop', () => {
  it('sequenceT(Effect.Apply) type-checks and runs', async () => {
    const p = sequenceT(Effect.Apply)(Effect.succeed(1), Effect.succeed('a'), Effect.succeed(true))
    expectTypeOf(p).toEqualTypeOf<Effect.Effect<never, [number, string, boolean]>>()
    expect(await Runtime.make().run(p)).toEqual(Exit.returned([1, 'a', true]))
  })

  it('pipe(Effect.Do, Effect.bind(...)) type-checks and runs', async () => {
    const p = pipe(
      Effect.Do,
      Effect.bind('x', () => Effect.succeed(1)),
      Effect.bind('y', ({ x }) => Effect.succeed(`${x + 1}`)),
      Effect.apS('z', ea),
      Effect.let('w', ({ x, y }) => x + y.length)
    )
    expectTypeOf(p).toEqualTypeOf<
      Effect.Effect<'ea', { readonly x: number; readonly y: string; readonly z: number; readonly w: number }>
    >()
    expect(await Runtime.make().run(p)).toEqual(Exit.returned({ x: 1, y: '2', z: 1, w: 2 }))
  })
})
