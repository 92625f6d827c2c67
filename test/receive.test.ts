import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Decoder } from 'io-ts'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'

// Messages, selective receive, mailbox codecs, dead letters, aliases.

const A = t.type({ _tag: t.literal('A') })
const B = t.type({ _tag: t.literal('B') })

/** Decodes a numeric string to a number: a transforming codec (its encode is not the identity). */
const NumberFromString = new t.Type<number, string, unknown>(
  'NumberFromString',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    if (typeof u !== 'string' || u.trim() === '') return t.failure(u, c)
    const n = Number(u)
    return Number.isNaN(n) ? t.failure(u, c) : t.success(n)
  },
  String
)

/** A codec of the one message 'wanted' that records every value it is asked about, in `seen`. */
const counting = () => {
  const seen: Array<unknown> = []
  const isWanted = (u: unknown): u is 'wanted' => {
    seen.push(u)
    return u === 'wanted'
  }
  const Wanted = new t.Type<'wanted', 'wanted', unknown>(
    'Wanted',
    isWanted,
    (u, c) => (isWanted(u) ? t.success(u) : t.failure(u, c)),
    t.identity
  )
  return { seen, Wanted }
}

/** The value a process returned (fails the test for any other exit). */
const valueOf = <A>(r: Exit.Reason<unknown, A>): A => {
  if (r._tag !== 'Normal') throw new Error(`expected a normal exit, got ${Exit.format(r)}`)
  return r.value as A
}

/** What is left in the caller's mailbox, oldest first, without waiting. */
const drain = (): Effect.Effect<never, ReadonlyArray<unknown>> => {
  const go = (acc: ReadonlyArray<unknown>): Effect.Effect<never, ReadonlyArray<unknown>> =>
    Process.receive(
      Process.on(t.unknown, (m) => go([...acc, m])),
      Process.after(0, () => Effect.succeed(acc))
    )
  return go([])
}

