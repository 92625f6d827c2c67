import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { interval, Observable, of, Subject, take, throwError } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { Effect, Exit, Process, Runtime, Rx, TestKit, TestRuntime } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'

// An Observable inside a process (Rx.subscribe): notifications
// as messages, bounded with an overflow policy, gone when the process is.

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))

type Helpers = Parameters<Parameters<TestScheduler['run']>[0]>[0]

const marbles = (
  seed: number,
  body: (rt: TestRuntime.TestRuntime, helpers: Helpers) => void
): TestRuntime.TestRuntime => {
  const ts = scheduler()
  let made: TestRuntime.TestRuntime | undefined
  ts.run((helpers) => {
    made = TestRuntime.make({ seed, testScheduler: ts })
    body(made, helpers)
  })
  return made as TestRuntime.TestRuntime
}

const errorText = (e: unknown): string => (e instanceof Rx.Overflow ? `overflow ${e.bound}` : String(e))

/**
 * A process that subscribes to `source` and relays what it receives: each
 * `Next` value is emitted, then it sleeps `slow` ms before the next receive;
 * `Complete` ends it normally; `Error` ends it with `custom(error text)`.
 */
const relay = (
  rt: Runtime.Runtime,
  source: Observable<string>,
  options?: Rx.SubscribeOptions,
  slow = 0,
  spawn?: Rx.FromProcessOptions<number>
): Observable<string> =>
  Rx.fromProcess<string, Exit.Exiting, void, number>(
    rt,
    (emit) => {
      const loop: Effect.Effect<Exit.Exiting, void> = Effect.flatMap(
        Process.receive(Rx.Notification(t.string)),
        (n) => {
          switch (n._tag) {
            case 'Next':
              return Effect.flatMap(emit(n.value), () =>
                Effect.flatMap(slow > 0 ? Process.sleep(slow) : Effect.unit, () => loop)
              )
            case 'Complete':
              return Effect.unit
            case 'Error':
              return Process.exit(Exit.custom(errorText(n.error)))
          }
        }
      )
      return Effect.flatMap(Rx.subscribe(source, options), () => loop)
    },
    spawn
  )

const SEEDS = [1, 2, 3, 42]

// -------------------------------------------------------------------------------------
// notifications
// -------------------------------------------------------------------------------------

