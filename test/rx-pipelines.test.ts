import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import { of, Subject, take, takeUntil } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { Effect, Exit, Process, Runtime, Rx, TestRuntime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'

// Processes in RxJS pipelines (fromProcess, sendTo, ask), as
// marble tests on one clock: TestRuntime.make({ seed, testScheduler }).

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))

/** Runs `body` as a marble test on a test runtime that shares the scheduler's clock. */
const marbles = (
  seed: number,
  body: (rt: TestRuntime.TestRuntime, helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0]) => void
): TestRuntime.TestRuntime => {
  const ts = scheduler()
  let made: TestRuntime.TestRuntime | undefined
  ts.run((helpers) => {
    made = TestRuntime.make({ seed, testScheduler: ts })
    body(made, helpers)
  })
  return made as TestRuntime.TestRuntime
}

const SEEDS = [1, 2, 3, 42]

const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })

/**
 * A server that answers each request `n` with `n * 10` after `delay(n)` ms,
 * each in a process of its own (so requests overlap); `load` records how
 * many are being handled at once.
 */
const server = (delay: (n: number) => number, load: { now: number; max: number }): Effect.Effect<never, never> =>
  Process.receive(
    Process.on(Req, (m) =>
      Effect.flatMap(
        Process.spawn(
          Effect.gen(function* () {
            yield* Effect.sync(() => {
              load.now++
              load.max = Math.max(load.max, load.now)
            })
            yield* Process.sleep(delay(m.n))
            yield* Effect.sync(() => load.now--)
            yield* Rx.reply(m.replyTo, m.n * 10)
          })
        ),
        () => server(delay, load)
      )
    )
  )

const request = (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo })

// -------------------------------------------------------------------------------------
// one clock
// -------------------------------------------------------------------------------------

describe('TestRuntime on a TestScheduler', () => {
  it('reads the time from the scheduler and fires process timers as its actions', () => {
    const seen: Array<number> = []
    const rt = marbles(1, (rt) => {
      rt.spawn(
        Effect.gen(function* () {
          yield* Process.sleep(7)
          seen.push(rt.now)
          yield* Process.receive(Process.after(5, () => Effect.unit))
          seen.push(rt.now)
        })
      )
    })
    expect(seen).toEqual([7, 12])
    expect(rt.now).toBe(12)
  })

  it('refuses advance, runSync and run: time moves with the scheduler', () => {
    marbles(1, (rt) => {
      expect(() => rt.advance(1)).toThrow(
        "TestRuntime.advance: this runtime's time follows its testScheduler; move time with the scheduler (run, flush)"
      )
      expect(() => rt.runSync(Effect.unit)).toThrow('TestRuntime.runSync: ')
      expect(() => rt.run(Effect.unit)).toThrow('TestRuntime.run: ')
      expect(rt.processes()).toEqual([])
    })
  })

  it('checks the testScheduler option', () => {
    expect(() => TestRuntime.make({ seed: 1, testScheduler: {} as never })).toThrow(
      'TestRuntime.make: testScheduler must be an RxJS scheduler (a TestScheduler), with now and schedule'
    )
  })
})

// -------------------------------------------------------------------------------------
// fromProcess
// -------------------------------------------------------------------------------------