/** Resolves once `pid` is blocked in a receive. */
const untilWaiting = async (rt: Runtime.Runtime, pid: Process.Pid<unknown>): Promise<void> => {
  for (let i = 0; i < 100_000; i++) {
    const info = rt.processes().find((p) => p.pid === pid)
    if (info !== undefined && info.status === 'waiting') return
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  throw new Error(`${String(pid)} never blocked`)
}

describe('selective receive', () => {
  it('takes the first matching message and keeps the unmatched ones in order', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 1)
      yield* Process.send(me, 'X')
      yield* Process.send(me, 2)
      yield* Process.send(me, 'Y')
      const x = yield* Process.receive(t.string)
      const a = yield* Process.receive(t.number)
      const b = yield* Process.receive(t.number)
      const rest = yield* drain()
      return { x, a, b, rest }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ x: 'X', a: 1, b: 2, rest: ['Y'] }))
  })

  it('keeps unmatched messages sent by another process in order', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(
        Effect.gen(function* () {
          yield* Process.send(me, 1)
          yield* Process.send(me, 'X')
          yield* Process.send(me, 2)
          yield* Process.send(me, 'Y')
          yield* Process.send(me, 'done')
        })
      )
      yield* Process.receive(t.literal('done'))
      const x = yield* Process.receive(t.string)
      const a = yield* Process.receive(t.number)
      const b = yield* Process.receive(t.number)
      const rest = yield* drain()
      return { x, a, b, rest }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ x: 'X', a: 1, b: 2, rest: ['Y'] }))
  })

  it('mailbox order beats clause order: the first message any clause matches wins', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, { _tag: 'B' })
      yield* Process.send(me, { _tag: 'A' })
      const step = Process.receive(
        Process.on(A, () => Effect.succeed('A')),
        Process.on(B, () => Effect.succeed('B'))
      )
      const first = yield* step
      const second = yield* step
      return [first, second]
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned(['B', 'A']))
  })

  it('for one message, clauses are tried in order', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, { _tag: 'A' })
      return yield* Process.receive(
        Process.on(t.type({ _tag: t.string }), () => Effect.succeed('any tag')),
        Process.on(A, () => Effect.succeed('A'))
      )
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned('any tag'))
  })

  it('after(0) fires at once when no message matches, and leaves the mailbox alone', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 'junk')
      const r = yield* Process.receive(
        Process.on(t.number, (n) => Effect.succeed(`got ${n}`)),
        Process.after(0, () => Effect.succeed('timeout'))
      )
      const rest = yield* drain()
      return { r, rest }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ r: 'timeout', rest: ['junk'] }))
  })

  it('after(0) does not fire when a matching message is already there', async () => {
    let afterRuns = 0
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 'junk')
      yield* Process.send(me, 7)
      const r = yield* Process.receive(
        Process.on(t.number, (n) => Effect.succeed(`got ${n}`)),
        Process.after(0, () =>
          Effect.sync(() => {
            afterRuns++
            return 'timeout'
          })
        )
      )
      const rest = yield* drain()
      return { r, rest }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ r: 'got 7', rest: ['junk'] }))
    expect(afterRuns).toBe(0)
  })

  it('after(n): a non-matching message arriving during the wait does not reset the timer', async () => {
    // The receiver waits 80 ms for a number. At ~40 ms a string arrives (no match); at ~100 ms a number.
    // Counted from entering the receive, the timeout comes first (80 < 100): the receiver times out, the
    // string stays in its mailbox. Had the string restarted the timer (deadline ~120), the number would win.
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(
        Effect.gen(function* () {
          yield* Process.sleep(40)
          yield* Process.send(me, 'junk')
          yield* Process.sleep(60)
          yield* Process.send(me, 42)
        })
      )
      const r = yield* Process.receive(
        Process.on(t.number, (n) => Effect.succeed(`got ${n}`)),
        Process.after(80, () => Effect.succeed('timeout'))
      )
      const junk = yield* drain()
      const late = yield* Process.receive(
        Process.on(t.number, (n) => Effect.succeed(n)),
        Process.after(2000, () => Effect.succeed(-1))
      )
      return { r, junk, late }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ r: 'timeout', junk: ['junk'], late: 42 }))
  })

  it('after(n): a matching message arriving during the wait is taken and the after handler never runs', async () => {
    let afterRuns = 0
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      // the sender runs only once the receiver is blocked in its receive
      yield* Process.spawn(Process.send(me, 42))
      const r = yield* Process.receive(
        Process.on(t.number, (n) => Effect.succeed(`got ${n}`)),
        Process.after(50, () =>
          Effect.sync(() => {
            afterRuns++
            return 'timeout'
          })
        )
      )
      // outlive the timeout: a stale timer must not run the handler later
      yield* Process.sleep(120)
      return r
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned('got 42'))
    expect(afterRuns).toBe(0)
  })

  it('receive(codec) with a transforming codec hands the decoded value to the caller', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      // 7 passes NumberFromString.is but not its decode: it must stay
      yield* Process.send(me, 7)
      yield* Process.send(me, '42')
      yield* Process.send(me, '5')
      const n = yield* Process.receive(NumberFromString)
      const m = yield* Process.receive(Process.on(NumberFromString, (k) => Effect.succeed(k + 1)))
      const rest = yield* drain()
      return { n, type: typeof n, m, rest }
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned({ n: 42, type: 'number', m: 6, rest: [7] }))
  })
})