describe('subscribe', () => {
  it.each(SEEDS)('delivers Next and Complete to the mailbox as they happen (seed %i)', (seed) => {
    marbles(seed, (rt, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c|')
      expectObservable(relay(rt, source)).toBe('a-b-c|')
      expectSubscriptions(source.subscriptions).toBe('^----!')
    })
  })

  it('delivers Error, and comes past the mailbox codec', () => {
    marbles(1, (rt, { cold, expectObservable }) => {
      const source = cold('a-#', undefined, 'bad')
      expectObservable(relay(rt, source, {}, 0, { mailbox: t.number })).toBe('a-#', undefined, Exit.custom('bad'))
    })
  })

  it('notifications carry the subscription ref; codecs for each kind', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const r = rt.runSync(
      Effect.gen(function* () {
        const sub = yield* Rx.subscribe(of(1, 2))
        const a = yield* Process.receive(Rx.NextNotification(t.number))
        const b = yield* Process.receive(Rx.NextNotification(t.number))
        const c = yield* Process.receive(Rx.CompleteNotification)
        const e = yield* Rx.subscribe(throwError(() => 'x'))
        const d = yield* Process.receive(Rx.ErrorNotification)
        return [
          a.value,
          b.value,
          c._tag,
          d.error,
          a.ref === sub.ref,
          c.ref === sub.ref,
          d.ref === e.ref,
          d.ref === sub.ref
        ]
      })
    )
    expect(r).toEqual(Exit.returned([1, 2, 'Complete', 'x', true, true, true, false]))
  })

  it('the handle unsubscribes: the source is left, no more notifications', () => {
    marbles(1, (rt, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d|')
      const got = Rx.fromProcess<string>(rt, (emit) =>
        Effect.gen(function* () {
          const sub = yield* Rx.subscribe(source)
          for (let i = 0; i < 2; i++) {
            const n = yield* Process.receive(Rx.NextNotification(t.string))
            yield* emit(n.value)
          }
          yield* sub.unsubscribe
          yield* Process.receive(
            Process.on(Rx.Notification(t.string), (n) => emit(`late ${n._tag}`)),
            Process.after(10, () => Effect.unit)
          )
        })
      )
      expectObservable(got).toBe('a-b 9ms |')
      expectSubscriptions(source.subscriptions).toBe('^-!')
    })
  })

  it('works under TestKit', () => {
    const kit = TestKit.spawn(
      Effect.gen(function* () {
        yield* Rx.subscribe(of('x', 'y'))
        const got: Array<string> = []
        for (;;) {
          const n = yield* Process.receive(Rx.Notification(t.string))
          if (n._tag !== 'Next') return got
          got.push(n.value)
        }
      })
    )
    expect(kit.exit).toEqual(O.some(Exit.returned(['x', 'y'])))
  })

  it('under TestKit, a dropped notification is a dead letter (not an error) and the exit of the process ends the subscription', () => {
    const source = new Subject<number>()
    const kit = TestKit.spawn(
      Effect.flatMap(Rx.subscribe(source, { bound: 1, overflow: 'dropNewest' }), () =>
        Process.receive(Process.after(10, () => Effect.unit))
      )
    )
    source.next(1)
    source.next(2)
    expect(kit.errors()).toEqual([])
    expect(kit.deadLetters()).toEqual([
      { to: kit.pid, message: { _tag: 'Next', value: 2, ref: expect.anything() }, reason: 'overflow' }
    ])
    kit.advance(10)
    expect(kit.exit).toEqual(O.some(Exit.normal))
    expect(source.observed).toBe(false)
  })

  it('checks its arguments', () => {
    expect(() => Rx.subscribe([1, 2] as never)).toThrow('Rx.subscribe: expected an Observable, got object 1,2')
    expect(() => Rx.subscribe(of(1), { bound: 0 })).toThrow(
      'Rx.subscribe: options.bound must be an integer >= 1 (or Infinity), got number 0'
    )
    expect(() => Rx.subscribe(of(1), { overflow: 'dropAll' as never })).toThrow(
      `Rx.subscribe: options.overflow must be 'dropOldest', 'dropNewest' or 'fail', got "dropAll"`
    )
  })
})

// -------------------------------------------------------------------------------------
// bounded: the overflow policies
// -------------------------------------------------------------------------------------

/**
 * The source emits a..f at 0..5 and completes at 6; the process takes one
 * notification every 2 ms, starting at 0 (a at 0, b at 2, ...), so with a
 * bound of 2, `e` (at 4) finds c and d still waiting: the one overflow. The
 * notifications already received (a, b) do not count.
 */
