import { describe, expect, it } from 'vitest'
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { Effect, Exit, Process, TestRuntime } from '../lib/index.js'
import type { Runtime } from '../lib/index.js'

// TestRuntime.explore finds races in classic bugs, replay reproduces them, and the fixes pass.

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** The found failure (fails the test when explore found none). */
const foundOf = (o: O.Option<TestRuntime.Explored>): TestRuntime.Explored => {
  if (O.isNone(o)) throw new Error('explore found no failing schedule')
  return o.value
}

/** Preemptions plus non-default picks in a schedule string, counted from its text. */
const costOf = (schedule: string): number => {
  expect(schedule.startsWith('v1:')).toBe(true)
  const body = schedule.slice(3)
  if (body === '') return 0
  return body.split(',').reduce((n, tok) => {
    const m = /^(\d+)(?:\/(\d+))?(?:\*(\d+))?$/.exec(tok)
    if (m === null) throw new Error(`bad token ${tok} in ${schedule}`)
    const times = m[3] === undefined ? 1 : Number(m[3])
    return n + times * ((Number(m[1]) > 0 ? 1 : 0) + (m[2] !== undefined && Number(m[2]) > 0 ? 1 : 0))
  }, 0)
}

/** A failure is reproduced: replay gives the same trace, and so does a runtime made with the schedule. */
const expectReplays = <E, A>(program: Effect.Effect<E, A>, found: TestRuntime.Explored): void => {
  const text = TestRuntime.format(found.trace)
  expect(TestRuntime.format(TestRuntime.replay(program, found.schedule))).toBe(text)
  const rt = TestRuntime.make({ seed: 0, schedule: found.schedule })
  expect(rt.runSync(program)).toEqual(found.reason)
  expect(TestRuntime.format(rt.trace)).toBe(text)
}

const lines = (trace: ReadonlyArray<Runtime.Event>): ReadonlyArray<string> => TestRuntime.format(trace).split('\n')

// -------------------------------------------------------------------------------------
// a. lost update
// -------------------------------------------------------------------------------------

const Get = t.type({ _tag: t.literal('Get'), replyTo: Process.pid }, 'Get')
const Put = t.type({ _tag: t.literal('Put'), value: t.number }, 'Put')
const Inc = t.type({ _tag: t.literal('Inc'), by: t.number }, 'Inc')
const Ping = t.type({ _tag: t.literal('Ping'), replyTo: Process.pid }, 'Ping')
const Pong = t.type({ _tag: t.literal('Pong') }, 'Pong')
const Value = t.type({ _tag: t.literal('Value'), value: t.number }, 'Value')
const Done = t.type({ _tag: t.literal('Done') }, 'Done')

/** A counter: Get answers the value, Put overwrites it, Inc adds to it, Ping answers Pong. */
const counter = (n: number): Effect.Effect<Process.NoProcess, never> =>
  Process.receive(
    Process.on(Get, (m) => Effect.flatMap(Process.send(m.replyTo, { _tag: 'Value', value: n }), () => counter(n))),
    Process.on(Put, (m) => counter(m.value)),
    Process.on(Inc, (m) => counter(n + m.by)),
    Process.on(Ping, (m) => Effect.flatMap(Process.send(m.replyTo, { _tag: 'Pong' }), () => counter(n)))
  )

/** Buggy: read, then write back what was read plus one. Another client may write in between. */
const readModifyWrite = (c: Process.Pid) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Process.send(c, { _tag: 'Get', replyTo: me })
    const { value } = yield* Process.receive(Value)
    yield* Process.send(c, { _tag: 'Put', value: value + 1 })
  })

/** Fixed: the counter does the increment. */
const atomicInc = (c: Process.Pid) => Process.send(c, { _tag: 'Inc', by: 1 })

/**
 * Two clients increment one counter. The second first checks that the
 * counter is up (a Ping round trip), so in the production order the first
 * client's update lands before the second reads, and the bug hides: only
 * some interleavings lose an update.
 */