describe('message order', () => {
  it('1000 messages from one sender arrive in the order sent', async () => {
    const N = 1000
    const collect = (k: number, acc: Array<number>): Effect.Effect<never, Array<number>> =>
      k === 0
        ? Effect.succeed(acc)
        : Effect.flatMap(Process.receive(t.number), (n) => {
            acc.push(n)
            return collect(k - 1, acc)
          })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(
        Effect.traverseArray((i: number) => Process.send(me, i))(Array.from({ length: N }, (_, i) => i))
      )
      return yield* collect(N, [])
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned(Array.from({ length: N }, (_, i) => i)))
  })

  it('with two senders interleaved, each sender keeps its own order', async () => {
    const N = 1000
    const Tagged = t.type({ from: t.string, i: t.number })
    type Tagged = t.TypeOf<typeof Tagged>
    const collect = (k: number, acc: Array<Tagged>): Effect.Effect<never, Array<Tagged>> =>
      k === 0
        ? Effect.succeed(acc)
        : Effect.flatMap(Process.receive(Tagged), (m) => {
            acc.push(m)
            return collect(k - 1, acc)
          })
    const sender = (me: Process.Pid<unknown>, from: string) =>
      Effect.traverseArray((i: number) => Process.send(me, { from, i }))(Array.from({ length: N }, (_, i) => i))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(sender(me, 'a'))
      yield* Process.spawn(sender(me, 'b'))
      return yield* collect(2 * N, [])
    })
    // a small budget makes the two senders take turns
    const all = valueOf(await Runtime.make({ budget: 50 }).run(program))
    const range = Array.from({ length: N }, (_, i) => i)
    expect(all.filter((m) => m.from === 'a').map((m) => m.i)).toEqual(range)
    expect(all.filter((m) => m.from === 'b').map((m) => m.i)).toEqual(range)
    // the senders really were interleaved: b's messages do not all come after a's
    const firstB = all.findIndex((m) => m.from === 'b')
    expect(firstB).toBeGreaterThanOrEqual(0)
    expect(firstB).toBeLessThan(N)
  })
})

describe('scan position', () => {
  it('a waiting receive decodes each new message once, not the whole mailbox again', async () => {
    const { seen, Wanted } = counting()
    const M = 10_000
    const rt = Runtime.make()
    const pid = rt.spawn(
      Effect.gen(function* () {
        const me = yield* Process.self
        for (let i = 0; i < M; i++) yield* Process.send(me, i)
        return yield* Process.receive(Wanted)
      })
    )
    const exited = new Promise<Exit.Reason>((resolve) => {
      const sub = rt.exits$.subscribe((e) => {
        if (e.pid === pid) {
          sub.unsubscribe()
          resolve(e.reason)
        }
      })
    })
    await untilWaiting(rt, pid)
    expect(rt.processes().find((p) => p.pid === pid)?.mailbox).toBe(M)
    const first = seen.length
    // the first scan decodes each of the 10,000 messages (once, maybe twice if both `is` and `validate` run)
    expect(first).toBeGreaterThanOrEqual(M)
    expect(first).toBeLessThanOrEqual(2 * M)
    for (let i = 0; i < 100; i++) {
      rt.send(pid, -i)
      // wait until the receiver has looked at the new message and blocked again
      await new Promise<void>((resolve) => setImmediate(resolve))
      await untilWaiting(rt, pid)
    }
    const more = seen.length - first
    expect(more).toBeGreaterThanOrEqual(100)
    expect(more).toBeLessThanOrEqual(200)
    expect(rt.processes().find((p) => p.pid === pid)?.mailbox).toBe(M + 100)
    rt.send(pid, 'wanted')
    expect(await exited).toEqual(Exit.returned('wanted'))
  })
})

describe('bad receive input', () => {
  it('throws a TypeError at construction', () => {
    expect(() =>
      Process.receive(
        Process.after(1, () => Effect.unit),
        Process.after(2, () => Effect.unit)
      )
    ).toThrow(TypeError)
    expect(() =>
      Process.receive(
        Process.after(1, () => Effect.unit),
        Process.after(2, () => Effect.unit)
      )
    ).toThrow(/at most one `after`/)
    expect(() => Process.receive(Process.on(t.number, Effect.succeed), 42 as never)).toThrow(TypeError)
    expect(() => Process.receive(Process.on(t.number, Effect.succeed), 42 as never)).toThrow(
      /argument 1 is not a clause/
    )
    expect(() => Process.receive({ _tag: 'A' } as never)).toThrow(TypeError)
    expect(() => Process.receive()).toThrow(TypeError)
    expect(() => Process.receive()).toThrow(/needs a codec, or at least one clause/)
    expect(() => Process.after(-1, () => Effect.unit)).toThrow(TypeError)
    expect(() => Process.after(-1, () => Effect.unit)).toThrow(/-1/)
    expect(() => Process.after(Number.NaN, () => Effect.unit)).toThrow(TypeError)
    expect(() => Process.on(42 as never, Effect.succeed)).toThrow(TypeError)
    expect(() => Process.on(t.number, 42 as never)).toThrow(TypeError)
  })
})