describe('subscribe with a bound', () => {
  const overflowed = (rt: TestRuntime.TestRuntime): Array<unknown> =>
    rt.trace.flatMap((e) => (e._tag === 'DeadLetter' && e.letter.reason === 'overflow' ? [e.letter.message] : []))

  it.each(SEEDS)('dropNewest: the new notification is a dead letter (seed %i)', (seed) => {
    const rt = marbles(seed, (rt, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abcdef|')
      expectObservable(relay(rt, source, { bound: 2, overflow: 'dropNewest' }, 2)).toBe('a-b-c-d-f-|')
      expectSubscriptions(source.subscriptions).toBe('^-----!')
    })
    expect(overflowed(rt)).toEqual([{ _tag: 'Next', value: 'e', ref: expect.anything() }])
  })

  it.each(SEEDS)('dropOldest: the oldest waiting notification leaves the mailbox, a dead letter (seed %i)', (seed) => {
    const rt = marbles(seed, (rt, { cold, expectObservable, expectSubscriptions }) => {
      const source = cold('abcdef|')
      expectObservable(relay(rt, source, { bound: 2, overflow: 'dropOldest' }, 2)).toBe('a-b-d-e-f-|')
      expectSubscriptions(source.subscriptions).toBe('^-----!')
    })
    expect(overflowed(rt)).toEqual([{ _tag: 'Next', value: 'c', ref: expect.anything() }])
  })

  it.each(SEEDS)(
    'fail: the subscription ends and the process gets an Error notification with Overflow (seed %i)',
    (seed) => {
      const rt = marbles(seed, (rt, { cold, expectObservable, expectSubscriptions }) => {
        const source = cold('abcdef|')
        expectObservable(relay(rt, source, { bound: 2, overflow: 'fail' }, 2)).toBe(
          'a-b-c-d-#',
          undefined,
          Exit.custom('overflow 2')
        )
        expectSubscriptions(source.subscriptions).toBe('^---!')
      })
      expect(overflowed(rt)).toEqual([{ _tag: 'Next', value: 'e', ref: expect.anything() }])
    }
  )

  it('a stalled process: dropNewest keeps the first, dropOldest the last; dead letters on deadLetters$', () => {
    const letters: Array<Runtime.DeadLetter> = []
    const rt = marbles(1, (rt, { cold, expectObservable }) => {
      rt.deadLetters$.subscribe((l) => letters.push(l))
      const source = cold('abcdef|')
      // the process first sleeps 10 ms: everything arrives while it sleeps
      const late = (options: Rx.SubscribeOptions): Observable<string> =>
        Rx.fromProcess<string>(rt, (emit) =>
          Effect.gen(function* () {
            yield* Rx.subscribe(source, options)
            yield* Process.sleep(10)
            for (;;) {
              const n = yield* Process.receive(Rx.Notification(t.string))
              if (n._tag !== 'Next') return
              yield* emit(n.value)
            }
          })
        )
      expectObservable(late({ bound: 2, overflow: 'dropNewest' })).toBe('10ms (ab|)')
      expectObservable(late({ bound: 2, overflow: 'dropOldest' })).toBe('10ms (ef|)')
    })
    const [first, second] = rt.trace.flatMap((e) => (e._tag === 'Spawn' ? [e.pid] : []))
    const droppedBy = (pid: Pid<unknown> | undefined) =>
      letters.filter((l) => l.to === pid).map((l) => [l.reason, (l.message as Rx.NextNotification<string>).value])
    expect(droppedBy(first)).toEqual([
      ['overflow', 'c'],
      ['overflow', 'd'],
      ['overflow', 'e'],
      ['overflow', 'f']
    ])
    expect(droppedBy(second)).toEqual([
      ['overflow', 'a'],
      ['overflow', 'b'],
      ['overflow', 'c'],
      ['overflow', 'd']
    ])
    expect(letters.length).toBe(8)
  })

  it('a process that keeps up never overflows', () => {
    const rt = marbles(1, (rt, { cold, expectObservable }) => {
      expectObservable(relay(rt, cold('abcdef|'), { bound: 1, overflow: 'fail' })).toBe('abcdef|')
    })
    expect(rt.trace.filter((e) => e._tag === 'DeadLetter')).toEqual([])
  })

  it('the Overflow error names the process and the bound', () => {
    const rt = TestRuntime.make({ seed: 1 })
    const r = rt.runSync(
      Effect.gen(function* () {
        yield* Rx.subscribe(of(1, 2, 3), { bound: 1 })
        const a = yield* Process.receive(Rx.NextNotification(t.number))
        const e = yield* Process.receive(Rx.ErrorNotification)
        return [a.value, e.error instanceof Rx.Overflow ? e.error.message : e.error]
      })
    )
    expect(r).toEqual(
      Exit.returned([
        1,
        'Rx.subscribe: #PID<0.1.0> has 1 notifications not received yet (bound 1, overflow policy fail)'
      ])
    )
  })
})

// -------------------------------------------------------------------------------------
// no subscription outlives its process
// -------------------------------------------------------------------------------------

