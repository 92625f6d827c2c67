/**
 * Elixir v1.14.5 lib/elixir/test/elixir/dynamic_supervisor_test.exs, translated.
 */
import { describe } from 'vitest'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { DynamicSupervisor, Effect, Exit, Process, Registry, Start, Supervisor, Task } from '../../lib/index.js'
import type { Pid } from '../../lib/Pid.js'
import { assertReceive, eq, elixir, ok } from './support.js'

const { test, skip } = elixir('dynamic_supervisor_test.exs')

type ChildSpec = Supervisor.ChildSpec

const sleepyWorker = (opts: Partial<ChildSpec> = {}): ChildSpec => ({
  id: 'Task',
  start: Task.startLink(Effect.never),
  ...opts
})

const ok2: Effect.Effect<never, Pid<unknown>> = Process.spawnLink(Effect.never)
const startOf = {
  ok2,
  error: Effect.fail(Start.initFailed(Exit.custom('found'))),
  ignore: Effect.fail(Start.ignore),
  unknown: Effect.succeed('unknown' as unknown as Pid<unknown>)
}
type Value = keyof typeof startOf

/** Elixir's `start_link(:restart, value)`: the first start gives a running child, the later ones `value`. */
const restartWith = (value: Value): Effect.Effect<unknown, Pid<unknown>> => {
  let started = false
  return Effect.suspend(() => {
    if (started) return startOf[value]
    started = true
    return ok2
  })
}

const worker = (start: Effect.Effect<unknown, Pid<unknown>>, opts: Partial<ChildSpec> = {}): ChildSpec => ({
  id: 'DynamicSupervisorTest',
  start,
  ...opts
})

const assertKill = (pid: Pid<unknown>, reason: Exit.Reason) =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(pid)
    yield* Process.exit(pid, reason)
    yield* assertReceive((u) => Exit.Down.is(u) && u.ref === ref)
  })

const counts = (sup: Pid<unknown>, expected: Partial<Supervisor.Counts>) =>
  Effect.flatMap(DynamicSupervisor.countChildren(sup), (c) =>
    eq(Object.fromEntries(Object.keys(expected).map((k) => [k, c[k as keyof Supervisor.Counts]])), expected)
  )

const started = <E>(e: Effect.Effect<E, Pid<unknown>>) =>
  Effect.flatMap(Effect.either(e), (r) =>
    E.isRight(r) ? Effect.succeed(r.right) : Effect.die(new Error(`expected {:ok, pid}, got ${JSON.stringify(r.left)}`))
  )

const downWith = (pid: Pid<unknown>, reason: Exit.Reason) =>
  assertReceive((u) => Exit.Down.is(u) && u.pid === pid && JSON.stringify(u.reason) === JSON.stringify(reason), 5000)