describe('mailbox codec', () => {
  const Ping = t.type({ _tag: t.literal('Ping'), n: t.number })

  it('a rejected message is a dead letter with the io-ts report; valid ones and EXIT/DOWN get through', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const child = Effect.gen(function* () {
      yield* Process.trapExit(true)
      const linked = yield* Process.spawnLink(Effect.fail('boom'))
      const [watched] = yield* Process.spawnMonitor(Effect.succeed(1))
      const exitMsg = yield* Process.receive(Exit.ExitSignal)
      const down = yield* Process.receive(Exit.Down)
      const ping = yield* Process.receive(Ping)
      const rest = yield* drain()
      return {
        exitFromLinked: exitMsg.from === linked,
        exitReason: exitMsg.reason,
        downOfWatched: down.pid === watched,
        downReason: down.reason,
        ping,
        rest
      }
    })
    const program = Effect.gen(function* () {
      const pid = yield* Process.spawnMonitor(child, { mailbox: Ping })
      yield* Process.send(pid[0], { _tag: 'Ping', n: 'one' } as never)
      yield* Process.send(pid[0], 'garbage' as never)
      yield* Process.send(pid[0], { _tag: 'Ping', n: 1 })
      const down = yield* Process.receive(Exit.Down)
      return { child: pid[0], reason: down.reason }
    })
    const { child: childPid, reason: childReason } = valueOf(await rt.run(program))
    expect(childReason).toEqual(
      Exit.returned({
        exitFromLinked: true,
        exitReason: Exit.failure('boom'),
        downOfWatched: true,
        downReason: Exit.returned(1),
        ping: { _tag: 'Ping', n: 1 },
        rest: []
      })
    )
    expect(letters.map((l) => [l.to === childPid, l.reason, l.message])).toEqual([
      [true, 'rejected', { _tag: 'Ping', n: 'one' }],
      [true, 'rejected', 'garbage']
    ])
    for (const l of letters) {
      expect(l.report).toBeDefined()
      expect((l.report ?? []).length).toBeGreaterThan(0)
      expect((l.report ?? []).join('\n')).toContain('Invalid value')
    }
    expect((letters[0]?.report ?? []).join('\n')).toContain('"one"')
  })

  it('rt.send from outside is checked by the mailbox codec too', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const pid = rt.spawn(
      Effect.flatMap(Process.receive(Ping), (p) => Effect.flatMap(drain(), (rest) => Effect.succeed({ p, rest }))),
      { mailbox: Ping }
    )
    const exited = new Promise<Exit.Reason>((resolve) =>
      rt.exits$.subscribe((e) => {
        if (e.pid === pid) resolve(e.reason)
      })
    )
    rt.send(pid, 'nope' as never)
    rt.send(pid, { _tag: 'Ping', n: 3 })
    expect(await exited).toEqual(Exit.returned({ p: { _tag: 'Ping', n: 3 }, rest: [] }))
    expect(letters).toHaveLength(1)
    expect(letters[0]?.reason).toBe('rejected')
    expect(letters[0]?.to).toBe(pid)
    expect(letters[0]?.message).toBe('nope')
    expect((letters[0]?.report ?? []).join('\n')).toContain('Invalid value "nope"')
  })
})