describe('fromProcess', () => {
  it.each(SEEDS)('emits what the process emits, when it emits it, and completes when it returns (seed %i)', (seed) => {
    marbles(seed, (rt, { expectObservable }) => {
      const obs = Rx.fromProcess<number, never, void>(rt, (emit) =>
        Effect.gen(function* () {
          yield* emit(1)
          yield* Process.sleep(2)
          yield* emit(2)
          yield* Process.sleep(3)
          yield* emit(3)
        })
      )
      expectObservable(obs).toBe('a 1ms b 2ms (c|)', { a: 1, b: 2, c: 3 })
    })
  })

  it('errors with the exit reason of an abnormal exit', () => {
    marbles(1, (rt, { expectObservable }) => {
      const failing = Rx.fromProcess<string, string, never>(rt, (emit) =>
        Effect.flatMap(emit('a'), () => Effect.flatMap(Process.sleep(2), () => Effect.fail('boom')))
      )
      expectObservable(failing).toBe('a 1ms #', { a: 'a' }, Exit.failure('boom'))
      const boom = new Error('thrown')
      const throwing = Rx.fromProcess<string>(rt, () =>
        Effect.flatMap(Process.sleep(1), () =>
          Effect.sync(() => {
            throw boom
          })
        )
      )
      expectObservable(throwing).toBe('-#', undefined, Exit.defect(boom))
      const exiting = Rx.fromProcess<string>(rt, () => Process.exit(Exit.custom('bye')))
      expectObservable(exiting).toBe('#', undefined, Exit.custom('bye'))
    })
  })

  it.each(SEEDS)('unsubscribing ends the process with shutdown and runs its finalizer (seed %i)', (seed) => {
    const log: Array<string> = []
    const pids: Array<Pid<unknown>> = []
    const rt = marbles(seed, (rt, { expectObservable }) => {
      const ticking = Rx.fromProcess<number, never, never>(rt, (emit) => {
        const loop = (i: number): Effect.Effect<never, never> =>
          Effect.flatMap(emit(i), () => Effect.flatMap(Process.sleep(1), () => loop(i + 1)))
        return Effect.flatMap(
          Process.self,
          (me) => (
            pids.push(me),
            Effect.onExit(loop(0), (r) => Effect.sync(() => log.push(`finalizer at ${rt.now}: ${Exit.format(r)}`)))
          )
        )
      })
      expectObservable(ticking, '^--!').toBe('abc', { a: 0, b: 1, c: 2 })
    })
    expect(log).toEqual(['finalizer at 3: :shutdown'])
    expect(rt.processes()).toEqual([])
    const [pid] = pids
    expect(rt.trace.filter((e) => e._tag === 'Exit')).toEqual([
      { _tag: 'Exit', pid, reason: Exit.shutdown, cause: { _tag: 'Signal', from: pid } }
    ])
  })

  it('unsubscribing ends a process that traps exits too', () => {
    const log: Array<string> = []
    const rt = marbles(1, (rt, { expectObservable }) => {
      const trapping = Rx.fromProcess<string, never, void>(rt, (emit) =>
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          yield* emit('up')
          yield* Effect.ensuring(
            Process.receive(Process.on(t.unknown, (m) => Effect.sync(() => log.push(`got ${JSON.stringify(m)}`)))),
            Effect.sync(() => log.push(`cleaned up at ${rt.now}`))
          )
        })
      )
      expectObservable(trapping, '^----!').toBe('a', { a: 'up' })
    })
    expect(log).toEqual(['cleaned up at 5'])
    expect(rt.processes()).toEqual([])
  })

  it('take(n) unsubscribes inside emit: the process stops right after it, before its next step', () => {
    const log: Array<string> = []
    marbles(1, (rt, { expectObservable }) => {
      const obs = Rx.fromProcess<number, never, void>(rt, (emit) =>
        Effect.ensuring(
          Effect.gen(function* () {
            yield* emit(1)
            log.push('after 1')
            yield* emit(2)
            log.push('after 2')
            yield* emit(3)
          }),
          Effect.sync(() => log.push('finalizer'))
        )
      )
      expectObservable(obs.pipe(take(2))).toBe('(ab|)', { a: 1, b: 2 })
    })
    expect(log).toEqual(['after 1', 'finalizer'])
  })

  // LIB BUG (fiber.ts run loop): an interruption that arrives while the process runs an `Effect.sync`
  // (here: the notifier fires inside it, takeUntil unsubscribes, fromProcess interrupts the process) is
  // only taken at the next PRIM/SYSCALL; a process that next blocks in a receive waits forever, exiting.
  it('takeUntil a notifier the process fires itself from Effect.sync: the process ends there', () => {
    const log: Array<string> = []
    const rt = marbles(1, (rt, { expectObservable }) => {
      const stop = new Subject<void>()
      const obs = Rx.fromProcess<number>(rt, (emit) =>
        Effect.ensuring(
          Effect.gen(function* () {
            yield* emit(1)
            yield* Effect.sync(() => stop.next())
            yield* Process.receive(t.string)
            log.push('received')
          }),
          Effect.sync(() => log.push(`finalizer at ${rt.now}`))
        )
      )
      expectObservable(obs.pipe(takeUntil(stop))).toBe('(a|)', { a: 1 })
    })
    expect(log).toEqual(['finalizer at 0'])
    expect(rt.processes()).toEqual([])
  })

  it('each subscription spawns its own process; options.name registers it', () => {
    const checked: Array<string> = []
    marbles(1, (rt, { expectObservable }) => {
      const named = Rx.fromProcess<string>(
        rt,
        (emit) =>
          Effect.gen(function* () {
            const found = yield* Process.whereis('ticker')
            yield* emit(found._tag === 'Some' ? String(found.value) : 'none')
            yield* Process.sleep(1)
          }),
        { name: 'ticker' }
      )
      const anon = Rx.fromProcess<string>(rt, (emit) => Effect.flatMap(Process.self, (me) => emit(String(me))))
      expectObservable(named).toBe('a|', { a: '#PID<0.1.0>' })
      expectObservable(anon).toBe('(a|)', { a: '#PID<0.2.0>' })
      expectObservable(anon).toBe('(a|)', { a: '#PID<0.3.0>' })
      expectObservable(named).toBe(
        '#',
        undefined,
        new Error('Rx.fromProcess: the name "ticker" is already registered to #PID<0.1.0>')
      )
      checked.push('ran')
    })
    expect(checked).toEqual(['ran'])
  })

  it('checks its arguments', () => {
    const rt = Runtime.make()
    expect(() => Rx.fromProcess(rt, 42 as never)).toThrow(
      'Rx.fromProcess: expected a function (emit) => Effect, got number 42'
    )
    expect(() => Rx.fromProcess(rt, () => Effect.unit, { name: '' })).toThrow(
      'Rx.fromProcess: options.name must be a non-empty string, got ""'
    )
    expect(() => Rx.fromProcess(rt, () => Effect.unit, { mailbox: {} as never })).toThrow(
      'Rx.fromProcess: options.mailbox must be an io-ts codec, got object [object Object]'
    )
    expect(() => Rx.fromProcess({} as Runtime.Runtime, () => Effect.unit)).toThrow(
      'expected a Runtime made by Runtime.make'
    )
    const errors: Array<unknown> = []
    Rx.fromProcess(rt, () => 'not an effect' as never).subscribe({ error: (e: unknown) => errors.push(e) })
    expect(errors).toEqual([new TypeError('Rx.fromProcess: the body must return an Effect, got "not an effect"')])
  })

  it('works on the production runtime', async () => {
    const rt = Runtime.make()
    const values: Array<number> = []
    await new Promise<void>((resolve, reject) => {
      Rx.fromProcess<number, never, void>(rt, (emit) =>
        Effect.gen(function* () {
          for (let i = 1; i <= 3; i++) {
            yield* emit(i)
            yield* Process.sleep(1)
          }
        })
      ).subscribe({ next: (n) => values.push(n), error: reject, complete: resolve })
    })
    expect(values).toEqual([1, 2, 3])
    expect(rt.processes()).toEqual([])
  })
})

