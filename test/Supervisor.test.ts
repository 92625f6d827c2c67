import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process } from '../lib/index.js'
import type { Pid } from '../lib/Pid.js'
import * as GenServer from '../lib/GenServer.js'
import * as Start from '../lib/Start.js'
import * as Supervisor from '../lib/Supervisor.js'
import * as TestRuntime from '../lib/testing/TestRuntime.js'

import { run } from './interpreter.js'
import { runLogged, value } from './support.js'
import { Cmd, spec, worker } from './workers.js'

const pidOf = (sup: Pid<unknown>, id: string) =>
  Effect.flatMap(Supervisor.whichChildren(sup), (children) => {
    const c = children.find((x) => x.id === id)
    return c !== undefined && O.isSome(c.pid)
      ? Effect.succeed(c.pid.value)
      : Effect.die(new Error(`${id} is not running`))
  })

/** Signals `pid` and waits until it is gone (its link signal reached the supervisor before our DOWN). */
const killAndWait = (pid: Pid<unknown>, reason: Exit.Reason = Exit.kill) =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(pid)
    yield* Process.exit(pid, reason)
    yield* Process.receive(Exit.downOf(ref))
  })

/** Sends a command to the child `id` and waits until it is gone. */
const command = (sup: Pid<unknown>, id: string, cmd: t.TypeOf<typeof Cmd>) =>
  Effect.gen(function* () {
    const pid = yield* pidOf(sup, id)
    const ref = yield* Process.monitor(pid)
    yield* Process.send(pid, cmd)
    yield* Process.receive(Exit.Down)
    return ref
  })

const ids = (children: ReadonlyArray<Supervisor.Child>) =>
  children.map((c) => `${c.id ?? '?'}${O.isSome(c.pid) ? '' : ' (not running)'}`)

describe('Supervisor start and listing', () => {
  it('starts children in order; whichChildren lists them newest first; countChildren', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink(
          [spec(log, 'a'), spec(log, 'b'), { ...spec(log, 'c'), type: 'supervisor' }],
          { strategy: 'one_for_one' }
        )
        const children = yield* Supervisor.whichChildren(sup)
        const counts = yield* Supervisor.countChildren(sup)
        return { children: children.map((c) => [c.id, c.type, O.isSome(c.pid)]), counts }
      })
    )
    expect(seen).toEqual(['start a', 'start b', 'start c'])
    expect(value(r)).toEqual({
      children: [
        ['c', 'supervisor', true],
        ['b', 'worker', true],
        ['a', 'worker', true]
      ],
      counts: { specs: 3, active: 3, supervisors: 1, workers: 2 }
    })
  })

  it('a child that fails to start: the started ones stop in reverse order and startLink fails', async () => {
    const log: Array<string> = []
    const failing: Supervisor.ChildSpec = {
      id: 'bad',
      start: Effect.flatMap(
        Effect.sync(() => log.push('start bad')),
        () => Effect.fail(Start.initFailed(Exit.custom('no db')))
      )
    }
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        return yield* Effect.either(
          Supervisor.startLink([spec(log, 'a'), spec(log, 'b'), failing, spec(log, 'c')], { strategy: 'one_for_one' })
        )
      })
    )
    const info: Supervisor.FailedToStartChild = { _tag: 'FailedToStartChild', id: 'bad', reason: Exit.custom('no db') }
    expect(value(r)).toEqual(E.left(Start.initFailed(Exit.shutdownWith(info))))
    expect(seen).toEqual(['start a', 'start b', 'start bad', 'stop b :shutdown', 'stop a :shutdown'])
  })

  it('rejects bad specs and options with a clear error', () => {
    expect(() =>
      Supervisor.startLink([{ id: 'x', start: Effect.unit as never, restart: 'sometimes' as never }], {
        strategy: 'one_for_one'
      })
    ).toThrow(
      `Supervisor.startLink: child spec "x": restart must be 'permanent', 'transient' or 'temporary', got "sometimes"`
    )
    expect(() => Supervisor.startLink([], { strategy: 'one_for_none' as never })).toThrow(
      `Supervisor.startLink: strategy must be 'one_for_one', 'one_for_all' or 'rest_for_one', got "one_for_none"`
    )
    const log: Array<string> = []
    expect(() => Supervisor.startLink([spec(log, 'a'), spec(log, 'a')], { strategy: 'one_for_one' })).toThrow(
      'Supervisor.startLink: duplicate child id "a"'
    )
  })
})