describe('dead letters and unknown names', () => {
  it('send to a dead pid succeeds and the message is a dead letter with reason noproc', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const program = Effect.gen(function* () {
      const [pid] = yield* Process.spawnMonitor(Effect.unit)
      yield* Process.receive(Exit.Down)
      const sent = yield* Effect.either(Process.send(pid, 'hello'))
      return { pid, sent }
    })
    const value = valueOf(await rt.run(program))
    expect(value.sent).toEqual(E.right(undefined))
    expect(letters).toHaveLength(1)
    expect(letters[0]?.to).toBe(value.pid)
    expect(letters[0]?.message).toBe('hello')
    expect(letters[0]?.reason).toBe('noproc')
  })

  it('send to an unregistered name fails with NoProcess', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const program = Effect.either(Process.send('nobody', 1))
    expect(await rt.run(program)).toEqual(Exit.returned(E.left({ _tag: 'NoProcess', dest: 'nobody' })))
    // uncaught, it ends the process with that typed failure
    expect(await rt.run(Process.send('nobody', 1))).toEqual(Exit.failure({ _tag: 'NoProcess', dest: 'nobody' }))
    // and what follows it does not run (a `flatMap` after a `send`, which the run loop runs in one go)
    let after = false
    const then = Effect.flatMap(Process.send('nobody', 1), () => Effect.sync(() => (after = true)))
    expect(await rt.run(then)).toEqual(Exit.failure({ _tag: 'NoProcess', dest: 'nobody' }))
    expect(after).toBe(false)
    expect(letters).toEqual([])
  })

  it('send to a registered name delivers', async () => {
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.register('me', me)
      yield* Process.send('me', 'hi')
      return yield* Process.receive(t.string)
    })
    expect(await Runtime.make().run(program)).toEqual(Exit.returned('hi'))
  })
})