describe('dynamic_supervisor_test.exs', () => {
  test(12, 'can be supervised directly', () =>
    Effect.gen(function* () {
      yield* Supervisor.startLink([DynamicSupervisor.childSpec({ name: 'dyn_sup_spec_test' })], {
        strategy: 'one_for_one'
      })
      yield* eq(yield* DynamicSupervisor.whichChildren('dyn_sup_spec_test'), [])
    })
  )

  test(18, 'multiple supervisors can be supervised and identified with simple child spec', () =>
    Effect.gen(function* () {
      const registry = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      const via = Registry.via(registry, 'via_name')
      const supsup = yield* Supervisor.startLink(
        [DynamicSupervisor.childSpec({ name: 'simple_name' }), DynamicSupervisor.childSpec({ name: via })],
        { strategy: 'one_for_one' }
      )
      const noName = yield* started(Supervisor.startChild(supsup, DynamicSupervisor.childSpec({})))
      yield* eq(yield* DynamicSupervisor.whichChildren('simple_name'), [])
      yield* eq(yield* DynamicSupervisor.whichChildren(via), [])
      yield* eq(yield* DynamicSupervisor.whichChildren(noName), [])
      yield* eq(
        yield* Effect.either(Supervisor.startChild(supsup, DynamicSupervisor.childSpec({}))),
        E.left(Start.alreadyStarted(noName))
      )
    })
  )

  skip(
    42,
    'use/2 generates child_spec/1',
    'no `use` macro: DynamicSupervisor.childSpec(options) is the child spec (shown at line 12)'
  )
  skip(70, 'init/1 set default options', 'no init/1 callback: the defaults are documented options of startLink')

  test(84, 'start_link/3 with non-ok init', () =>
    Effect.gen(function* () {
      // invalid supervisor data is a TypeError at the call, before any process starts
      const bad = (o: unknown) =>
        Effect.sync(() => {
          try {
            DynamicSupervisor.startLink(o as DynamicSupervisor.Options)
            return false
          } catch (e) {
            return e instanceof TypeError
          }
        })
      yield* ok(yield* bad({ strategy: 'unknown' }), 'invalid_strategy')
      yield* ok(yield* bad({ maxRestarts: -1 }), 'invalid_intensity')
      yield* ok(yield* bad({ maxSeconds: 0 }), 'invalid_period')
      yield* ok(yield* bad({ maxChildren: -1 }), 'invalid_max_children')
      yield* ok(yield* bad({ extraArguments: -1 }), 'invalid_extra_arguments')
    })
  )

  test(108, 'start_link/3 with registered process', () =>
    Effect.gen(function* () {
      const pid = yield* DynamicSupervisor.startLink({ name: 'DynamicSupervisorTest' })
      yield* eq(yield* Process.whereis('DynamicSupervisorTest'), O.some(pid))
      yield* DynamicSupervisor.stop('DynamicSupervisorTest')
      yield* eq(yield* Process.isAlive(pid), false)
    })
  )

  skip(126, 'start_link/3 with spawn_opt', 'no process priorities or spawn options')
  skip(133, 'start_link/3 sets initial call to the same as a regular supervisor', 'no :proc_lib initial call')
  skip(141, 'start_link/3 returns the callback module', 'no callback modules')
  skip(153, 'code_change/3 with non-ok init', 'no hot code upgrade (:sys.change_code)')
  skip(172, 'code_change/3 with ok init', 'no hot code upgrade (:sys.change_code)')
  skip(192, 'start_child/2 supports old child spec', 'one child spec shape (the map form)')

  test(199, 'start_child/2 supports new child spec as tuple', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink()
      const pid = yield* DynamicSupervisor.startChild(sup, {
        id: 'Task',
        restart: 'temporary',
        start: Task.startLink(Effect.unit)
      })
      yield* ok(Process.pid.is(pid))
    })
  )

  test(206, 'start_child/2 supports new child spec', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink()
      const pid = yield* DynamicSupervisor.startChild(sup, Task.childSpec(Effect.never))
      yield* ok(Process.pid.is(pid))
    })
  )

  test(213, 'start_child/2 supports extra arguments', () =>
    Effect.gen(function* () {
      const parent = yield* Process.self
      const fun = Process.send(parent, 'from_child')
      const sup = yield* DynamicSupervisor.startLink({ extraArguments: [fun] })
      const pid = yield* DynamicSupervisor.startChild(sup, { id: 'Task', restart: 'temporary', start: Task.startLink })
      yield* ok(Process.pid.is(pid))
      yield* assertReceive((u) => u === 'from_child')
    })
  )

  test(224, 'start_child/2 with invalid child spec', () =>
    Effect.gen(function* () {
      const invalid = (spec: unknown) =>
        Effect.sync(() => {
          try {
            DynamicSupervisor.startChild('not_used', spec as ChildSpec)
            return false
          } catch (e) {
            return e instanceof TypeError
          }
        })
      yield* ok(yield* invalid({}), 'invalid_child_spec')
      yield* ok(yield* invalid({ id: 1, start: 'foo' }), 'invalid_mfa')
    })
  )

  test(234, 'start_child/2 with different returns', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink()
      yield* started(DynamicSupervisor.startChild(sup, worker(ok2)))
      yield* eq(yield* Effect.either(DynamicSupervisor.startChild(sup, worker(startOf.ignore))), E.left(Start.ignore))
      yield* eq(
        yield* Effect.either(DynamicSupervisor.startChild(sup, worker(startOf.error))),
        E.left(Start.initFailed(Exit.custom('found')))
      )
      const unknown = yield* Effect.either(DynamicSupervisor.startChild(sup, worker(startOf.unknown)))
      yield* ok(E.isLeft(unknown) && JSON.stringify(unknown.left).includes('unknown'), '{:error, :unknown}')
    })
  )

  test(248, 'start_child/2 with throw/error/exit', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink()
      const oops = new Error('oops')
      yield* eq(
        yield* Effect.either(
          DynamicSupervisor.startChild(
            sup,
            worker(
              Effect.sync((): Pid<unknown> => {
                throw 'oops'
              })
            )
          )
        ),
        E.left(Start.initFailed(Exit.defect('oops')))
      )
      yield* eq(
        yield* Effect.either(
          DynamicSupervisor.startChild(
            sup,
            worker(
              Effect.sync((): Pid<unknown> => {
                throw oops
              })
            )
          )
        ),
        E.left(Start.initFailed(Exit.defect(oops)))
      )
      yield* eq(
        yield* Effect.either(DynamicSupervisor.startChild(sup, worker(Process.exit(Exit.custom('oops'))))),
        E.left(Start.initFailed(Exit.custom('oops')))
      )
    })
  )

  test(261, 'start_child/2 with max_children', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink({ maxChildren: 0 })
      yield* eq(yield* Effect.either(DynamicSupervisor.startChild(sup, worker(ok2))), E.left({ _tag: 'MaxChildren' }))
    })
  )

  test(268, 'start_child/2 temporary child is not restarted regardless of reason', () =>
    Effect.gen(function* () {
      const child = worker(ok2, { restart: 'temporary' })
      const sup = yield* DynamicSupervisor.startLink()
      let pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.shutdown)
      yield* counts(sup, { workers: 0, active: 0 })
      pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.custom('whatever'))
      yield* counts(sup, { workers: 0, active: 0 })
    })
  )

  test(281, 'start_child/2 transient child is restarted unless normal/shutdown/{shutdown, _}', () =>
    Effect.gen(function* () {
      const child = worker(ok2, { restart: 'transient' })
      const sup = yield* DynamicSupervisor.startLink()
      let pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.shutdown)
      yield* counts(sup, { workers: 0, active: 0 })
      pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.shutdownWith('signal'))
      yield* counts(sup, { workers: 0, active: 0 })
      pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.custom('whatever'))
      yield* counts(sup, { workers: 1, active: 1 })
    })
  )

  test(298, 'start_child/2 permanent child is restarted regardless of reason', () =>
    Effect.gen(function* () {
      const child = worker(ok2, { restart: 'permanent' })
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 100_000 })
      let pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.shutdown)
      yield* counts(sup, { workers: 1, active: 1 })
      pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.shutdownWith('signal'))
      yield* counts(sup, { workers: 2, active: 2 })
      pid = yield* DynamicSupervisor.startChild(sup, child)
      yield* assertKill(pid, Exit.custom('whatever'))
      yield* counts(sup, { workers: 3, active: 3 })
    })
  )

  test(315, 'start_child/2 child is restarted with different values', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 100_000 })
      const which = Effect.map(DynamicSupervisor.whichChildren(sup), (l) =>
        l.map((c) => [c.id, O.isSome(c.pid) ? c.pid.value : 'restarting', c.type])
      )
      const child1 = yield* DynamicSupervisor.startChild(sup, worker(restartWith('ok2')))
      yield* eq(yield* which, [[undefined, child1, 'worker']])
      yield* assertKill(child1, Exit.shutdown)
      yield* counts(sup, { workers: 1, active: 1 })

      const child2 = yield* DynamicSupervisor.startChild(sup, worker(restartWith('ok2')))
      const w2 = yield* which
      yield* eq(w2.length, 2)
      yield* eq(w2[1]?.[1], child2)
      yield* assertKill(child2, Exit.shutdown)
      yield* counts(sup, { workers: 2, active: 2 })

      const child3 = yield* DynamicSupervisor.startChild(sup, worker(restartWith('ignore')))
      yield* eq((yield* which).length, 3)
      yield* assertKill(child3, Exit.shutdown)
      yield* counts(sup, { workers: 2, active: 2 })

      const child4 = yield* DynamicSupervisor.startChild(sup, worker(restartWith('error')))
      yield* eq((yield* which).length, 3)
      yield* assertKill(child4, Exit.shutdown)
      yield* counts(sup, { workers: 3, active: 2 })

      const child5 = yield* DynamicSupervisor.startChild(sup, worker(restartWith('unknown')))
      const w5 = yield* which
      yield* eq(w5.length, 4)
      yield* eq(w5[2]?.[1], 'restarting')
      yield* assertKill(child5, Exit.shutdown)
      yield* counts(sup, { workers: 4, active: 2 })
    })
  )

  test(376, 'start_child/2 restarting on init children counted in max_children', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink({ maxChildren: 1, maxRestarts: 100_000 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(restartWith('error'), { restart: 'permanent' }))
      yield* assertKill(pid, Exit.shutdown)
      yield* counts(sup, { workers: 1, active: 0 })
      yield* eq(
        yield* Effect.either(DynamicSupervisor.startChild(sup, worker(restartWith('ok2'), { restart: 'permanent' }))),
        E.left({ _tag: 'MaxChildren' })
      )
    })
  )

  test(389, 'start_child/2 restarting on exit children counted in max_children', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink({ maxChildren: 1, maxRestarts: 100_000 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(ok2, { restart: 'permanent' }))
      yield* assertKill(pid, Exit.shutdown)
      yield* counts(sup, { workers: 1, active: 1 })
      yield* eq(
        yield* Effect.either(DynamicSupervisor.startChild(sup, worker(ok2, { restart: 'permanent' }))),
        E.left({ _tag: 'MaxChildren' })
      )
    })
  )

  test(402, 'start_child/2 restarting a child with extra_arguments successfully restarts child', () =>
    Effect.gen(function* () {
      const parent = yield* Process.self
      const fun = Effect.flatMap(Process.send(parent, 'from_child'), () => Effect.never)
      const sup = yield* DynamicSupervisor.startLink({ extraArguments: [fun] })
      const child = yield* DynamicSupervisor.startChild(sup, {
        id: 'Task',
        restart: 'transient',
        start: Task.startLink
      })
      yield* ok(Process.pid.is(child))
      yield* assertReceive((u) => u === 'from_child')
      yield* counts(sup, { active: 1, workers: 1 })
      yield* assertKill(child, Exit.custom('oops'))
      yield* assertReceive((u) => u === 'from_child')
      yield* counts(sup, { active: 1, workers: 1 })
    })
  )

  test(422, 'start_child/2 child is restarted when trying again', () =>
    Effect.gen(function* () {
      const notify = yield* Process.self
      let tried = false
      const start = Effect.suspend((): Effect.Effect<unknown, Pid<unknown>> => {
        if (tried) {
          tried = false
          return Effect.flatMap(Process.send(notify, ['try_again', false]), () =>
            Effect.fail(Start.initFailed(Exit.custom('try_again')))
          )
        }
        tried = true
        return Effect.flatMap(Process.send(notify, ['try_again', true]), () => ok2)
      })
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 2 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(start, { restart: 'permanent' }))
      const tryAgain = (b: boolean) => (u: unknown) => Array.isArray(u) && u[0] === 'try_again' && u[1] === b
      yield* assertReceive(tryAgain(true), 0)
      yield* assertKill(pid, Exit.shutdown)
      yield* assertReceive(tryAgain(false))
      yield* assertReceive(tryAgain(true))
      yield* counts(sup, { workers: 1, active: 1 })
    })
  )

  test(434, 'start_child/2 child triggers maximum restarts', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 1 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(restartWith('error'), { restart: 'permanent' }))
      yield* assertKill(pid, Exit.shutdown)
      yield* assertReceive((u) => Exit.ExitSignal.is(u) && u.from === sup && u.reason._tag === 'Shutdown')
    })
  )

  test(444, 'start_child/2 child triggers maximum intensity when trying again', () =>
    Effect.gen(function* () {
      yield* Process.trapExit(true)
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 10 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(restartWith('error'), { restart: 'permanent' }))
      yield* assertKill(pid, Exit.shutdown)
      yield* assertReceive((u) => Exit.ExitSignal.is(u) && u.from === sup && u.reason._tag === 'Shutdown')
    })
  )

  /** A task that traps exits, says ready to `parent`, and exits with `reason` at its first message. */
  const trapping = (parent: Pid<unknown>, reason: Exit.Reason, opts: Partial<ChildSpec>): ChildSpec => ({
    id: 'Task',
    start: Task.startLink(
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        yield* Process.send(parent, 'ready')
        yield* Process.receive(t.unknown)
        return yield* Process.exit(reason)
      })
    ),
    ...opts
  })

  /** Starts the children, stops the supervisor with shutdown, and checks each child's exit reason. */
  const terminates = (
    line: number,
    name: string,
    children: (parent: Pid<unknown>) => ReadonlyArray<ChildSpec>,
    expected: ReadonlyArray<Exit.Reason>,
    ready = 0
  ) =>
    test(line, name, () =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const parent = yield* Process.self
        const sup = yield* DynamicSupervisor.startLink()
        const pids: Array<Pid<unknown>> = []
        for (const c of children(parent)) pids.push(yield* DynamicSupervisor.startChild(sup, c))
        for (let i = 0; i < ready; i++) yield* assertReceive((u) => u === 'ready')
        for (const p of pids) yield* Process.monitor(p)
        yield* assertKill(sup, Exit.shutdown)
        for (let i = 0; i < pids.length; i++) yield* downWith(pids[i] as Pid<unknown>, expected[i] as Exit.Reason)
      })
    )

  const three = <A>(a: A): ReadonlyArray<A> => [a, a, a]
  const oops = Exit.shutdownWith('oops')

  terminates(
    487,
    'terminate/2 terminates children with brutal kill',
    () => three(sleepyWorker({ shutdown: 'brutal_kill' })),
    three(Exit.killed)
  )
  terminates(
    505,
    'terminate/2 terminates children with infinity shutdown',
    () => three(sleepyWorker({ shutdown: 'infinity' })),
    three(Exit.shutdown)
  )
  terminates(
    523,
    'terminate/2 terminates children with infinity shutdown and abnormal reason',
    (parent) => three(trapping(parent, oops, { shutdown: 'infinity' })),
    three(oops),
    3
  )
  terminates(
    553,
    'terminate/2 terminates children with integer shutdown',
    () => three(sleepyWorker({ shutdown: 1000 })),
    three(Exit.shutdown)
  )
  terminates(
    571,
    'terminate/2 terminates children with integer shutdown and abnormal reason',
    (parent) => three(trapping(parent, oops, { shutdown: 1000 })),
    three(oops),
    3
  )
  terminates(
    601,
    'terminate/2 terminates children with expired integer shutdown',
    (parent) => [
      sleepyWorker({ shutdown: 1 }),
      {
        id: 'Task',
        shutdown: 1,
        start: Task.startLink(
          Effect.gen(function* () {
            yield* Process.trapExit(true)
            yield* Process.send(parent, 'ready')
            return yield* Effect.never
          })
        )
      },
      sleepyWorker({ shutdown: 1 })
    ],
    [Exit.shutdown, Exit.killed, Exit.shutdown],
    1
  )
  terminates(
    633,
    'terminate/2 terminates children with permanent restart and normal reason',
    (parent) => three(trapping(parent, Exit.normal, { shutdown: 'infinity', restart: 'permanent' })),
    three(Exit.normal),
    3
  )
  terminates(
    662,
    'terminate/2 terminates with mixed children',
    () => [sleepyWorker({ shutdown: 'infinity' }), sleepyWorker({ shutdown: 'brutal_kill' })],
    [Exit.shutdown, Exit.killed]
  )

  const terminatesChild = (line: number, name: string, shutdown: Supervisor.Shutdown, reason: Exit.Reason) =>
    test(line, name, () =>
      Effect.gen(function* () {
        const sup = yield* DynamicSupervisor.startLink()
        const pid = yield* DynamicSupervisor.startChild(sup, sleepyWorker({ shutdown }))
        yield* Process.monitor(pid)
        yield* DynamicSupervisor.terminateChild(sup, pid)
        yield* downWith(pid, reason)
        yield* eq(yield* Effect.either(DynamicSupervisor.terminateChild(sup, pid)), E.left({ _tag: 'NotFound' }))
        yield* counts(sup, { workers: 0, active: 0 })
      })
    )
  terminatesChild(681, 'terminate_child/2 terminates child with brutal kill', 'brutal_kill', Exit.killed)
  terminatesChild(695, 'terminate_child/2 terminates child with integer shutdown', 1000, Exit.shutdown)

  test(709, 'terminate_child/2 terminates restarting child', () =>
    Effect.gen(function* () {
      const sup = yield* DynamicSupervisor.startLink({ maxRestarts: 100_000 })
      const pid = yield* DynamicSupervisor.startChild(sup, worker(restartWith('error'), { restart: 'permanent' }))
      yield* assertKill(pid, Exit.shutdown)
      yield* DynamicSupervisor.terminateChild(sup, pid)
      yield* eq(yield* Effect.either(DynamicSupervisor.terminateChild(sup, pid)), E.left({ _tag: 'NotFound' }))
      yield* counts(sup, { workers: 0, active: 0 })
    })
  )
})