describe('Supervisor strategies', () => {
  const strategyRun = (strategy: Supervisor.Strategy) => {
    const log: Array<string> = []
    const program = Effect.gen(function* () {
      const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b'), spec(log, 'c')], { strategy })
      const before = yield* Supervisor.whichChildren(sup)
      yield* killAndWait(yield* pidOf(sup, 'b'))
      const after = yield* Supervisor.whichChildren(sup)
      const changed = after.map((c, i) =>
        O.isSome(c.pid) && O.isSome(before[i]?.pid ?? O.none)
          ? !Object.is(c.pid.value, (before[i]?.pid as O.Some<unknown>).value)
          : null
      )
      return { ids: ids(after), changed }
    })
    return { log, program }
  }

  it('one_for_one restarts only the child that died', async () => {
    const { log, program } = strategyRun('one_for_one')
    const { reason: r, log: seen } = await runLogged(log, program)
    expect(seen).toEqual(['start a', 'start b', 'start c', 'stop b :killed', 'start b'])
    expect(value(r)).toEqual({ ids: ['c', 'b', 'a'], changed: [false, true, false] })
  })

  it('one_for_all stops the others in reverse order and restarts all in order', async () => {
    const { log, program } = strategyRun('one_for_all')
    const { reason: r, log: seen } = await runLogged(log, program)
    expect(seen).toEqual([
      'start a',
      'start b',
      'start c',
      'stop b :killed',
      'stop c :shutdown',
      'stop a :shutdown',
      'start a',
      'start b',
      'start c'
    ])
    expect(value(r)).toEqual({ ids: ['c', 'b', 'a'], changed: [true, true, true] })
  })

  it('rest_for_one restarts the child and those started after it', async () => {
    const { log, program } = strategyRun('rest_for_one')
    const { reason: r, log: seen } = await runLogged(log, program)
    expect(seen).toEqual(['start a', 'start b', 'start c', 'stop b :killed', 'stop c :shutdown', 'start b', 'start c'])
    expect(value(r)).toEqual({ ids: ['c', 'b', 'a'], changed: [true, true, false] })
  })

  it('one_for_all also starts again a child stopped by terminateChild (as Elixir)', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b'), spec(log, 'c')], {
          strategy: 'one_for_all'
        })
        yield* Supervisor.terminateChild(sup, 'b')
        yield* killAndWait(yield* pidOf(sup, 'c'))
        return ids(yield* Supervisor.whichChildren(sup))
      })
    )
    expect(seen).toEqual([
      'start a',
      'start b',
      'start c',
      'stop b :shutdown',
      'stop c :killed',
      'stop a :shutdown',
      'start a',
      'start b',
      'start c'
    ])
    expect(value(r)).toEqual(['c', 'b', 'a'])
  })
})

describe('Supervisor restart types', () => {
  it('transient: not restarted after a normal exit, restarted after a crash', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink(
          [spec(log, 'crashes', { restart: 'transient' }), spec(log, 'ends', { restart: 'transient' })],
          { strategy: 'one_for_one' }
        )
        yield* command(sup, 'crashes', 'crash')
        yield* command(sup, 'ends', 'exit normally')
        return ids(yield* Supervisor.whichChildren(sup))
      })
    )
    expect(seen).toEqual(['start crashes', 'start ends', 'stop crashes :crash', 'start crashes', 'stop ends :normal'])
    expect(value(r)).toEqual(['ends (not running)', 'crashes'])
  })

  it('temporary: never restarted, and its spec is dropped', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink(
          [
            spec(log, 'once', { restart: 'temporary' }),
            spec(log, 'twice', { restart: 'temporary' }),
            spec(log, 'always')
          ],
          { strategy: 'one_for_one' }
        )
        yield* command(sup, 'once', 'crash')
        yield* command(sup, 'twice', 'exit normally')
        const children = ids(yield* Supervisor.whichChildren(sup))
        const counts = yield* Supervisor.countChildren(sup)
        return { children, counts }
      })
    )
    expect(seen).toEqual(['start once', 'start twice', 'start always', 'stop once :crash', 'stop twice :normal'])
    expect(value(r)).toEqual({ children: ['always'], counts: { specs: 1, active: 1, supervisors: 0, workers: 1 } })
  })

  it('permanent: restarted even after a normal exit', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'p')], { strategy: 'one_for_one' })
        yield* command(sup, 'p', 'exit normally')
        return ids(yield* Supervisor.whichChildren(sup))
      })
    )
    expect(seen).toEqual(['start p', 'stop p :normal', 'start p'])
    expect(value(r)).toEqual(['p'])
  })
})