describe('aliases', () => {
  it('a message to an alias gets past the mailbox codec; after unalias it is a dead letter', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const maker = Effect.gen(function* () {
      const a = yield* Process.alias()
      // another process replies through the alias with a string, which the number codec would reject
      yield* Process.spawn(Process.send(a, 'reply'))
      const reply = yield* Process.receive(t.string)
      const wasActive = yield* Process.unalias(a)
      const again = yield* Process.unalias(a)
      yield* Process.spawn(Process.send(a, 'late'))
      yield* Process.sleep(20)
      const rest = yield* drain()
      return { a, reply, wasActive, again, rest }
    })
    type Result = Effect.ValueOf<typeof maker>
    const down = valueOf(
      await rt.run(
        Effect.gen(function* () {
          yield* Process.spawnMonitor(maker, { mailbox: t.number })
          return (yield* Process.receive(Exit.Down)).reason
        })
      )
    )
    const result = valueOf(down as Exit.Reason<unknown, Result>)
    expect(result.reply).toBe('reply')
    expect(result.wasActive).toBe(true)
    expect(result.again).toBe(false)
    expect(result.rest).toEqual([])
    expect(letters).toHaveLength(1)
    expect(letters[0]?.to).toBe(result.a)
    expect(letters[0]?.message).toBe('late')
    expect(letters[0]?.reason).toBe('noproc')
  })

  it('a oneShot alias takes the first message only; later ones are dead letters', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const program = Effect.gen(function* () {
      const a = yield* Process.alias({ oneShot: true })
      yield* Process.send(a, 'first')
      yield* Process.send(a, 'second')
      const first = yield* Process.receive(t.string)
      const rest = yield* drain()
      const stillActive = yield* Process.unalias(a)
      return { a, first, rest, stillActive }
    })
    const value = valueOf(await rt.run(program))
    expect(value.first).toBe('first')
    expect(value.rest).toEqual([])
    expect(value.stillActive).toBe(false)
    expect(letters.map((l) => [l.to === value.a, l.message, l.reason])).toEqual([[true, 'second', 'noproc']])
  })

  it('several aliases: each is deactivated alone, only by its process, and all of them when it exits', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const Aliases = t.type({ a: Process.ref, b: Process.ref, c: Process.ref })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const owner = yield* Process.spawn(
        Effect.gen(function* () {
          const [a, b, c] = [yield* Process.alias(), yield* Process.alias(), yield* Process.alias()]
          yield* Process.send(me, { a, b, c })
          yield* Process.receive(t.literal('unalias b'))
          yield* Process.send(me, { b: yield* Process.unalias(b) })
          // through `a` and `c`, still active, to the caller
          yield* Process.send(me, yield* Process.receive(t.string))
          yield* Process.send(me, yield* Process.receive(t.string))
        })
      )
      const { a, b, c } = yield* Process.receive(Aliases)
      const byOther = yield* Process.unalias(b) // not this process's alias
      yield* Process.send(owner, 'unalias b')
      const unaliased = yield* Process.receive(t.type({ b: t.boolean }))
      yield* Process.send(b, 'to b')
      yield* Process.send(c, 'to c')
      yield* Process.send(a, 'to a')
      const through = [yield* Process.receive(t.string), yield* Process.receive(t.string)]
      yield* Process.sleep(5) // the owner has returned
      for (const ref of [a, b, c]) yield* Process.send(ref, 'after the exit')
      return { byOther, unaliased: unaliased.b, through, refs: [a, b, c] }
    })
    const value = valueOf(await rt.run(program))
    expect(value.byOther).toBe(false)
    expect(value.unaliased).toBe(true)
    expect(value.through).toEqual(['to c', 'to a'])
    const [a, b, c] = value.refs
    expect(letters.map((l) => [l.to === a ? 'a' : l.to === b ? 'b' : l.to === c ? 'c' : '?', l.message])).toEqual([
      ['b', 'to b'],
      ['a', 'after the exit'],
      ['b', 'after the exit'],
      ['c', 'after the exit']
    ])
  })

  it('a message to the alias of a process that has exited is a dead letter', async () => {
    const rt = Runtime.make()
    const letters: Array<Runtime.DeadLetter> = []
    rt.deadLetters$.subscribe((l) => letters.push(l))
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawnMonitor(Effect.flatMap(Process.alias(), (a) => Process.send(me, { alias: a })))
      const { alias } = yield* Process.receive(t.type({ alias: Process.ref }))
      yield* Process.receive(Exit.Down)
      yield* Process.send(alias, 'too late')
      return alias
    })
    const alias = valueOf(await rt.run(program))
    expect(letters.map((l) => [l.to === alias, l.message, l.reason])).toEqual([[true, 'too late', 'noproc']])
  })
})

describe('receive(codec) is one shared instruction', () => {
  it('processes blocked on the same instruction each take their own messages', async () => {
    const next = Process.receive(t.number)
    expect(Process.receive(t.number)).toBe(next)
    const rt = Runtime.make()
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      const worker = (k: number) =>
        Effect.gen(function* () {
          const a = yield* next
          const b = yield* next
          yield* Process.send(me, { k, sum: a + b })
        })
      const p1 = yield* Process.spawn(worker(1))
      const p2 = yield* Process.spawn(worker(2))
      yield* Process.send(p1, 1)
      yield* Process.send(p2, 10)
      yield* Process.send(p2, 20)
      yield* Process.send(p1, 2)
      const Done = t.type({ k: t.number, sum: t.number })
      const x = yield* Process.receive(Done)
      const y = yield* Process.receive(Done)
      return [x, y].sort((u, v) => u.k - v.k)
    })
    expect(await rt.run(program)).toEqual(
      Exit.returned([
        { k: 1, sum: 3 },
        { k: 2, sum: 30 }
      ])
    )
  })
})

