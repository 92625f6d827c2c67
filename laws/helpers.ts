/**
 * Law-testing helpers: equality of programs by interpretation.
 *
 * Two programs are equal when running each as a process on the production
 * runtime ends it with the same exit reason (`Exit.Reason`, compared with
 * `toEqual`): the same value, the same typed failure or the same defect.
 * No program here depends on wall-clock time.
 */
import * as fc from 'fast-check'
import { expect } from 'vitest'
import { Effect, Exit, Runtime } from '../lib/index.js'

/** Runs per law. */
export const NUM_RUNS = 100

/** Checks an asynchronous property with `NUM_RUNS` runs. */
export const checkLaw = <Ts>(property: fc.IAsyncProperty<Ts>): Promise<void> =>
  fc.assert(property, { numRuns: NUM_RUNS })

/** Runs `program` as a process on a fresh runtime and resolves with its exit reason. */
export const runExit = <E, A>(program: Effect.Effect<E, A>): Promise<Exit.Reason<E, A>> => Runtime.make().run(program)

/**
 * Asserts `left ≡ right`: both run (side by side, on one fresh runtime) to
 * the same exit reason, and no process is left behind.
 */
export const expectEquivalent = async <E1, A1, E2, A2>(
  left: Effect.Effect<E1, A1>,
  right: Effect.Effect<E2, A2>
): Promise<void> => {
  const rt = Runtime.make()
  const [l, r] = await Promise.all([rt.run(left), rt.run(right)])
  expect(l).toEqual(r)
  expect(rt.processes()).toEqual([])
}

/** Asserts that `program` ends with exactly `expected`. */
export const expectExit = async <E, A>(program: Effect.Effect<E, A>, expected: Exit.Reason): Promise<void> => {
  expect(await runExit(program)).toEqual(expected)
}

/** The value of a `Normal` exit; fails the test (showing the reason) otherwise. */
export const returnedValue = <E, A>(reason: Exit.Reason<E, A>): A => {
  if (reason._tag !== 'Normal' || !('value' in reason)) {
    throw new Error(`expected the program to return a value, it ended with ${Exit.format(reason)}`)
  }
  return reason.value as A
}