describe('Supervisor restart intensity', () => {
  it('more than maxRestarts in maxSeconds: the children stop and the supervisor exits with shutdown', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b')], {
          strategy: 'one_for_one',
          maxRestarts: 2,
          maxSeconds: 60
        })
        for (let i = 0; i < 3; i++) yield* killAndWait(yield* pidOf(sup, 'b'))
        const exit = yield* Process.receive(Exit.ExitSignal)
        return { from: exit.from === sup, reason: exit.reason }
      })
    )
    expect(value(r)).toEqual({ from: true, reason: Exit.shutdown })
    expect(seen).toEqual([
      'start a',
      'start b',
      'stop b :killed',
      'start b',
      'stop b :killed',
      'start b',
      'stop b :killed',
      'stop a :shutdown'
    ])
  })

  it("the supervisor's shutdown kills a linked caller that does not trap exits (S08)", async () => {
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec([], 'a')], { strategy: 'one_for_one', maxRestarts: 0 })
        yield* killAndWait(yield* pidOf(sup, 'a'))
        yield* Effect.never
      })
    )
    expect(r).toEqual(Exit.shutdown)
  })

  it('restarts leave the window after maxSeconds (counted on the process clock)', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a')], {
          strategy: 'one_for_one',
          maxRestarts: 1,
          maxSeconds: 0.05
        })
        for (let i = 0; i < 3; i++) {
          yield* killAndWait(yield* pidOf(sup, 'a'))
          yield* Effect.sleep(200) // longer than the 50 ms window: the restart is forgotten
        }
        return yield* Process.isAlive(sup)
      })
    )
    expect(value(r)).toBe(true)
    expect(seen).toEqual([
      'start a',
      'stop a :killed',
      'start a',
      'stop a :killed',
      'start a',
      'stop a :killed',
      'start a'
    ])
  })

  it('a parent supervisor restarts a child supervisor that ran out of intensity (S16)', async () => {
    const log: Array<string> = []
    const inner: Supervisor.ChildSpec = {
      id: 'inner',
      type: 'supervisor',
      start: Effect.flatMap(
        Effect.sync(() => log.push('start inner')),
        () => Supervisor.startLink([spec(log, 'w')], { strategy: 'one_for_one', maxRestarts: 0 })
      )
    }
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const top = yield* Supervisor.startLink([spec(log, 'first'), inner], { strategy: 'one_for_one' })
        const innerPid = yield* pidOf(top, 'inner')
        const innerRef = yield* Process.monitor(innerPid)
        yield* killAndWait(yield* pidOf(innerPid, 'w'))
        const down = yield* Process.receive(Exit.downOf(innerRef))
        const newInner = yield* pidOf(top, 'inner')
        return {
          innerExit: down.reason,
          restarted: newInner !== innerPid,
          children: ids(yield* Supervisor.whichChildren(newInner))
        }
      })
    )
    expect(value(r)).toEqual({ innerExit: Exit.shutdown, restarted: true, children: ['w'] })
    expect(seen).toEqual(['start first', 'start inner', 'start w', 'stop w :killed', 'start inner', 'start w'])
  })
})

