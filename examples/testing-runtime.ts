/**
 * A whole system on a virtual clock: an hour of sleeps and timeouts runs in
 * an instant, and the same seed gives the same run, event for event.
 *
 * The system, as one would write it in Elixir:
 *
 * ```elixir
 * worker = spawn(fn -> for n <- 1..6, do: (Process.sleep(10 * 60_000); send(watchdog, {:beat, n})) end)
 *
 * defp watchdog(main, beats) do
 *   receive do
 *     {:beat, n} -> watchdog(main, [n | beats])
 *   after
 *     15 * 60_000 -> send(main, {:alarm, Enum.reverse(beats)})
 *   end
 * end
 * ```
 *
 * A worker beats every ten minutes for an hour, then stops. A watchdog
 * raises an alarm once it has heard nothing for fifteen minutes: at 75
 * minutes of virtual time. `TestRuntime.make({ seed })` runs it on the
 * production run loop with a seeded scheduler and a virtual clock: no host
 * timer is created, and the clock jumps to the next timer whenever every
 * process waits. The trace (`rt.trace`, printed with `TestRuntime.format`)
 * is the same on every run with the same seed.
 *
 * Run it: `npx tsx examples/testing-runtime.ts`
 */
import * as t from 'io-ts'
import { Effect, Exit, Process, TestRuntime } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/** Elixir: `{:beat, n}`. */
export const Beat = t.type({ _tag: t.literal('Beat'), n: t.number }, 'Beat')

/** Elixir: `{:alarm, beats}`. */
export const Alarm = t.type({ _tag: t.literal('Alarm'), beats: t.array(t.number) }, 'Alarm')

// -------------------------------------------------------------------------------------
// the system
// -------------------------------------------------------------------------------------

const MINUTE = 60_000
export const BEAT_EVERY = 10 * MINUTE
export const SILENCE = 15 * MINUTE

/** Beats six times, ten minutes apart, then ends. */
const worker = (watchdog: Process.Pid) =>
  Effect.gen(function* () {
    for (let n = 1; n <= 6; n++) {
      yield* Process.sleep(BEAT_EVERY)
      yield* Process.send(watchdog, { _tag: 'Beat', n })
    }
  })

/** Collects beats; after fifteen minutes of silence, tells main which beats it heard. */
const watchdog = (main: Process.Pid, beats: ReadonlyArray<number>): Effect.Effect<Process.NoProcess, void> =>
  Process.receive(
    Process.on(Beat, ({ n }) => watchdog(main, [...beats, n])),
    Process.after(SILENCE, () => Process.send(main, { _tag: 'Alarm', beats: [...beats] }))
  )

/** Starts the watchdog and the worker, waits for the alarm. */
export const system = Effect.gen(function* () {
  const me = yield* Process.self
  const dog = yield* Process.spawn(watchdog(me, []), { mailbox: Beat })
  yield* Process.spawn(worker(dog))
  const alarm = yield* Process.receive(Alarm)
  return alarm.beats
})

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/** What the example found, so the test can check it. */
export interface TestingRuntimeResult {
  /** How the system ended. */
  readonly exit: string
  /** The virtual time when it ended, in ms. */
  readonly virtualMs: number
  /** Virtual timers set (none of them a host timer). */
  readonly timersCreated: number
  /** The trace, one line per event, each with the virtual minute it happened at. */
  readonly trace: ReadonlyArray<string>
  /** A second run with the same seed gave the same trace, byte for byte. */
  readonly sameTrace: boolean
}

export const main = (seed = 42): TestingRuntimeResult => {
  const rt = TestRuntime.make({ seed })
  // the virtual minute of each event, in trace order (events$ emits the same events as rt.trace)
  const minutes: Array<number> = []
  rt.events$.subscribe(() => minutes.push(rt.now / MINUTE))
  const started = performance.now()
  const reason = rt.runSync(system)
  const realMs = performance.now() - started
  const exit = Exit.format(reason)
  console.log(`== seed ${seed}: ${exit}`)
  const virtual = `${rt.now / MINUTE} minutes of virtual time`
  console.log(`  ${virtual} in ${realMs.toFixed(1)} ms of real time, ${rt.clock.created} virtual timers`)

  const text = TestRuntime.format(rt.trace)
  const trace = text.split('\n').map((line, i) => `${String(minutes[i]).padStart(3)} min  ${line}`)
  console.log('== the trace')
  for (const line of trace) console.log(`  ${line}`)

  const again = TestRuntime.make({ seed })
  again.runSync(system)
  const sameTrace = TestRuntime.format(again.trace) === text
  console.log(`== the same seed again: ${sameTrace ? 'the same trace, byte for byte' : 'a different trace!'}`)

  return { exit, virtualMs: rt.now, timersCreated: rt.clock.created, trace, sameTrace }
}

runIfMain(import.meta.url, main)