// -------------------------------------------------------------------------------------
// sendTo
// -------------------------------------------------------------------------------------

/** A process that records `[time, message]` for each message until it has `n`. */
const collector = (rt: TestRuntime.TestRuntime, n: number, got: Array<readonly [number, unknown]>) => {
  const loop = (left: number): Effect.Effect<never, void> =>
    left === 0
      ? Effect.unit
      : Process.receive(
          Process.on(t.unknown, (m) =>
            Effect.flatMap(
              Effect.sync(() => got.push([rt.now, m])),
              () => loop(left - 1)
            )
          )
        )
  return loop(n)
}

describe('sendTo', () => {
  it.each(SEEDS)('sends each value as it passes, and passes it on (seed %i)', (seed) => {
    const got: Array<readonly [number, unknown]> = []
    marbles(seed, (rt, { cold, expectObservable }) => {
      const sink = rt.spawn(collector(rt, 3, got))
      const source = cold('a-b-c|', { a: 1, b: 2, c: 3 })
      expectObservable(source.pipe(Rx.sendTo(rt, sink))).toBe('a-b-c|', { a: 1, b: 2, c: 3 })
    })
    expect(got).toEqual([
      [0, 1],
      [2, 2],
      [4, 3]
    ])
  })

  it('a value the mailbox codec rejects, or one to a dead pid, is a dead letter; the pipeline goes on', () => {
    const got: Array<readonly [number, unknown]> = []
    const letters: Array<Runtime.DeadLetter> = []
    marbles(1, (rt, { cold, expectObservable }) => {
      rt.deadLetters$.subscribe((l) => letters.push(l))
      const sink = rt.spawn(collector(rt, 2, got), { mailbox: t.number })
      const source = cold<unknown>('a-b-c-d|', { a: 1, b: 'x', c: 2, d: 3 })
      // the types stop a string on its way to a Pid<number>; from untyped code it is a dead letter
      expectObservable(source.pipe(Rx.sendTo(rt, sink as Pid<unknown>))).toBe('a-b-c-d|', { a: 1, b: 'x', c: 2, d: 3 })
      // @ts-expect-error: an Observable<string> cannot be piped to a Pid<number>
      cold<string>('').pipe(Rx.sendTo(rt, sink))
    })
    expect(got).toEqual([
      [0, 1],
      [4, 2]
    ])
    expect(letters.map((l) => [l.reason, l.message, l.report])).toEqual([
      ['rejected', 'x', ['Invalid value "x" supplied to : number']],
      ['noproc', 3, undefined]
    ])
  })

  it('to a registered name; an unregistered name errors the stream', () => {
    const got: Array<readonly [number, unknown]> = []
    marbles(1, (rt, { cold, expectObservable }) => {
      rt.spawn(
        Effect.flatMap(Process.self, (me) => Effect.flatMap(Process.register('sink', me), () => collector(rt, 1, got)))
      )
      expectObservable(cold('-a|', { a: 'hi' }).pipe(Rx.sendTo(rt, 'sink'))).toBe('-a|', { a: 'hi' })
      expectObservable(cold('--a|', { a: 'lost' }).pipe(Rx.sendTo(rt, 'nobody'))).toBe(
        '--#',
        undefined,
        new Rx.NotRegistered('Rx.sendTo', 'nobody', 'lost')
      )
    })
    expect(got).toEqual([[1, 'hi']])
    expect(new Rx.NotRegistered('Rx.sendTo', 'nobody', 'lost').message).toBe(
      'Rx.sendTo: no process is registered as "nobody" (the value "lost" was not sent)'
    )
  })

  it('checks its destination', () => {
    const rt = Runtime.make()
    expect(() => Rx.sendTo(rt, 42 as never)).toThrow(
      'Rx.sendTo: expected a Pid, an alias Ref or a registered name (string), got number 42'
    )
    expect(() => Rx.sendTo(rt, '')).toThrow(
      'Rx.sendTo: expected a Pid, an alias Ref or a registered name (string), got ""'
    )
  })
})

