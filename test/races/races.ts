/**
 * Seeded races, each with a fixed twin, for the explorer's tests and its
 * benchmark (`bench/explore.ts`). Each race is a program and a check; the
 * buggy program fails the check in some interleavings (never in the
 * production order), the fixed one in none.
 *
 * - depth 2: one writer's two sends split by another writer (one preemption);
 * - depth 3: two writers' pairs both split (two preemptions, PCT depth 3);
 * - starvation: a watchdog that must run after twelve workers have each done
 *   four steps;
 * - timer: a timeout and a reply due at the same virtual instant, ordered by
 *   which timer was set first;
 * - supervisor restart: a client that cached a worker's pid sends to the
 *   dead one while the supervisor restarts it.
 */
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { Effect, Exit, Process, Supervisor } from '../../lib/index.js'
import type { Runtime } from '../../lib/index.js'

export interface Race {
  readonly name: string
  /** The bug, in a line. */
  readonly bug: string
  readonly buggy: Effect.Effect<unknown, unknown>
  readonly fixed: Effect.Effect<unknown, unknown>
  readonly check: (trace: ReadonlyArray<Runtime.Event>, reason: Exit.Reason<unknown, unknown>) => boolean
}

const Log = t.type({ _tag: t.literal('Log'), log: t.array(t.string) }, 'Log')

/** Takes `n` strings, then sends them, in order, to `to`. */
const collector = (to: Process.Pid, n: number) =>
  Effect.gen(function* () {
    const log: Array<string> = []
    while (log.length < n) log.push(yield* Process.receive(t.string))
    yield* Process.send(to, { _tag: 'Log', log })
  })

/** Sends `parts` to `c`: one message each (`split`), or all in one. */
const writer = (c: Process.Pid, parts: ReadonlyArray<string>, split: boolean) =>
  Effect.gen(function* () {
    if (split) for (const p of parts) yield* Process.send(c, p)
    else yield* Process.send(c, parts.join(','))
  })

/** Main: a collector, then the writers in order; answers the collector's log. */
const writers = (groups: ReadonlyArray<ReadonlyArray<string>>, split: boolean) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const n = groups.reduce((k, g) => k + (split ? g.length : 1), 0)
    const c = yield* Process.spawn(collector(me, n))
    for (const g of groups) yield* Process.spawn(writer(c, g, split))
    return (yield* Process.receive(Log)).log
  })

const logOf = (r: Exit.Reason<unknown, unknown>): string =>
  r._tag === 'Normal' && Array.isArray(r.value) ? (r.value as ReadonlyArray<string>).join(',') : ''

/** Depth 2: a's two sends must not be split by b's (a1,a2 arrive together). */
export const depth2: Race = {
  name: 'depth 2',
  bug: "a writer's two sends are split by another writer's send",
  buggy: writers([['a1', 'a2'], ['b']], true),
  fixed: writers([['a1', 'a2'], ['b']], false),
  check: (_t, r) => logOf(r).includes('a1,a2')
}

/** Depth 3: fails only when both pairs are split (a1 b1 a2 b2): two preemptions, each after a first send. */
export const depth3: Race = {
  name: 'depth 3',
  bug: "two writers' pairs of sends are both split",
  buggy: writers(
    [
      ['a1', 'a2'],
      ['b1', 'b2']
    ],
    true
  ),
  fixed: writers(
    [
      ['a1', 'a2'],
      ['b1', 'b2']
    ],
    false
  ),
  check: (_t, r) => logOf(r).includes('a1,a2') || logOf(r).includes('b1,b2')
}

// -------------------------------------------------------------------------------------
// starvation
// -------------------------------------------------------------------------------------

const WORKERS = 12
const ROUNDS = 4
const Go = t.literal('go')

/**
 * A watchdog spawned before twelve workers sends `check` to the collector;
 * each worker sends four steps, yielding after each. The bug: `check`
 * arrives after every worker's last step (the watchdog starved behind all
 * of them). The fix: the
 * workers start on the watchdog's `go`, sent after its check.
 */
const starvation = (fixed: boolean) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const c = yield* Process.spawn(collector(me, 1 + ROUNDS * WORKERS))
    const pids: Array<Process.Pid> = []
    const watchdog = Effect.gen(function* () {
      yield* Process.send(c, 'check')
      if (fixed) {
        const ws = yield* Process.receive(t.array(Process.pid))
        for (const w of ws) yield* Process.send(w, 'go')
      }
    })
    const dog = yield* Process.spawn(watchdog)
    for (let i = 0; i < WORKERS; i++) {
      pids.push(
        yield* Process.spawn(
          Effect.gen(function* () {
            if (fixed) yield* Process.receive(Go)
            for (let r = 1; r <= ROUNDS; r++) {
              yield* Process.send(c, `w${i}.${r}`)
              yield* Effect.yieldNow
            }
          })
        )
      )
    }
    if (fixed) yield* Process.send(dog, pids)
    return (yield* Process.receive(Log)).log
  })

export const starved: Race = {
  name: 'starvation',
  bug: 'a watchdog runs only after twelve workers have each done four steps',
  buggy: starvation(false),
  fixed: starvation(true),
  check: (_t, r) => !logOf(r).endsWith('check')
}

