/**
 * What a process borrows from its host, measured the same way in a page and under Node:
 * timers (`Process.sleep`, `sendAfter`/`cancelTimer`) against `performance.now()`,
 * `Effect.timeout` aborting an `Effect.async`'s `AbortSignal`, and the virtual clock of
 * `TestRuntime` (an hour passes at once). Booleans where the host's timing varies.
 */
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, Scheduler, TestRuntime } from '../../../lib/index.js'

const rt = Runtime.make()

const timers = Effect.gen(function* () {
  const before = performance.now()
  yield* Process.sleep(30)
  const slept = performance.now() - before
  const me = yield* Process.self
  const cancelled = yield* Process.sendAfter(me, 'cancelled', 10)
  yield* Process.cancelTimer(cancelled)
  yield* Process.sendAfter(me, 'kept', 20)
  const got = yield* Process.receive(t.string)
  return { sleptAtLeast30: slept >= 29, sleptUnder10s: slept < 10_000, got }
})

let aborted: unknown = 'not aborted'
const abortable = Effect.timeout(
  Effect.async<never, string>((resume, signal) => {
    const h = setTimeout(() => resume(Effect.succeed('finished')), 10_000)
    signal.addEventListener('abort', () => {
      clearTimeout(h)
      aborted = signal.aborted
    })
  }),
  20
)

const virtual = TestRuntime.make({ seed: 7 })
const hour = Effect.gen(function* () {
  const start = yield* Effect.sync(() => virtual.now)
  yield* Process.sleep(3_600_000)
  return (yield* Effect.sync(() => virtual.now)) - start
})

const value = (r: Exit.Reason): unknown => (Exit.isNormal(r) ? r.value : Exit.format(r))
const timed = value(await rt.run(timers))
const timeout = { result: value(await rt.run(abortable)), aborted }
const wall = performance.now()
const virtualHour = value(await virtual.run(hour))
export const result = {
  timers: timed,
  timeout,
  virtualHour,
  virtualHourTookUnder30s: performance.now() - wall < 30_000,
  macrotask: Scheduler.macrotask()
}