const twoClients = (increment: (c: Process.Pid) => Effect.Effect<Process.NoProcess, void>) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const c = yield* Process.spawn(counter(0))
    const client = (ping: boolean) =>
      Effect.gen(function* () {
        const self = yield* Process.self
        if (ping) {
          yield* Process.send(c, { _tag: 'Ping', replyTo: self })
          yield* Process.receive(Pong)
        }
        yield* increment(c)
        yield* Process.send(me, { _tag: 'Done' })
      })
    yield* Process.spawn(client(false))
    yield* Process.spawn(client(true))
    yield* Process.receive(Done)
    yield* Process.receive(Done)
    yield* Process.send(c, { _tag: 'Get', replyTo: me })
    return (yield* Process.receive(Value)).value
  })

const lostUpdate = twoClients(readModifyWrite)
const noLostUpdate = twoClients(atomicInc)
const countsTwo = (_trace: ReadonlyArray<Runtime.Event>, r: Exit.Reason<Process.NoProcess, number>): boolean =>
  r._tag === 'Normal' && r.value === 2

describe('a. lost update (read-modify-write against a counter process)', () => {
  it('passes in the production order (the bug hides there)', async () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    expect(rt.runSync(lostUpdate)).toEqual(Exit.returned(2))
  })

  it('explore finds the lost update within 1,000 schedules, and replay reproduces it', () => {
    const found = foundOf(TestRuntime.explore(lostUpdate, { runs: 1000, seed: 1, check: countsTwo }))
    expect(found.run).toBeLessThan(1000)
    expect(found.failure).toBe('check returned false')
    expect(found.reason).toEqual(Exit.returned(1))
    // both clients read 0: the second read came before the first write
    const reads = lines(found.trace).filter((l) => l.startsWith('Send') && l.endsWith('{"_tag":"Value","value":0}'))
    expect(reads.length).toBe(2)
    expect(lines(found.trace).filter((l) => l.startsWith('Receive') && l.includes('"Put"'))).toEqual([
      'Receive #PID<0.2.0> {"_tag":"Put","value":1}',
      'Receive #PID<0.2.0> {"_tag":"Put","value":1}'
    ])
    expectReplays(lostUpdate, found)
  })

  it('the fix (an atomic Inc) passes every schedule', () => {
    expect(TestRuntime.explore(noLostUpdate, { runs: 300, seed: 1, check: countsTwo })).toEqual(O.none)
  })

  it('shrinking: the schedule is no costlier than the run that found it, and it parses back', () => {
    const found = foundOf(
      TestRuntime.explore(lostUpdate, { runs: 1000, seed: 5, strategy: 'random', check: countsTwo })
    )
    expect(found.strategy).toBe('random')
    // the unshrunk run: the same seed and strategy on a test runtime
    const original = TestRuntime.make({ seed: found.seed, strategy: 'random' })
    expect(countsTwo([], original.runSync(lostUpdate))).toBe(false)
    const before = costOf(original.schedule)
    expect(found.preemptions).toBe(costOf(found.schedule))
    expect(found.preemptions).toBeLessThanOrEqual(before)
    expect(found.preemptions).toBeGreaterThanOrEqual(1) // the production order passes: some choice is needed
    expect(found.preemptions).toBeLessThanOrEqual(3)
    expectReplays(lostUpdate, found)
  })

  it('each strategy finds it', () => {
    for (const strategy of ['random', 'pct', 'mixed'] as const) {
      const found = foundOf(TestRuntime.explore(lostUpdate, { runs: 1000, seed: 42, strategy, check: countsTwo }))
      expect(found.reason).toEqual(Exit.returned(1))
      if (strategy !== 'mixed') expect(found.strategy).toBe(strategy)
      expectReplays(lostUpdate, found)
    }
  })

  it('a check that throws (a failed expect) marks the run as failing, with its message', () => {
    const found = foundOf(
      TestRuntime.explore(lostUpdate, {
        runs: 1000,
        seed: 1,
        check: (_trace, r) => {
          expect(r).toEqual(Exit.returned(2))
        }
      })
    )
    expect(found.failure).toMatch(/expected .* to deeply equal/)
  })
})

// -------------------------------------------------------------------------------------
// b. check-then-act on a registered name
// -------------------------------------------------------------------------------------