describe('Supervisor shutdown of children', () => {
  it('a child that ignores shutdown (trapping exits) is killed after its shutdown time', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink(
          [
            { id: 'stubborn', start: worker(log, 'stubborn', { trap: true }), shutdown: 50 },
            { id: 'polite', start: worker(log, 'polite') },
            { id: 'brutal', start: worker(log, 'brutal', { trap: true }), shutdown: 'brutal_kill' }
          ],
          { strategy: 'one_for_one' }
        )
        yield* Supervisor.terminateChild(sup, 'stubborn')
        yield* Supervisor.terminateChild(sup, 'polite')
        yield* Supervisor.terminateChild(sup, 'brutal')
        return ids(yield* Supervisor.whichChildren(sup))
      })
    )
    expect(seen).toEqual([
      'start stubborn',
      'start polite',
      'start brutal',
      'stop stubborn :killed',
      'stop polite :shutdown',
      'stop brutal :killed'
    ])
    expect(value(r)).toEqual(['brutal (not running)', 'polite (not running)', 'stubborn (not running)'])
  })

  it('stop: children stop in reverse order, nested supervisors included, then the supervisor exits', async () => {
    const log: Array<string> = []
    const inner: Supervisor.ChildSpec = {
      id: 'inner',
      type: 'supervisor',
      start: Supervisor.startLink([spec(log, 'i1'), spec(log, 'i2')], { strategy: 'one_for_one' })
    }
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a'), inner, spec(log, 'z')], { strategy: 'one_for_one' })
        yield* Supervisor.stop(sup)
        return yield* Process.isAlive(sup)
      })
    )
    expect(value(r)).toBe(false)
    expect(seen).toEqual([
      'start a',
      'start i1',
      'start i2',
      'start z',
      'stop z :shutdown',
      'stop i2 :shutdown',
      'stop i1 :shutdown',
      'stop a :shutdown'
    ])
  })

  it('the exit signal of its parent stops the supervisor and its children (it traps exits)', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const me = yield* Process.self
        const parent = yield* Process.spawn(
          Effect.gen(function* () {
            const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b')], { strategy: 'one_for_one' })
            yield* Process.send(me, { sup })
            return yield* Effect.never
          })
        )
        const { sup } = yield* Process.receive(t.type({ sup: Process.pid }))
        const ref = yield* Process.monitor(sup)
        yield* Process.exit(parent, Exit.custom('gone'))
        const down = yield* Process.receive(Exit.Down)
        return down.ref === ref ? down.reason : 'other'
      })
    )
    expect(value(r)).toEqual(Exit.custom('gone'))
    expect(seen).toEqual(['start a', 'start b', 'stop b :shutdown', 'stop a :shutdown'])
  })
})

describe('Supervisor child management', () => {
  it('terminateChild, restartChild, deleteChild and startChild answer as Elixir', async () => {
    const log: Array<string> = []
    const { reason: r, log: seen } = await runLogged(
      log,
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b')], { strategy: 'one_for_one' })
        const tag = <E extends { readonly _tag: string }, A>(e: Effect.Effect<E, A>) =>
          Effect.map(Effect.either(e), (x) => (E.isLeft(x) ? x.left._tag : 'ok'))
        return {
          restartRunning: yield* tag(Supervisor.restartChild(sup, 'a')),
          deleteRunning: yield* tag(Supervisor.deleteChild(sup, 'a')),
          terminateMissing: yield* tag(Supervisor.terminateChild(sup, 'x')),
          deleteMissing: yield* tag(Supervisor.deleteChild(sup, 'x')),
          restartMissing: yield* tag(Supervisor.restartChild(sup, 'x')),
          terminate: yield* tag(Supervisor.terminateChild(sup, 'a')),
          listed: ids(yield* Supervisor.whichChildren(sup)),
          startPresent: yield* tag(Supervisor.startChild(sup, spec(log, 'a'))),
          startRunning: yield* tag(Supervisor.startChild(sup, spec(log, 'b'))),
          restart: yield* tag(Supervisor.restartChild(sup, 'a')),
          terminateAgain: yield* tag(Supervisor.terminateChild(sup, 'a')),
          delete: yield* tag(Supervisor.deleteChild(sup, 'a')),
          start: yield* tag(Supervisor.startChild(sup, spec(log, 'c'))),
          final: ids(yield* Supervisor.whichChildren(sup))
        }
      })
    )
    expect(value(r)).toEqual({
      restartRunning: 'Running',
      deleteRunning: 'Running',
      terminateMissing: 'NotFound',
      deleteMissing: 'NotFound',
      restartMissing: 'NotFound',
      terminate: 'ok',
      listed: ['b', 'a (not running)'],
      startPresent: 'AlreadyPresent',
      startRunning: 'AlreadyStarted',
      restart: 'ok',
      terminateAgain: 'ok',
      delete: 'ok',
      start: 'ok',
      final: ['c', 'b']
    })
    expect(seen).toEqual(['start a', 'start b', 'stop a :shutdown', 'start a', 'stop a :shutdown', 'start c'])
  })
})

