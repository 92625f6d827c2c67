/**
 * How the translations of Elixir's own tests run: each case is one vitest
 * test named after the Elixir case with its file and line; its body is an
 * Effect run as the main process, once on `Runtime` and once on
 * `TestRuntime` (virtual clock, seeded scheduler). Assertions run inside the
 * process, as ExUnit's do; a failed one ends the process and fails the test
 * with its own message.
 */
import { expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime, TestRuntime } from '../../lib/index.js'

const runOn = async (rt: Runtime.Runtime, program: Effect.Effect<unknown, unknown>, where: string): Promise<void> => {
  const r = await rt.run(program)
  // the test runtime's processes left waiting hold nothing (virtual timers): only the real one is shut down
  if (where === 'Runtime') await rt.shutdown()
  if (r._tag === 'Defect' && r.defect instanceof Error) {
    r.defect.message = `${where}: ${r.defect.message}`
    throw r.defect
  }
  if (r._tag !== 'Normal') throw new Error(`${where}: the test process ended with ${Exit.format(r)}`)
}

let seed = 1

/** The cases of one Elixir test file. */
export const elixir = (file: string) => ({
  /** A translated case: `body` runs on both interpreters. */
  test: (line: number, name: string, body: (rt: Runtime.Runtime) => Effect.Effect<unknown, unknown>): void => {
    it(`${name} (${file}:${line})`, async () => {
      const rt = Runtime.make()
      await runOn(rt, body(rt), 'Runtime')
      const trt = TestRuntime.make({ seed: seed++ })
      await runOn(trt, body(trt), 'TestRuntime')
    })
  },
  /** A case that cannot be expressed with this library, and why. */
  skip: (line: number, name: string, reason: string): void => {
    it.skip(`${name} (${file}:${line}): not expressible: ${reason}`, () => {})
  }
})

/** ExUnit's `assert a == b` (deep equality), inside the process. */
export const eq = (actual: unknown, expected: unknown): Effect.Effect<never, void> =>
  Effect.sync(() => expect(actual).toEqual(expected))

/** ExUnit's `assert`, inside the process. */
export const ok = (cond: boolean, what = 'assertion'): Effect.Effect<never, void> =>
  Effect.sync(() => expect(cond, what).toBe(true))

/** A codec from a predicate. */
export const where = <A = unknown>(name: string, pred: (u: unknown) => boolean): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => pred(u),
    (u, c) => (pred(u) ? t.success(u as A) : t.failure(u, c)),
    t.identity
  )

/** `assert_receive` (default 100 ms as ExUnit; longer under load is harmless): the first message `pred` accepts. */
export const assertReceive = <A = unknown>(pred: (u: unknown) => boolean, ms = 1000): Effect.Effect<never, A> =>
  Process.receive(
    Process.on(where<A>('assert_receive', pred), (m) => Effect.succeed(m)),
    Process.after(ms, () => Effect.die(new Error(`assert_receive: no matching message within ${ms} ms`)))
  )

/** `refute_received` / `refute_receive`: no message `pred` accepts within `ms` (0: already in the mailbox). */
export const refuteReceive = (pred: (u: unknown) => boolean, ms = 0): Effect.Effect<never, void> =>
  Process.receive(
    Process.on(where('refute_receive', pred), (m) => Effect.die(new Error(`refute_receive: got ${String(m)}`))),
    Process.after(ms, () => Effect.unit)
  )

/** `catch_exit(expr)`: the reason `expr` exits with (its `Exiting` failure), or a failed assertion. */
export const catchExit = <E, A>(expr: Effect.Effect<E, A>): Effect.Effect<never, Exit.Reason> =>
  Effect.flatMap(Effect.either(expr), (r) =>
    E.isLeft(r) && Exit.isExiting(r.left)
      ? Effect.succeed(r.left.reason)
      : Effect.die(new Error(`catch_exit: expected an exit, got ${E.isLeft(r) ? String(r.left) : 'a value'}`))
  )

/** Monitors `pid` and waits for its DOWN: its exit reason. */
export const waitDown = (pid: Process.Pid<unknown>): Effect.Effect<never, Exit.Reason> =>
  Effect.flatMap(Process.monitor(pid), (ref) =>
    Effect.map(
      assertReceive<Exit.Down>((u) => Exit.Down.is(u) && u.ref === ref, 5000),
      (m) => m.reason
    )
  )

/** `is_pid`-ish: `some(pid)` to its value. */
export const some = <A>(o: O.Option<A>): Effect.Effect<never, A> =>
  O.isSome(o) ? Effect.succeed(o.value) : Effect.die(new Error('expected some, got none'))

/** `Process.info(pid)`: the runtime's snapshot of one live process. */
export const infoOf = (rt: Runtime.Runtime, pid: Process.Pid<unknown>): Effect.Effect<never, Runtime.ProcessInfo> =>
  Effect.suspend(() => {
    const info = rt.processes().find((p) => p.pid === pid)
    return info === undefined ? Effect.die(new Error(`${String(pid)} is not alive`)) : Effect.succeed(info)
  })