const Got = t.type({ _tag: t.literal('Got'), server: Process.pid }, 'Got')
const Ensure = t.type({ _tag: t.literal('Ensure'), replyTo: Process.pid }, 'Ensure')
const server: Effect.Effect<never, never> = Process.receive(Process.on(t.unknown, () => server))

/** Buggy: whereis, and if nobody is there, spawn and register. Two callers can both see nobody. */
const whereisOrStart = Effect.gen(function* () {
  const existing = yield* Process.whereis('cache')
  if (O.isSome(existing)) return existing.value
  const pid = yield* Process.spawn(server)
  yield* Process.register('cache', pid)
  return pid
})

/** The fix: one registrar process does the check and the registration, one request at a time. */
const registrar: Effect.Effect<never, never> = Process.receive(
  Process.on(Ensure, (m) =>
    Effect.flatMap(Effect.either(whereisOrStart), (e) =>
      e._tag === 'Right'
        ? Effect.flatMap(Effect.either(Process.send(m.replyTo, { _tag: 'Got', server: e.right })), () => registrar)
        : registrar
    )
  )
)
const askRegistrar = (reg: Process.Pid) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Process.send(reg, { _tag: 'Ensure', replyTo: me })
    return (yield* Process.receive(Got)).server
  })

/** Two users each ensure the server runs; main reports, per user, the server it got or how it crashed. */
const twoUsers = (fixed: boolean) =>
  Effect.gen(function* () {
    yield* Process.trapExit(true)
    const me = yield* Process.self
    const ensure: Effect.Effect<Process.BadArg | Process.NoProcess, Process.Pid> = fixed
      ? askRegistrar(yield* Process.spawn(registrar))
      : whereisOrStart
    const user = Effect.flatMap(ensure, (server) => Process.send(me, { _tag: 'Got', server }))
    yield* Process.spawnLink(user)
    yield* Process.spawnLink(user)
    const outcomes: Array<string> = []
    while (outcomes.length < 2) {
      const o = yield* Process.receive(
        Process.on(Got, (g) => Effect.succeed(O.some(String(g.server)))),
        Process.on(Exit.ExitSignal, (e) =>
          Effect.succeed(Exit.isNormal(e.reason) ? O.none : O.some(`crash ${Exit.format(e.reason)}`))
        )
      )
      if (O.isSome(o)) outcomes.push(o.value)
    }
    return outcomes
  })

/** Processes a run of `twoUsers` spawns when it goes right: main, (the registrar), two users, one server. */
const spawnCount = (fixed: boolean): number => (fixed ? 5 : 4)