// -------------------------------------------------------------------------------------
// timer race
// -------------------------------------------------------------------------------------

const Req = t.type({ _tag: t.literal('Req'), replyTo: Process.pid }, 'Req')
const Ack = t.literal('ack')
const Reply = t.literal('reply')
const Timeout = t.literal('timeout')
const Done = t.literal('done')

/**
 * The server acks a request, then takes 100 ms; the client, once acked,
 * gives it 100 ms. Both timers are due at the same virtual instant and fire
 * in the order they were set: the client's first (a timeout) only when the
 * server is preempted between its ack and its timer. The fix: the server
 * sets its timer before acking.
 */
const timerRace = (fixed: boolean) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const server = yield* Process.spawn(
      Effect.gen(function* () {
        const req = yield* Process.receive(Req)
        if (fixed) {
          yield* Process.sendAfter(yield* Process.self, 'done', 100)
          yield* Process.send(req.replyTo, 'ack')
          yield* Process.receive(Done)
        } else {
          yield* Process.send(req.replyTo, 'ack')
          yield* Effect.sleep(100)
        }
        yield* Process.send(req.replyTo, 'reply')
      })
    )
    yield* Process.send(server, { _tag: 'Req', replyTo: me })
    yield* Process.receive(Ack)
    yield* Process.sendAfter(me, 'timeout', 100)
    return yield* Process.receive(
      Process.on(Reply, () => Effect.succeed('ok')),
      Process.on(Timeout, () => Effect.succeed('timeout'))
    )
  })

export const timer: Race = {
  name: 'timer',
  bug: 'a timeout and a reply due at the same instant: the timeout wins when its timer was set first',
  buggy: timerRace(false),
  fixed: timerRace(true),
  check: (_t, r) => r._tag === 'Normal' && r.value === 'ok'
}

// -------------------------------------------------------------------------------------
// supervisor restart race
// -------------------------------------------------------------------------------------

const Job = t.type({ _tag: t.literal('Job'), replyTo: Process.pid }, 'Job')
const Crash = t.literal('crash')
const Result = t.type({ _tag: t.literal('Result'), value: t.string }, 'Result')

/** A worker that answers jobs and crashes on `crash`. */
const workerLoop: Effect.Effect<Exit.Exiting, never> = Process.receive(
  Process.on(Job, (j) => Effect.flatMap(Effect.either(Process.send(j.replyTo, 'done')), () => workerLoop)),
  Process.on(Crash, () => Process.exit(Exit.custom('crash')))
)

/** The supervisor's start for the worker: spawn linked, register as `worker`. */
const startWorker: Effect.Effect<unknown, Process.Pid> = Effect.flatMap(Process.spawnLink(workerLoop), (pid) =>
  Effect.as(Process.register('worker', pid), pid)
)

/** Buggy: look the worker up once, send to that pid; a job sent to a dead pid is lost (a timeout). */
const cachedPid = Effect.gen(function* () {
  const pid = yield* Process.whereis('worker')
  if (O.isNone(pid)) return 'no worker'
  yield* Process.send(pid.value, { _tag: 'Job', replyTo: yield* Process.self })
  return yield* Process.receive(
    Process.on(Done, () => Effect.succeed('done')),
    Process.after(1000, () => Effect.succeed('lost'))
  )
})

/** Fixed: monitor the pid; on DOWN (or no worker yet) look it up again and resend. */
const monitored: Effect.Effect<Process.NoProcess, string> = Effect.gen(function* () {
  const pid = yield* Process.whereis('worker')
  if (O.isNone(pid)) {
    yield* Effect.sleep(1)
    return yield* monitored
  }
  const ref = yield* Process.monitor(pid.value)
  yield* Process.send(pid.value, { _tag: 'Job', replyTo: yield* Process.self })
  const answer = yield* Process.receive(
    Process.on(Done, () => Effect.succeed(O.some('done'))),
    Process.on(Exit.Down, (d) => Effect.succeed(d.ref === ref ? O.none : O.some('stray DOWN')))
  )
  if (O.isSome(answer)) return answer.value
  return yield* monitored
})

/** A supervisor restarts the worker after a crasher crashes it, while a client sends it a job. */
const supervised = (client: Effect.Effect<unknown, string>) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Supervisor.startLink([{ id: 'worker', start: startWorker }], { strategy: 'one_for_one' })
    yield* Process.spawn(
      Effect.flatMap(Effect.either(client), (v) =>
        Process.send(me, { _tag: 'Result', value: v._tag === 'Right' ? v.right : 'client failed' })
      )
    )
    yield* Process.spawn(Effect.either(Process.send('worker', 'crash')))
    return (yield* Process.receive(Result)).value
  })

export const restart: Race = {
  name: 'supervisor restart',
  bug: "a client sends to a worker's cached pid while the supervisor restarts it",
  buggy: supervised(cachedPid),
  fixed: supervised(monitored),
  check: (_t, r) => r._tag === 'Normal' && r.value === 'done'
}

export const races: ReadonlyArray<Race> = [depth2, depth3, starved, timer, restart]