describe('a decoder that is not an io-ts Type', () => {
  /** Decodes even numbers to their halves: a plain object with `decode`, as io-ts's `Decoder` interface describes it. */
  const Half: Decoder<unknown, number> = {
    name: 'Half',
    validate: (u, c) => (typeof u === 'number' && u % 2 === 0 ? t.success(u / 2) : t.failure(u, c)),
    decode: (u) => (typeof u === 'number' && u % 2 === 0 ? t.success(u / 2) : t.failure(u, []))
  }

  it('works as a clause and as a receive of its own, decoding what it takes', async () => {
    const rt = Runtime.make()
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      for (const m of [3, 8, 5, 10]) yield* Process.send(me, m)
      const a = yield* Process.receive(Process.on(Half, (n) => Effect.succeed(n)))
      const b = yield* Process.receive(Half)
      return [a, b, ...(yield* drain())]
    })
    expect(await rt.run(program)).toEqual(Exit.returned([4, 5, 3, 5]))
    await rt.shutdown()
  })

  it('an object without decode is refused, naming what it got', () => {
    expect(() => Process.on({ name: 'x' } as never, () => Effect.unit)).toThrow(
      'Process.on: expected an io-ts codec (with decode), got'
    )
  })
})

describe('receive(codec) hands its value straight back', () => {
  /** A generator process that sums `n` numbers taken one `yield* receive(t.number)` at a time, messages queued or not. */
  const summer = (n: number) =>
    Effect.gen(function* () {
      let sum = 0
      for (let i = 0; i < n; i++) sum = sum * 10 + (yield* Process.receive(t.number))
      return sum
    })

  it('with any budget, a slice ending at the receive or right after it: the same values, in order', async () => {
    for (const budget of [1, 2, 3, 4, 5, 7, 2000]) {
      const rt = Runtime.make({ budget })
      const program = Effect.gen(function* () {
        const [pid] = yield* Process.spawnMonitor(summer(6))
        // three queued before it runs (a mailbox), three after it waits (inline, one at a time)
        for (const d of [1, 2, 3]) yield* Process.send(pid, d)
        yield* Process.sleep(1)
        for (const d of [4, 5, 6]) yield* Process.send(pid, d)
        return yield* Process.receive(Exit.Down)
      })
      const down = valueOf(await rt.run(program))
      expect(down.reason, `budget ${budget}`).toEqual(Exit.returned(123456))
      await rt.shutdown()
    }
  })

  it('is traced as a receive of the message', async () => {
    const rt = Runtime.make()
    const received: Array<unknown> = []
    const sub = rt.events$.subscribe((e) => {
      if (e._tag === 'Receive') received.push(e.message)
    })
    const program = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.send(me, 7)
      yield* Process.send(me, 8)
      return (yield* Process.receive(t.number)) + (yield* Process.receive(t.number))
    })
    expect(await rt.run(program)).toEqual(Exit.returned(15))
    sub.unsubscribe()
    expect(received).toEqual([7, 8])
    await rt.shutdown()
  })

  it('a generator that throws right after it took the value dies with that defect, the message consumed', async () => {
    const rt = Runtime.make()
    const program = Effect.gen(function* () {
      const [pid] = yield* Process.spawnMonitor(
        Effect.gen(function* () {
          const n = yield* Process.receive(t.number)
          throw new Error(`got ${n}`)
        })
      )
      yield* Process.send(pid, 42)
      return yield* Process.receive(Exit.Down)
    })
    const down = valueOf(await rt.run(program))
    expect(Exit.format(down.reason)).toContain('got 42')
    await rt.shutdown()
  })
})

