/**
 * Finding a race with `TestRuntime.explore`: the lost update.
 *
 * Two clients increment a counter process by reading it (`Get`) and writing
 * back what they read plus one (`Put`). In Elixir:
 *
 * ```elixir
 * send(counter, {:get, self()})
 * receive do {:value, n} -> send(counter, {:put, n + 1}) end
 * ```
 *
 * If the second client reads before the first one writes, both write 1
 * and an increment is lost. The second client first checks that the counter
 * is up (a ping), so in the production order the first client's write lands
 * before the second reads: a plain run passes. `explore` runs the program
 * under many seeded schedules (random and PCT), finds one that loses the
 * update, shrinks it toward the fewest preemptions, and hands back a schedule
 * string that `replay` turns into the very same trace. The fix, an atomic
 * `Inc` handled by the counter, passes every schedule.
 *
 * Run it: `npx tsx examples/testing-explore.ts`
 */
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, TestRuntime } from '../lib/index.js'
import type { Runtime } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

export const Get = t.type({ _tag: t.literal('Get'), replyTo: Process.pid }, 'Get')
export const Put = t.type({ _tag: t.literal('Put'), value: t.number }, 'Put')
export const Inc = t.type({ _tag: t.literal('Inc') }, 'Inc')
export const Ping = t.type({ _tag: t.literal('Ping'), replyTo: Process.pid }, 'Ping')
export const Msg = t.union([Get, Put, Inc, Ping], 'Msg')
export type Msg = t.TypeOf<typeof Msg>
const Value = t.type({ _tag: t.literal('Value'), value: t.number }, 'Value')
const Pong = t.type({ _tag: t.literal('Pong') }, 'Pong')
const Done = t.type({ _tag: t.literal('Done') }, 'Done')

// -------------------------------------------------------------------------------------
// the counter and its clients
// -------------------------------------------------------------------------------------

const counter = (n: number): Effect.Effect<Process.NoProcess, never> =>
  Process.receive(
    Process.on(Get, (m) => Effect.flatMap(Process.send(m.replyTo, { _tag: 'Value', value: n }), () => counter(n))),
    Process.on(Put, (m) => counter(m.value)),
    Process.on(Inc, () => counter(n + 1)),
    Process.on(Ping, (m) => Effect.flatMap(Process.send(m.replyTo, { _tag: 'Pong' }), () => counter(n)))
  )

/** The bug: read, then write back. */
const readModifyWrite = (c: Process.Pid<Msg>) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Process.send(c, { _tag: 'Get', replyTo: me })
    const { value } = yield* Process.receive(Value)
    yield* Process.send(c, { _tag: 'Put', value: value + 1 })
  })

/** The fix: the counter increments. */
const increment = (c: Process.Pid<Msg>) => Process.send(c, { _tag: 'Inc' })

/** Two clients increment once each; the result is the counter's final value. */
export const twoIncrements = (inc: (c: Process.Pid<Msg>) => Effect.Effect<Process.NoProcess, void>) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    const c = yield* Process.spawn(counter(0), { mailbox: Msg })
    const client = (checkFirst: boolean) =>
      Effect.gen(function* () {
        if (checkFirst) {
          yield* Process.send(c, { _tag: 'Ping', replyTo: yield* Process.self })
          yield* Process.receive(Pong)
        }
        yield* inc(c)
        yield* Process.send(me, { _tag: 'Done' })
      })
    yield* Process.spawn(client(false))
    yield* Process.spawn(client(true))
    yield* Process.receive(Done)
    yield* Process.receive(Done)
    yield* Process.send(c, { _tag: 'Get', replyTo: me })
    return (yield* Process.receive(Value)).value
  })

export const buggy = twoIncrements(readModifyWrite)
export const fixed = twoIncrements(increment)

/** The property: two increments make two. */
export const countsTwo = (_trace: ReadonlyArray<Runtime.Event>, r: Exit.Reason<Process.NoProcess, number>): boolean =>
  r._tag === 'Normal' && r.value === 2

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/** What the example found, so the test can check it. */
export interface TestingExploreResult {
  /** How a plain run in the production order ended. */
  readonly productionOrder: string
  /** How the failing run ended. */
  readonly failingExit: string
  readonly failure: string
  /** Which run found it, with which strategy and seed. */
  readonly run: number
  readonly strategy: string
  readonly seed: number
  /** The shrunk schedule, and its preemptions and non-default choices. */
  readonly schedule: string
  readonly preemptions: number
  /** The replayed trace. */
  readonly trace: ReadonlyArray<string>
  /** `replay(program, schedule)` gave the found trace, byte for byte. */
  readonly replayMatches: boolean
  /** The fix passed every schedule explored. */
  readonly fixPasses: boolean
}

/**
 * Names for the pids of a trace of `twoIncrements`, by the order they were spawned: the main
 * process, the counter, client-1 (reads at once) and client-2 (pings the counter first).
 */
const processNames = (trace: string): ReadonlyMap<string, string> => {
  const spawned = [...trace.matchAll(/^Spawn (#PID<[\d.]+>)/gm)].map((m) => m[1] ?? '')
  const names = ['main', 'counter', 'client-1', 'client-2']
  return new Map(spawned.map((pid, i) => [pid, names[i] ?? pid]))
}

/** A trace line with its pids replaced by their names. */
const named = (line: string, names: ReadonlyMap<string, string>): string =>
  line.replace(/#PID<[\d.]+>/g, (pid) => names.get(pid) ?? pid)

export const main = (runs = 1000, seed = 1): TestingExploreResult => {
  const plain = TestRuntime.make({ seed, strategy: 'fifo' }).runSync(buggy)
  const productionOrder = Exit.format(plain)
  console.log(`== a plain run (production order): ${productionOrder}`)

  console.log(`== exploring up to ${runs} schedules (seed ${seed})`)
  const explored = TestRuntime.explore(buggy, { runs, seed, check: countsTwo })
  if (O.isNone(explored)) throw new Error(`no schedule out of ${runs} lost the update`)
  const found = explored.value
  const failingExit = found.reason === undefined ? 'deadlock' : Exit.format(found.reason)
  console.log(`  run ${found.run} (${found.strategy}, seed ${found.seed}) ended ${failingExit}: ${found.failure}`)
  console.log(`  shrunk schedule: ${found.schedule} (${found.preemptions} preemptions/choices)`)

  const replayed = TestRuntime.format(TestRuntime.replay(buggy, found.schedule))
  const replayMatches = replayed === TestRuntime.format(found.trace)
  console.log(`== replay(buggy, '${found.schedule}'): ${replayMatches ? 'the same trace' : 'a different trace!'}`)
  const names = processNames(replayed)
  console.log(`  the processes: ${[...names].map(([pid, name]) => `${name} = ${pid}`).join(', ')}`)
  for (const line of replayed.split('\n')) console.log(`  ${named(line, names)}`)

  const fixRuns = Math.min(runs, 300)
  const fixPasses = O.isNone(TestRuntime.explore(fixed, { runs: fixRuns, seed, check: countsTwo }))
  console.log(`== the fix (an atomic Inc): ${fixPasses ? `passes all ${fixRuns} schedules` : 'fails too!'}`)

  return {
    productionOrder,
    failingExit,
    failure: found.failure,
    run: found.run,
    strategy: found.strategy,
    seed: found.seed,
    schedule: found.schedule,
    preemptions: found.preemptions,
    trace: replayed.split('\n'),
    replayMatches,
    fixPasses
  }
}

runIfMain(import.meta.url, () => {
  const { trace, ...summary } = main()
  return { ...summary, traceLines: trace.length }
})