/** `interval(ms)` that counts its live subscriptions (bounded, so a leak cannot run forever). */
const counted = (ms: number, live: { n: number }): Observable<number> =>
  new Observable<number>((subscriber) => {
    live.n++
    const s = interval(ms).pipe(take(1000)).subscribe(subscriber)
    return () => {
      live.n--
      s.unsubscribe()
    }
  })

describe('subscriptions end with their process', () => {
  it('a process on an infinite interval, killed: no subscription left (virtual time)', () => {
    const live = { n: 0 }
    const snapshots: Array<number> = []
    const got: Array<readonly [number, number]> = []
    const rt = marbles(1, (rt) => {
      const pid = rt.spawn(
        Effect.gen(function* () {
          yield* Rx.subscribe(counted(3, live))
          for (;;) {
            const n = yield* Process.receive(Rx.NextNotification(t.number))
            got.push([rt.now, n.value])
          }
        })
      )
      rt.spawn(Effect.flatMap(Process.sleep(10), () => Process.exit(pid, Exit.kill)))
      // while the interval would still be running (it ends by itself after 3000 ms)
      rt.spawn(
        Effect.flatMap(Process.sleep(9), () =>
          Effect.flatMap(
            Effect.sync(() => snapshots.push(live.n)),
            () => Process.sleep(2)
          )
        )
      )
      rt.spawn(Effect.flatMap(Process.sleep(11), () => Effect.sync(() => snapshots.push(live.n))))
    })
    expect(snapshots).toEqual([1, 0])
    expect(got).toEqual([
      [3, 0],
      [6, 1],
      [9, 2]
    ])
    expect(live.n).toBe(0)
    expect(rt.processes()).toEqual([])
    // nothing was sent after the kill: no dead letter from the interval
    expect(rt.trace.filter((e) => e._tag === 'DeadLetter')).toEqual([])
  })

  it('a process that ends by itself, or by fromProcess unsubscribe, leaves no subscription either', () => {
    const live = { n: 0 }
    const snapshots: Array<number> = []
    marbles(1, (rt, { expectObservable }) => {
      rt.spawn(Effect.flatMap(Rx.subscribe(counted(1, live)), () => Process.sleep(5)))
      const relayed = Rx.fromProcess<number>(rt, (emit) =>
        Effect.flatMap(Rx.subscribe(counted(2, live)), () => {
          const loop: Effect.Effect<never, never> = Effect.flatMap(
            Process.receive(Rx.NextNotification(t.number)),
            (n) => Effect.flatMap(emit(n.value), () => loop)
          )
          return loop
        })
      )
      expectObservable(relayed, '^------!').toBe('--a-b-c', { a: 0, b: 1, c: 2 })
      for (const at of [4, 8])
        rt.spawn(Effect.flatMap(Process.sleep(at), () => Effect.sync(() => snapshots.push(live.n))))
    })
    // at 4 both subscriptions are live; at 8 the first process has ended (at 5) and the relay was unsubscribed (at 7)
    expect(snapshots).toEqual([2, 0])
    expect(live.n).toBe(0)
  })

  it('a Subject subscribed by a process is unobserved once the process is killed (production runtime)', async () => {
    const rt = Runtime.make()
    const subject = new Subject<number>()
    const live = { n: 0 }
    const got: Array<number> = []
    const reason = await rt.run(
      Effect.gen(function* () {
        const pid = yield* Process.spawn(
          Effect.gen(function* () {
            yield* Rx.subscribe(subject)
            yield* Rx.subscribe(counted(1, live))
            for (;;) got.push((yield* Process.receive(Rx.NextNotification(t.number))).value)
          })
        )
        yield* Process.sleep(1)
        expect(subject.observed).toBe(true)
        subject.next(-1)
        yield* Process.sleep(20)
        yield* Process.monitor(pid)
        yield* Process.exit(pid, Exit.kill)
        return (yield* Process.receive(Exit.Down)).reason
      })
    )
    expect(reason).toEqual(Exit.returned(Exit.killed))
    expect(subject.observed).toBe(false)
    expect(live.n).toBe(0)
    expect(got).toContain(-1)
  })
})