// -------------------------------------------------------------------------------------
// ask
// -------------------------------------------------------------------------------------

describe('ask', () => {
  const delays: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 1 }

  it.each(SEEDS)('keeps at most `concurrency` requests in flight and emits in input order (seed %i)', (seed) => {
    const load = { now: 0, max: 0 }
    marbles(seed, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server((n) => delays[n] ?? 0, load))
      const out = cold('(abcd|)', { a: 1, b: 2, c: 3, d: 4 }).pipe(Rx.ask(rt, pid, request, { concurrency: 2 }))
      // 1 takes 4 ms; 2, 3 and 4 take 1 ms each, one after the other beside it; all wait for 1
      expectObservable(out).toBe('----(wxyz|)', { w: 10, x: 20, y: 30, z: 40 })
    })
    expect(load.max).toBe(2)
  })

  it('with concurrency 1, one request at a time', () => {
    const load = { now: 0, max: 0 }
    marbles(1, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server((n) => delays[n] ?? 0, load))
      const out = cold('(abcd|)', { a: 1, b: 2, c: 3, d: 4 }).pipe(Rx.ask(rt, pid, request, { concurrency: 1 }))
      expectObservable(out).toBe('----wxy(z|)', { w: 10, x: 20, y: 30, z: 40 })
    })
    expect(load.max).toBe(1)
  })

  it('answers that come in reverse order are emitted in input order', () => {
    marbles(1, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server((n) => 4 - n, { now: 0, max: 0 }))
      const out = cold('(abc|)', { a: 1, b: 2, c: 3 }).pipe(Rx.ask(rt, pid, request, { concurrency: 3 }))
      expectObservable(out).toBe('---(xyz|)', { x: 10, y: 20, z: 30 })
    })
  })

  it('values that arrive over time: a late value waits for a free slot', () => {
    const load = { now: 0, max: 0 }
    marbles(1, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server(() => 3, load))
      const source = cold('a-b-c|', { a: 1, b: 2, c: 3 })
      // one slot: 1 is asked at 0 (answered at 3); 2 comes at 2 and waits: 3 -> 6; 3 comes at 4 and waits: 6 -> 9
      expectObservable(source.pipe(Rx.ask(rt, pid, request, { concurrency: 1 }))).toBe('---x--y--(z|)', {
        x: 10,
        y: 20,
        z: 30
      })
      // two slots: 1 at 0 -> 3; 2 at 2 -> 5; 3 comes at 4, when 1's slot is free again: 4 -> 7
      expectObservable(source.pipe(Rx.ask(rt, pid, request, { concurrency: 2 }))).toBe('---x-y-(z|)', {
        x: 10,
        y: 20,
        z: 30
      })
    })
    expect(load.max).toBe(3)
  })

  it.each(SEEDS)('a timeout errors the stream naming the value; its late answer is a dead letter (seed %i)', (seed) => {
    const letters: Array<Runtime.DeadLetter> = []
    let dest: Pid<unknown> | undefined
    marbles(seed, (rt, { cold, expectObservable }) => {
      rt.deadLetters$.subscribe((l) => letters.push(l))
      const pid = rt.spawn(server((n) => (n === 2 ? 100 : 1), { now: 0, max: 0 }))
      dest = pid
      const out = cold('(abc|)', { a: 1, b: 2, c: 3 }).pipe(Rx.ask(rt, pid, request, { concurrency: 2, timeout: 5 }))
      expectObservable(out).toBe('-a---#', { a: 10 }, new Rx.AskTimeout(2, 5, pid))
    })
    expect(new Rx.AskTimeout(2, 5, dest as Pid<unknown>).message).toBe(
      'Rx.ask: no reply within 5 ms to the request for 2 (sent to #PID<0.1.0>)'
    )
    // 3 was answered at 2 (held behind 2), 2's answer came at 100: after the stream ended
    expect(letters.map((l) => [l.reason, l.message])).toEqual([['noproc', 20]])
  })

  it('a request to a registered name; an unregistered name errors the stream', () => {
    marbles(1, (rt, { cold, expectObservable }) => {
      rt.spawn(
        Effect.flatMap(Process.self, (me) =>
          Effect.flatMap(Process.register('tens', me), () => server(() => 1, { now: 0, max: 0 }))
        )
      )
      expectObservable(cold('a|', { a: 7 }).pipe(Rx.ask(rt, 'tens', request))).toBe('-(a|)', { a: 70 })
      expectObservable(cold('a|', { a: 7 }).pipe(Rx.ask(rt, 'nobody', request))).toBe(
        '#',
        undefined,
        new Rx.NotRegistered('Rx.ask', 'nobody', 7)
      )
    })
  })

  it('a request the server never answers times out; a rejected request fails at once and is a dead letter', () => {
    const letters: Array<Runtime.DeadLetter> = []
    marbles(1, (rt, { cold, expectObservable }) => {
      rt.deadLetters$.subscribe((l) => letters.push(l))
      const silent = rt.spawn(Process.receive(Process.on(t.never, () => Effect.unit)))
      expectObservable(cold('a|', { a: 1 }).pipe(Rx.ask(rt, silent, request, { timeout: 10 }))).toBe(
        '----------#',
        undefined,
        new Rx.AskTimeout(1, 10, silent)
      )
    })
    expect(letters).toEqual([])
    const rt = TestRuntime.make({ seed: 1 })
    rt.deadLetters$.subscribe((l) => letters.push(l))
    // a pid whose codec takes strings, seen as untyped so that the wrong request compiles
    const picky: Pid<unknown> = rt.spawn(Process.receive(Process.on(t.never, () => Effect.unit)), { mailbox: t.string })
    const errors: Array<unknown> = []
    of(1)
      .pipe(Rx.ask(rt, picky, request, { timeout: 10 }))
      .subscribe({ error: (e: unknown) => errors.push(e) })
    expect(errors).toHaveLength(1)
    const failed = errors[0] as Rx.AskFailed
    expect(failed).toBeInstanceOf(Rx.AskFailed)
    expect(failed.value).toBe(1)
    expect(failed.reason).toEqual(Exit.custom({ rejected: [expect.stringMatching(/supplied to : string$/)] }))
    expect(letters.map((l) => l.reason)).toEqual(['rejected'])
  })

  it('an empty source completes at once; a source error passes through', () => {
    marbles(1, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server(() => 1, { now: 0, max: 0 }))
      expectObservable(cold<number>('|').pipe(Rx.ask(rt, pid, request))).toBe('|')
      expectObservable(cold<number>('a#', { a: 1 }, 'upstream').pipe(Rx.ask(rt, pid, request))).toBe(
        '-#',
        undefined,
        'upstream'
      )
    })
  })

  it('a throwing request function errors the stream', () => {
    marbles(1, (rt, { cold, expectObservable }) => {
      const pid = rt.spawn(server(() => 1, { now: 0, max: 0 }))
      const bad = new Error('bad request')
      const out = cold('a|', { a: 1 }).pipe(
        Rx.ask(rt, pid, (): unknown => {
          throw bad
        })
      )
      expectObservable(out).toBe('#', undefined, bad)
    })
  })

  it('unsubscribing deactivates the reply aliases: answers after it are dead letters', () => {
    const letters: Array<Runtime.DeadLetter> = []
    marbles(1, (rt, { cold, expectObservable }) => {
      rt.deadLetters$.subscribe((l) => letters.push(l))
      const pid = rt.spawn(server(() => 5, { now: 0, max: 0 }))
      const out = cold('(ab|)', { a: 1, b: 2 }).pipe(Rx.ask(rt, pid, request, { concurrency: 2 }))
      expectObservable(out, '^-!').toBe('')
    })
    expect(letters.map((l) => [l.reason, l.message])).toEqual([
      ['noproc', 10],
      ['noproc', 20]
    ])
  })

  it('checks its arguments', () => {
    const rt = Runtime.make()
    expect(() => Rx.ask(rt, 42 as never, request)).toThrow(
      'Rx.ask: expected a Pid, an alias Ref or a registered name (string), got number 42'
    )
    expect(() => Rx.ask(rt, 'x', 'f' as never)).toThrow(
      'Rx.ask: expected a function (value, replyTo) => message, got "f"'
    )
    expect(() => Rx.ask(rt, 'x', request, { concurrency: 0 })).toThrow(
      'Rx.ask: options.concurrency must be an integer >= 1 (or Infinity), got number 0'
    )
    expect(() => Rx.ask(rt, 'x', request, { timeout: -1 })).toThrow(
      'Rx.ask: options.timeout: expected a number of milliseconds >= 0 (or Infinity), got number -1'
    )
  })
})