describe('Supervisor on the test runtime (virtual clock, seeded interleavings)', () => {
  it('the intensity window is counted on the process clock: an hour of virtual time forgets the restarts', () => {
    const log: Array<string> = []
    const rt = TestRuntime.make({ seed: 1 })
    const r = rt.runSync(
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a')], {
          strategy: 'one_for_one',
          maxRestarts: 1,
          maxSeconds: 3600
        })
        yield* killAndWait(yield* pidOf(sup, 'a'))
        yield* Effect.sleep(3_600_001) // virtual: at once
        yield* killAndWait(yield* pidOf(sup, 'a'))
        const alive = yield* Process.isAlive(sup)
        yield* Supervisor.stop(sup)
        return alive
      })
    )
    expect(r).toEqual(Exit.returned(true))
    expect(rt.now).toBeGreaterThanOrEqual(3_600_001)
  })

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('one_for_all gives the same restarts in every interleaving (seed %i)', (seed) => {
    const log: Array<string> = []
    const rt = TestRuntime.make({ seed })
    const r = rt.runSync(
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink([spec(log, 'a'), spec(log, 'b'), spec(log, 'c')], {
          strategy: 'one_for_all'
        })
        yield* killAndWait(yield* pidOf(sup, 'b'))
        const children = ids(yield* Supervisor.whichChildren(sup))
        yield* Supervisor.stop(sup)
        return children
      })
    )
    expect(r).toEqual(Exit.returned(['c', 'b', 'a']))
    expect(log).toEqual([
      'start a',
      'start b',
      'start c',
      'stop b :killed',
      'stop c :shutdown',
      'stop a :shutdown',
      'start a',
      'start b',
      'start c',
      'stop c :shutdown',
      'stop b :shutdown',
      'stop a :shutdown'
    ])
  })
})

describe('Supervisor with GenServer children (checked against Elixir 1.14)', () => {
  // The Elixir script: children are `use GenServer` modules that trap exits and print in
  // terminate/2; child b is crashed with a cast it has no handle_cast for; then Supervisor.stop.
  const W = (log: Array<string>): GenServer.Behaviour<string, string> => ({
    init: (id) => Effect.as(Process.trapExit(true), GenServer.ok(id)),
    terminate: (reason, id) =>
      Effect.sync(() => log.push(`stop ${id} ${reason._tag === 'Defect' ? 'crashed' : Exit.format(reason)}`))
  })
  const children = (log: Array<string>) =>
    ['a', 'b', 'c'].map((id) => ({
      id,
      start: Effect.flatMap(
        Effect.sync(() => log.push(`start ${id}`)),
        () => GenServer.startLink(W(log), id)
      )
    }))

  it.each([
    [
      'one_for_all' as const,
      [
        'start a',
        'start b',
        'start c',
        'stop b crashed',
        'stop c :shutdown',
        'stop a :shutdown',
        'start a',
        'start b',
        'start c'
      ]
    ],
    [
      'rest_for_one' as const,
      ['start a', 'start b', 'start c', 'stop b crashed', 'stop c :shutdown', 'start b', 'start c']
    ]
  ])('%s: the same starts and stops as Elixir', async (strategy, expected) => {
    const log: Array<string> = []
    const r = await run(
      Effect.gen(function* () {
        const sup = yield* Supervisor.startLink(children(log), { strategy })
        const b = yield* pidOf(sup, 'b')
        const ref = yield* Process.monitor(b)
        yield* GenServer.cast(b, 'boom')
        yield* Process.receive(Exit.downOf(ref))
        yield* Supervisor.whichChildren(sup)
        yield* Supervisor.stop(sup)
      })
    )
    expect(r._tag).toBe('Normal')
    expect(log).toEqual([...expected, 'stop c :shutdown', 'stop b :shutdown', 'stop a :shutdown'])
  })
})
