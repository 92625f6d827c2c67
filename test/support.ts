/**
 * Helpers shared by the process tests: small codecs, "receive within", "prove
 * nothing arrives", a process that answers pings, and a main-process runner.
 */
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, type Runtime } from '../lib/index.js'
import { afterEach, beforeEach, vi } from 'vitest'
import { run } from './interpreter.js'

type Pid = Process.Pid<unknown>

export const Go = t.literal('go')

export const Ready = t.literal('ready')

export const Pong = t.literal('pong')

export const Ping = t.type({ _tag: t.literal('ping'), from: Process.pid })

/** Receives a message `codec` matches; a process that waits too long dies, so the test fails with a clear reason. */
export const within = <A>(codec: t.Decoder<unknown, A>, ms = 10_000): Effect.Effect<never, A> =>
  Process.receive(
    Process.on(codec, (m) => Effect.succeed(m)),
    Process.after(ms, () => Effect.die(new Error(`no message matching ${codec.name} within ${ms} ms`)))
  )

/** `none` when no message `codec` matches arrives within `ms`: proves that something did NOT arrive. */
export const nothing = <A>(codec: t.Decoder<unknown, A>, ms = 50): Effect.Effect<never, O.Option<A>> =>
  Process.receive(
    Process.on(codec, (m) => Effect.succeed(O.some(m))),
    Process.after(ms, () => Effect.succeed(O.none))
  )

/** Answers every ping with a pong, forever: proves that a process keeps running. */
export const pingable = Effect.gen(function* () {
  for (;;) {
    const m = yield* Process.receive(Ping)
    yield* Process.send(m.from, 'pong')
  }
})

/** 'pong' when `pid` is alive and answering. */
export const ping = (pid: Pid) =>
  Effect.gen(function* () {
    const me = yield* Process.self
    yield* Process.send(pid, { _tag: 'ping', from: me })
    return yield* Process.receive(
      Process.on(Pong, (p) => Effect.succeed(p)),
      Process.after(2_000, () => Effect.succeed('no reply' as const))
    )
  })

/** Waits for 'go', then runs `body`. */
export const onGo = <E, A>(body: Effect.Effect<E, A>) => Effect.flatMap(Process.receive(Go), () => body)

/** Runs `program` as the main process; its value, or a thrown error naming the exit reason. */
export const runMain = async <E, A>(rt: Runtime.Runtime, program: Effect.Effect<E, A>): Promise<A> => {
  const r = await rt.run(program)
  if (r._tag !== 'Normal') throw new Error(`main ended with ${Exit.format(r)}`)
  return r.value as A
}

/** Every exit reason, by pid. */
export const collectExits = (rt: Runtime.Runtime): Map<Pid, Exit.Reason> => {
  const exits = new Map<Pid, Exit.Reason>()
  rt.exits$.subscribe(({ pid, reason }) => {
    exits.set(pid, reason)
  })
  return exits
}

/** The value of a normal exit; any other exit throws, naming the reason. */
export const value = <A>(reason: Exit.Reason<unknown, A>): A => {
  if (reason._tag !== 'Normal') throw new Error(`expected a normal exit, got ${Exit.format(reason)}`)
  return reason.value as A
}

/** The messages left in the caller's mailbox, taken with `receive ... after(0)`. */
export const drain: Effect.Effect<never, ReadonlyArray<unknown>> = Effect.suspend(() => {
  const out: Array<unknown> = []
  const loop: Effect.Effect<never, ReadonlyArray<unknown>> = Process.receive(
    Process.on(t.unknown, (m) => {
      out.push(m)
      return loop
    }),
    Process.after(0, () => Effect.succeed(out))
  )
  return loop
})

/**
 * Runs `program` (on the current interpreter, see ./interpreter.ts) and copies
 * `log` as it ends: after that, a supervisor linked to it gets its parent's
 * EXIT and stops its children, which logs more.
 */
export const runLogged = async <E, A>(log: ReadonlyArray<string>, program: Effect.Effect<E, A>) => {
  let seen: ReadonlyArray<string> = []
  const reason = await run(
    Effect.ensuring(
      program,
      Effect.sync(() => (seen = [...log]))
    )
  )
  return { reason, log: seen }
}

/**
 * What `console.log` printed during the running test, one string per call
 * (the examples print as they go): captured, and kept out of the test output.
 * Call it once at the top of a test file; the array is emptied before each test.
 */
export const capturedLog = (): ReadonlyArray<string> => {
  const lines: Array<string> = []
  beforeEach(() => {
    lines.length = 0
    vi.spyOn(console, 'log').mockImplementation((...args: ReadonlyArray<unknown>) => {
      lines.push(args.map(String).join(' '))
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })
  return lines
}
