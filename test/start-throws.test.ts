/**
 * A start that throws (a defect, not a typed failure) is an error of that
 * start, never the death of the process that ran it: as Elixir's
 * dynamic_supervisor_test.exs "with throw/error/exit" shows, the supervisor
 * answers `{:error, reason}` and lives on. Also: the supervisors' messages
 * to themselves cannot be forged.
 */
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { Agent, DynamicSupervisor, Effect, Exit, GenServer, Process, Start, Supervisor } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'

import { run } from './interpreter.js'
import { drain, value } from './support.js'
import { spec } from './workers.js'

const oops = new Error('oops')

/** The three ways start code can go wrong in Elixir: throw, raise, exit. */
const bad = {
  throw: Effect.sync((): Pid<unknown> => {
    throw 'oops'
  }),
  error: Effect.flatMap(Effect.unit, (): Effect.Effect<never, Pid<unknown>> => {
    throw oops
  }),
  exit: Process.exit(Exit.custom('oops'))
}
const reasons = { throw: Exit.defect('oops'), error: Exit.defect(oops), exit: Exit.custom('oops') }
const expected = {
  throw: Start.initFailed(reasons.throw),
  error: Start.initFailed(reasons.error),
  exit: Start.initFailed(reasons.exit)
}

describe('a start that throws', () => {
  it('DynamicSupervisor.startChild: the error (throw, Error, exit), and the supervisor lives', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const out: Record<string, unknown> = {}
        for (const [k, start] of Object.entries(bad)) {
          out[k] = yield* Effect.either(DynamicSupervisor.startChild(sup, { id: k, start }))
        }
        out['counts'] = yield* DynamicSupervisor.countChildren(sup)
        out['alive'] = yield* Process.isAlive(sup)
        return out
      })
    )
    expect(value(r)).toEqual({
      throw: E.left(expected.throw),
      error: E.left(expected.error),
      exit: E.left(expected.exit),
      counts: { specs: 0, active: 0, supervisors: 0, workers: 0 },
      alive: true
    })
  })

  it('Supervisor.startChild: the error (throw, Error, exit), and the supervisor lives', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec([], 'a')], { strategy: 'one_for_one' })
        const out: Record<string, unknown> = {}
        for (const [k, start] of Object.entries(bad)) {
          out[k] = yield* Effect.either(Supervisor.startChild(sup, { id: k, start }))
        }
        out['counts'] = yield* Supervisor.countChildren(sup)
        out['alive'] = yield* Process.isAlive(sup)
        return out
      })
    )
    expect(value(r)).toEqual({
      throw: E.left(expected.throw),
      error: E.left(expected.error),
      exit: E.left(expected.exit),
      counts: { specs: 1, active: 1, supervisors: 0, workers: 1 },
      alive: true
    })
  })

  it('Supervisor.startLink: FailedToStartChild with the reason; the started children stop; the caller lives', async () => {
    for (const k of ['throw', 'error', 'exit'] as const) {
      const log: Array<string> = []
      const r = await run(
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          const started = yield* Effect.either(
            Supervisor.startLink([spec(log, 'a'), { id: 'bad', start: bad[k] }], { strategy: 'one_for_one' })
          )
          const exits = (yield* drain).filter((m) => Exit.ExitSignal.is(m)).map((m) => (m as Exit.ExitSignal).reason)
          return { started, exits }
        })
      )
      const reason = Exit.shutdownWith({ _tag: 'FailedToStartChild', id: 'bad', reason: reasons[k] })
      expect(value(r)).toEqual({ started: E.left(Start.initFailed(reason)), exits: [reason] })
      expect(log).toEqual(['start a', 'stop a :shutdown'])
    }
  })

  it('GenServer init that throws: InitFailed with the reason; an unlinked caller lives', async () => {
    const inits = {
      throw: () => {
        throw 'oops'
      },
      error: () => {
        throw oops
      },
      exit: () => Process.exit(Exit.custom('oops'))
    }
    const r = await run(
      Effect.gen(function* () {
        const out: Record<string, unknown> = {}
        for (const [k, init] of Object.entries(inits)) {
          out[k] = yield* Effect.either(GenServer.start({ init }, undefined))
        }
        return out
      })
    )
    expect(value(r)).toEqual({
      throw: E.left(expected.throw),
      error: E.left(expected.error),
      exit: E.left(expected.exit)
    })
  })

  it('GenServer.startLink init that throws: InitFailed, and a trapping caller gets the EXIT (as Elixir)', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const started = yield* Effect.either(
          GenServer.startLink(
            {
              init: () => {
                throw oops
              }
            },
            undefined
          )
        )
        const exits = (yield* drain).filter((m) => Exit.ExitSignal.is(m)).map((m) => (m as Exit.ExitSignal).reason)
        return { started, exits }
      })
    )
    expect(value(r)).toEqual({ started: E.left(expected.error), exits: [Exit.defect(oops)] })
  })

  it("Agent's start function that throws: InitFailed(Defect)", async () => {
    const r = await run(
      Effect.either(
        Agent.start(() => {
          throw oops
        })
      )
    )
    expect(value(r)).toEqual(E.left(expected.error))
  })
})

describe('internal messages cannot be forged', () => {
  // a forged "a restart left the window" message used to reset the restart count
  const forged = [{ _tag: 'Supervisor.Expired' }, { _tag: 'Supervisor.Internal', what: 'expired' }]

  const crash = (pid: Pid<unknown>) =>
    Effect.gen(function* () {
      const ref = yield* Process.monitor(pid)
      yield* Process.exit(pid, Exit.kill)
      yield* Process.receive(Exit.downOf(ref))
    })

  it('Supervisor: forged window messages do not reset the restart count', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const sup = yield* Supervisor.startLink([spec([], 'a')], {
          strategy: 'one_for_one',
          maxRestarts: 2,
          maxSeconds: 60
        })
        const supMon = yield* Process.monitor(sup)
        for (let i = 0; i < 3; i++) {
          const children = yield* Supervisor.whichChildren(sup)
          const c = children[0]
          if (c === undefined || c.pid._tag === 'None') return 'no child'
          for (const m of forged) for (let j = 0; j < 5; j++) yield* Process.send(sup, m)
          yield* crash(c.pid.value)
        }
        return yield* Process.receive(
          Process.on(Exit.downOf(supMon), (down) => Effect.succeed(down.reason)),
          Process.after(5_000, () => Effect.succeed('the supervisor is still alive'))
        )
      })
    )
    expect(value(r)).toEqual(Exit.shutdown)
  })

  it('DynamicSupervisor: forged window messages do not reset the restart count', async () => {
    const r = await run(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 2, maxSeconds: 60 })
        const supMon = yield* Process.monitor(sup)
        yield* DynamicSupervisor.startChild(sup, spec([], 'a'))
        for (let i = 0; i < 3; i++) {
          const children = yield* DynamicSupervisor.whichChildren(sup)
          const c = children[0]
          if (c === undefined || c.pid._tag === 'None') return 'no child'
          for (const m of forged) for (let j = 0; j < 5; j++) yield* Process.send(sup, m)
          yield* crash(c.pid.value)
        }
        return yield* Process.receive(
          Process.on(Exit.downOf(supMon), (down) => Effect.succeed(down.reason)),
          Process.after(5_000, () => Effect.succeed('the supervisor is still alive'))
        )
      })
    )
    expect(value(r)).toEqual(Exit.shutdown)
  })
})