describe('a process holding one message (kept without a mailbox)', () => {
  it('an unmatched single message stays first; one that matches later is taken; each decoded once per receive', async () => {
    const { seen, Wanted } = counting()
    const rt = Runtime.make()
    const pid = rt.spawn(
      Effect.gen(function* () {
        const got = yield* Process.receive(Wanted)
        // what is left, in order, without waiting
        return { got, left: yield* drain() }
      })
    )
    await untilWaiting(rt, pid)
    rt.send(pid, 'first')
    await new Promise<void>((resolve) => setImmediate(resolve))
    await untilWaiting(rt, pid)
    expect(rt.processes().find((p) => p.pid === pid)?.mailbox).toBe(1)
    rt.send(pid, 'second')
    await new Promise<void>((resolve) => setImmediate(resolve))
    await untilWaiting(rt, pid)
    const done = new Promise<Exit.Reason>((resolve) => {
      const sub = rt.exits$.subscribe((e) => {
        if (e.pid === pid) {
          sub.unsubscribe()
          resolve(e.reason)
        }
      })
    })
    rt.send(pid, 'wanted')
    expect(await done).toEqual(Exit.returned({ got: 'wanted', left: ['first', 'second'] }))
    // 'first' and 'second' decoded once each by the waiting receive, 'wanted' once
    expect(seen).toEqual(['first', 'second', 'wanted'])
  })

  it('a timer waking the receive does not decode the unmatched message again; the after clause runs', async () => {
    const { seen, Wanted } = counting()
    const rt = Runtime.make()
    const r = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.send(me, 'other')
        const v = yield* Process.receive(
          Process.on(Wanted, (w) => Effect.succeed(w as string)),
          Process.after(20, () => Effect.succeed('timeout'))
        )
        return { v, left: yield* drain() }
      })
    )
    expect(r).toEqual(Exit.returned({ v: 'timeout', left: ['other'] }))
    expect(seen).toEqual(['other'])
  })

  it('messages and mailbox size are reported alike with one message or many', async () => {
    const rt = Runtime.make()
    const pid = rt.spawn(Process.receive(t.string))
    await untilWaiting(rt, pid)
    rt.send(pid, 1)
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(rt.processes().find((p) => p.pid === pid)?.mailbox).toBe(1)
    rt.send(pid, 2)
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(rt.processes().find((p) => p.pid === pid)?.mailbox).toBe(2)
    const dead: Array<unknown> = []
    const sub = rt.deadLetters$.subscribe((d) => dead.push(d.message))
    await rt.shutdown()
    sub.unsubscribe()
    expect(dead).toEqual([1, 2])
  })
})

describe('a fresh receive of one clause over a mailbox', () => {
  const run = (messages: ReadonlyArray<string>) => {
    const { seen, Wanted } = counting()
    const result = Runtime.make().run(
      Effect.gen(function* () {
        const me = yield* Process.self
        for (const m of messages) yield* Process.send(me, m)
        const got = yield* Process.receive(Process.on(Wanted, (w) => Effect.succeed(w)))
        return { got, left: yield* drain() }
      })
    )
    return { seen, result }
  }

  it('takes the oldest message when the clause does, deciding once', async () => {
    const { seen, result } = run(['wanted', 'a', 'b'])
    expect(await result).toEqual(Exit.returned({ got: 'wanted', left: ['a', 'b'] }))
    expect(seen).toEqual(['wanted'])
  })

  it('else goes on from the next: each message decoded once, the others kept in order', async () => {
    const { seen, result } = run(['a', 'b', 'wanted', 'c'])
    expect(await result).toEqual(Exit.returned({ got: 'wanted', left: ['a', 'b', 'c'] }))
    expect(seen).toEqual(['a', 'b', 'wanted'])
  })
})

describe('a continuation that returns no Effect', () => {
  it('a receive handler returning undefined is a defect naming it, not a hang', async () => {
    const r = await Runtime.make().run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Process.send(me, 1)
        return yield* Process.receive(Process.on(t.number, () => undefined as never))
      })
    )
    expect(r._tag).toBe('Defect')
    expect(String((r as { defect: unknown }).defect)).toMatch(/expected an Effect, got undefined/)
  })

  it('a flatMap continuation returning undefined is a defect naming it', async () => {
    const r = await Runtime.make().run(Effect.flatMap(Effect.succeed(1), () => undefined as never))
    expect(r._tag).toBe('Defect')
    expect(String((r as { defect: unknown }).defect)).toMatch(/expected an Effect, got undefined/)
  })
})
