import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import * as DynamicSupervisor from '../lib/DynamicSupervisor.js'
import * as Start from '../lib/Start.js'
import type * as Supervisor from '../lib/Supervisor.js'

import { run } from './interpreter.js'
import { runLogged, value } from './support.js'
import { spec, worker } from './workers.js'

const waitGone = <E>(pid: Pid<unknown>, act: Effect.Effect<E, void>) =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(pid)
    yield* act
    yield* Process.receive(Exit.downOf(ref))
  })

const pids = (children: ReadonlyArray<Supervisor.Child>) =>
  children.map((c) => (O.isSome(c.pid) ? c.pid.value : undefined))

describe('DynamicSupervisor', () => {
  it('starts children on demand; lists them in start order with id undefined; counts them', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const empty = yield* DynamicSupervisor.countChildren(sup)
        const a = yield* DynamicSupervisor.startChild(sup, spec(log, 'a'))
        const b = yield* DynamicSupervisor.startChild(sup, spec(log, 'b', { type: 'supervisor' }))
        const children = yield* DynamicSupervisor.whichChildren(sup)
        const counts = yield* DynamicSupervisor.countChildren(sup)
        return {
          empty,
          order: pids(children).map((p) => (p === a ? 'a' : p === b ? 'b' : '?')),
          ids: children.map((c) => c.id),
          types: children.map((c) => c.type),
          counts
        }
      })
    )
    expect(value(r)).toEqual({
      empty: { specs: 0, active: 0, supervisors: 0, workers: 0 },
      order: ['a', 'b'],
      ids: [undefined, undefined],
      types: ['worker', 'supervisor'],
      counts: { specs: 2, active: 2, supervisors: 1, workers: 1 }
    })
    expect(seen).toEqual(['start a', 'start b'])
  })

  it('maxChildren: startChild beyond it fails with MaxChildren', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink({ maxChildren: 1 })
        yield* DynamicSupervisor.startChild(sup, spec([], 'a'))
        return yield* Effect.either(DynamicSupervisor.startChild(sup, spec([], 'b')))
      })
    )
    expect(value(r)).toEqual(E.left({ _tag: 'MaxChildren' }))
  })

  it('a start that fails or ignores: the error, and no child kept', async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const failed = yield* Effect.either(
          DynamicSupervisor.startChild(sup, { id: 'x', start: Effect.fail(Start.initFailed(Exit.custom('bad'))) })
        )
        const ignored = yield* Effect.either(
          DynamicSupervisor.startChild(sup, { id: 'y', start: Effect.fail(Start.ignore) })
        )
        const counts = yield* DynamicSupervisor.countChildren(sup)
        return { failed, ignored, specs: counts.specs }
      })
    )
    expect(value(r)).toEqual({
      failed: E.left(Start.initFailed(Exit.custom('bad'))),
      ignored: E.left(Start.ignore),
      specs: 0
    })
  })

  it('a crashed permanent child is restarted under a new pid, at the end of the list', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const a = yield* DynamicSupervisor.startChild(sup, spec(log, 'a'))
        const b = yield* DynamicSupervisor.startChild(sup, spec(log, 'b'))
        yield* waitGone(a, Process.exit(a, Exit.kill))
        const children = pids(yield* DynamicSupervisor.whichChildren(sup))
        return {
          count: children.length,
          second: children[0] === b,
          newA: children[1] !== a && children[1] !== undefined
        }
      })
    )
    expect(value(r)).toEqual({ count: 2, second: true, newA: true })
    expect(seen).toEqual(['start a', 'start b', 'stop a :killed', 'start a'])
  })

  it('transient after a normal exit and temporary are not restarted, and are forgotten', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const tr = yield* DynamicSupervisor.startChild(sup, spec(log, 'transient', { restart: 'transient' }))
        const te = yield* DynamicSupervisor.startChild(sup, spec(log, 'temporary', { restart: 'temporary' }))
        yield* waitGone(tr, Process.send(tr, 'exit normally'))
        yield* waitGone(te, Process.send(te, 'crash'))
        return (yield* DynamicSupervisor.countChildren(sup)).specs
      })
    )
    expect(value(r)).toBe(0)
    expect(seen).toEqual(['start transient', 'start temporary', 'stop transient :normal', 'stop temporary :crash'])
  })

  it('terminateChild stops a child; an unknown pid is NotFound', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const a = yield* DynamicSupervisor.startChild(sup, spec(log, 'a'))
        yield* DynamicSupervisor.terminateChild(sup, a)
        const again = yield* Effect.either(DynamicSupervisor.terminateChild(sup, a))
        const specs = (yield* DynamicSupervisor.countChildren(sup)).specs
        return { again, specs }
      })
    )
    expect(value(r)).toEqual({ again: E.left({ _tag: 'NotFound' }), specs: 0 })
    expect(seen).toEqual(['start a', 'stop a :shutdown'])
  })

  it('running out of restart intensity: the supervisor exits with shutdown', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 1, maxSeconds: 60 })
        const a = yield* DynamicSupervisor.startChild(sup, spec(log, 'a'))
        yield* DynamicSupervisor.startChild(sup, spec(log, 'b'))
        yield* waitGone(a, Process.exit(a, Exit.kill))
        const [again] = pids(yield* DynamicSupervisor.whichChildren(sup)).slice(-1)
        yield* waitGone(again as Pid<unknown>, Process.exit(again as Pid<unknown>, Exit.kill))
        const exit = yield* Process.receive(Exit.ExitSignal)
        return { fromSup: exit.from === sup, reason: exit.reason }
      })
    )
    expect(value(r)).toEqual({ fromSup: true, reason: Exit.shutdown })
    expect(seen).toEqual(['start a', 'start b', 'stop a :killed', 'start a', 'stop a :killed', 'stop b :shutdown'])
  })

  it('stop: all children get shutdown at once; one ignoring it is killed after its own shutdown time', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        yield* DynamicSupervisor.startChild(sup, {
          id: 's',
          start: worker(log, 'stubborn', { trap: true }),
          shutdown: 60
        })
        yield* DynamicSupervisor.startChild(sup, spec(log, 'polite'))
        yield* DynamicSupervisor.startChild(sup, {
          id: 'b',
          start: worker(log, 'brutal', { trap: true }),
          shutdown: 'brutal_kill'
        })
        yield* DynamicSupervisor.stop(sup)
        yield* Effect.sleep(10)
        return yield* Process.isAlive(sup)
      })
    )
    expect(value(r)).toBe(false)
    expect(seen).toEqual([
      'start stubborn',
      'start polite',
      'start brutal',
      'stop polite :shutdown',
      'stop brutal :killed',
      'stop stubborn :killed'
    ])
  })

  it('rejects bad options with a clear error', () => {
    expect(() => DynamicSupervisor.startLink({ maxChildren: -1 })).toThrow(
      'DynamicSupervisor.startLink: maxChildren must be an integer >= 0 (or Infinity), got number -1'
    )
  })
})