describe('b. check-then-act on a registered name', () => {
  /** Both users got the same server, neither crashed, and only one server was started. */
  const check =
    (fixed: boolean) =>
    (trace: ReadonlyArray<Runtime.Event>, r: Exit.Reason<unknown, ReadonlyArray<string>>): boolean =>
      r._tag === 'Normal' &&
      r.value !== undefined &&
      r.value[0] === r.value[1] &&
      r.value[0]?.startsWith('#PID') === true &&
      trace.filter((e) => e._tag === 'Spawn').length === spawnCount(fixed)

  it('passes in the production order', () => {
    const rt = TestRuntime.make({ seed: 1, strategy: 'fifo' })
    const r = rt.runSync(twoUsers(false))
    expect(r).toEqual(Exit.returned(['#PID<0.4.0>', '#PID<0.4.0>']))
    expect(check(false)(rt.trace, r)).toBe(true)
  })

  it('explore finds the register race (a BadArg, and a second server) within 1,000 schedules', () => {
    const found = foundOf(TestRuntime.explore(twoUsers(false), { runs: 1000, seed: 1, check: check(false) }))
    const r = found.reason
    if (r?._tag !== 'Normal') throw new Error('expected main to end normally')
    const outcomes = r.value as ReadonlyArray<string>
    const crashes = outcomes.filter((o) => o.startsWith('crash'))
    expect(crashes.length).toBe(1)
    expect(crashes[0]).toMatch(/^crash \{:failure, .*BadArg.*already registered/)
    // two servers were started: one of them is registered, the other is an orphan
    expect(found.trace.filter((e) => e._tag === 'Spawn').length).toBe(5)
    expectReplays(twoUsers(false), found)
  })

  it('the fix (a registrar process) passes every schedule', () => {
    expect(TestRuntime.explore(twoUsers(true), { runs: 300, seed: 1, check: check(true) })).toEqual(O.none)
  })
})

// -------------------------------------------------------------------------------------
// c. an EXIT that beats a reply
// -------------------------------------------------------------------------------------

const Request = t.type({ _tag: t.literal('Request'), replyTo: Process.pid }, 'Request')
const Answer = t.type({ _tag: t.literal('Answer'), value: t.number }, 'Answer')
type Outcome =
  { readonly _tag: 'Answer'; readonly value: number } | { readonly _tag: 'NoAnswer'; readonly reason: string }

/** Answers one request, then crashes (say, while cleaning up). */
const worker = Effect.gen(function* () {
  const req = yield* Process.receive(Request)
  yield* Process.send(req.replyTo, { _tag: 'Answer', value: 42 })
  return yield* Process.exit(Exit.custom('crashed_after_answer'))
})

const answered = (a: t.TypeOf<typeof Answer>): Effect.Effect<never, Outcome> =>
  Effect.succeed({ _tag: 'Answer', value: a.value })
const noAnswer = (e: Exit.ExitSignal): Effect.Effect<never, Outcome> =>
  Effect.succeed({ _tag: 'NoAnswer', reason: Exit.format(e.reason) })

/**
 * Our scheduler's semantics decide where the race can be. The worker's
 * answer is enqueued in the client's mailbox the moment the worker's step
 * sends it; the EXIT message is enqueued later, when the worker finishes.
 * So the answer is always ahead of the EXIT in the mailbox, and a single
 * `receive` with both clauses takes the answer first whatever the clause
 * order: receive goes message by message, oldest first (see the test
 * "clause order does not matter" below).
 *
 * The bug that does race is looking at EXIT messages *first*, on their own:
 * "did the worker die? then there is no answer". A selective receive for
 * ExitSignal skips the answer. If the worker has run (answered and crashed)
 * before the client's check, the check sees the EXIT and the client reports
 * "no answer" although the answer sits in its mailbox. In the production
 * order the client checks before the worker ever runs, and the bug hides;
 * it takes a preemption of the client between its send and its check.
 */
const client = (fixed: boolean) =>
  Effect.gen(function* () {
    yield* Process.trapExit(true)
    const me = yield* Process.self
    const w = yield* Process.spawnLink(worker)
    yield* Process.send(w, { _tag: 'Request', replyTo: me })
    if (fixed) {
      // the fix: match the answer first; an EXIT counts only when no answer came before it
      return yield* Process.receive(Process.on(Answer, answered), Process.on(Exit.ExitSignal, noAnswer))
    }
    // buggy: an EXIT already there means "no answer", even when the answer came first
    const died = yield* Process.receive(
      Process.on(Exit.ExitSignal, (e) => Effect.succeed(O.some(e))),
      Process.after(0, () => Effect.succeed(O.none))
    )
    if (O.isSome(died)) return yield* noAnswer(died.value)
    return yield* Process.receive(Process.on(Exit.ExitSignal, noAnswer), Process.on(Answer, answered))
  })

/** One receive, the EXIT clause listed first: still the answer, since it is first in the mailbox. */
const exitClauseFirst = Effect.gen(function* () {
  yield* Process.trapExit(true)
  const me = yield* Process.self
  const w = yield* Process.spawnLink(worker)
  yield* Process.send(w, { _tag: 'Request', replyTo: me })
  return yield* Process.receive(Process.on(Exit.ExitSignal, noAnswer), Process.on(Answer, answered))
})

const gotAnswer = (_trace: ReadonlyArray<Runtime.Event>, r: Exit.Reason<unknown, Outcome>): boolean =>
  r._tag === 'Normal' && r.value?._tag === 'Answer' && r.value.value === 42

describe('c. an EXIT handled before the reply that came first', () => {
  it('passes in the production order', () => {
    expect(TestRuntime.make({ seed: 1, strategy: 'fifo' }).runSync(client(false))).toEqual(
      Exit.returned({ _tag: 'Answer', value: 42 })
    )
  })

  it('explore finds the interleaving where the EXIT is handled first, and replay reproduces it', () => {
    const found = foundOf(TestRuntime.explore(client(false), { runs: 1000, seed: 1, check: gotAnswer }))
    expect(found.reason).toEqual(Exit.returned({ _tag: 'NoAnswer', reason: ':crashed_after_answer' }))
    expect(found.preemptions).toBeGreaterThanOrEqual(1)
    // the answer was sent (and delivered) before the worker exited; the client took the EXIT anyway
    const text = lines(found.trace)
    const answer = text.findIndex((l) => l.startsWith('Send #PID<0.2.0> -> #PID<0.1.0> {"_tag":"Answer"'))
    const exit = text.findIndex((l) => l.startsWith('Exit #PID<0.2.0> :crashed_after_answer'))
    const takenExit = text.findIndex((l) => l.startsWith('Receive #PID<0.1.0> {"_tag":"EXIT"'))
    expect(answer).toBeGreaterThan(0)
    expect(exit).toBeGreaterThan(answer)
    expect(takenExit).toBeGreaterThan(exit)
    expect(text.some((l) => l.startsWith('Receive #PID<0.1.0> {"_tag":"Answer"'))).toBe(false)
    expectReplays(client(false), found)
  })

  it('the fix (match the reply first) passes every schedule', () => {
    expect(TestRuntime.explore(client(true), { runs: 300, seed: 1, check: gotAnswer })).toEqual(O.none)
  })

  it('clause order does not matter: one receive takes the oldest message any clause matches', () => {
    expect(TestRuntime.explore(exitClauseFirst, { runs: 300, seed: 2, check: gotAnswer })).toEqual(O.none)
  })
})

// -------------------------------------------------------------------------------------
// testProcess, deadlocks, bad options
// -------------------------------------------------------------------------------------

describe('testProcess', () => {
  it('throws for a buggy program, with the failure, the seed and a schedule that replays it', () => {
    const body = TestRuntime.testProcess(lostUpdate, { check: countsTwo, runs: 1000 })
    let thrown: unknown
    try {
      body()
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(Error)
    const message = (thrown as Error).message
    expect(message).toContain('a schedule breaks the check: check returned false')
    expect(message).toContain('replay it')
    const m = /replay it: TestRuntime\.replay\(program, '(v1:[^']*)'\)/.exec(message)
    if (m === null) throw new Error(`no schedule in:\n${message}`)
    const schedule = m[1] as string
    // the same search as explore with the same seed, and the trace is in the message
    const found = foundOf(TestRuntime.explore(lostUpdate, { check: countsTwo, runs: 1000, seed: 1 }))
    expect(schedule).toBe(found.schedule)
    expect(message).toContain(`seed ${found.seed}`)
    expect(message).toContain(TestRuntime.format(found.trace))
    const rt = TestRuntime.make({ seed: 0, schedule })
    expect(rt.runSync(lostUpdate)).toEqual(Exit.returned(1))
  })

  it('does not throw for a correct program', () => {
    const body = TestRuntime.testProcess(noLostUpdate, { check: countsTwo, runs: 200, seed: 3 })
    expect(body).not.toThrow()
  })
})

describe('explore: deadlocks and bad options', () => {
  it('a deadlock is a failure', () => {
    const stuck = Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.spawn(Process.receive(t.literal('never')))
      yield* Process.send(me, 'ignored')
      return yield* Process.receive(t.number)
    })
    const found = foundOf(TestRuntime.explore(stuck, { runs: 10, seed: 1, check: () => true }))
    expect(found.failure).toMatch(/^deadlock: every process is blocked and no timer is set/)
    expect(found.failure).toContain('#PID<0.1.0> (unnamed, 1 messages waiting)')
    expect(found.reason).toBeUndefined()
  })

  it('rejects bad options', () => {
    const explore = (runs: number, seed: number) => () =>
      TestRuntime.explore(Effect.unit, { runs, seed, check: () => true })
    expect(explore(0, 1)).toThrow(/runs must be an integer >= 1/)
    expect(explore(1, 0.5)).toThrow(/seed must be an integer/)
  })
})
