/**
 * Which interpreter the OTP tests run on. By default the production
 * `Runtime`; `test/otp-on-test-runtime.test.ts` switches to `TestRuntime`
 * (virtual clock, seeded scheduler) and runs the same test files again, so
 * restart windows of seconds pass without real waiting.
 */
import { Runtime, TestRuntime, type Effect, type Exit } from '../lib/index.js'

let virtual = false
let seed = 1

/** Runs the OTP test files that follow on the test runtime. */
export const useTestRuntime = (): void => {
  virtual = true
}

/** `true` when the tests run on the virtual clock. */
export const onTestRuntime = (): boolean => virtual

/** A fresh runtime of the current kind. */
export const makeRuntime = (): Runtime.Runtime => (virtual ? TestRuntime.make({ seed: seed++ }) : Runtime.make())

/** Runs `program` as the main process on a fresh runtime of the current kind. */
export const run = <E, A>(program: Effect.Effect<E, A>): Promise<Exit.Reason<E, A>> => makeRuntime().run(program)
