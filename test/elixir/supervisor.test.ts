/**
 * Elixir v1.14.5 lib/elixir/test/elixir/supervisor_test.exs, translated.
 */
import { describe } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, GenServer, Process, Registry, Start, Supervisor, Task } from '../../lib/index.js'
import { eq, elixir, ok } from './support.js'
import { Stack } from './stack.js'

const { test, skip } = elixir('supervisor_test.exs')

/** `{Stack, {state, opts}}`: the Stack server's child spec. */
const stack = (state: ReadonlyArray<unknown>, options?: Start.Options): Supervisor.ChildSpec => ({
  ...GenServer.childSpec(Stack, state, options),
  id: 'SupervisorTest.Stack'
})

/** `Stack.Sup`: a module-based supervisor with one Stack child. */
const stackSup = (state: ReadonlyArray<unknown>, options?: Start.Options) =>
  Supervisor.startLink([stack(state, options)], { strategy: 'one_for_one' })

const throwsTypeError = (f: () => unknown) =>
  Effect.sync(() => {
    try {
      f()
      return false
    } catch (e) {
      return e instanceof TypeError
    }
  })

/** `wait_until_registered(name)`. */
const waitUntilRegistered = (name: string): Effect.Effect<never, void> =>
  Effect.flatMap(Process.whereis(name), (o) =>
    O.isSome(o) ? Effect.unit : Effect.flatMap(Effect.sleep(1), () => waitUntilRegistered(name))
  )

describe('supervisor_test.exs', () => {
  test(46, 'generates child_spec/1', () =>
    Effect.gen(function* () {
      const spec = Supervisor.childSpec([stack(['hello'])], { strategy: 'one_for_one' })
      yield* eq([spec.id, spec.type], ['Supervisor', 'supervisor'])
      const custom = { ...spec, id: 'id', restart: 'temporary' }
      yield* eq([custom.id, custom.restart, custom.type], ['id', 'temporary', 'supervisor'])
    })
  )

  test(72, 'child_spec/2', () =>
    Effect.gen(function* () {
      const task = Task.childSpec(Effect.unit)
      yield* eq([task.id, task.restart], ['Task', 'temporary'])
      const foo = Task.childSpec(Effect.unit, { id: 'foo', restart: 'permanent', shutdown: 'infinity' })
      yield* eq([foo.id, foo.restart, foo.shutdown], ['foo', 'permanent', 'infinity'])
      // a value that is not a child spec is refused with a clear error
      yield* ok(yield* throwsTypeError(() => Supervisor.startLink(['other' as never], { strategy: 'one_for_one' })))
    })
  )

  skip(108, 'init/2', 'no init/2: the flags are startLink options, checked at the call (see start_link/2)')
  skip(128, 'init/2 with old and new child specs', 'one child spec shape (the map form)')

  test(140, 'start_link/2 with via', () =>
    Effect.gen(function* () {
      const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      const via = Registry.via(names, 'via_sup')
      yield* Supervisor.startLink([], { strategy: 'one_for_one', name: via })
      yield* eq(yield* Supervisor.whichChildren(via), [])
    })
  )

  skip(
    145,
    'start_link/3 with global',
    'no :global (cluster-wide) names yet: a cluster registry plugs in as a Via.NameService'
  )

  test(150, 'start_link/3 with local', () =>
    Effect.gen(function* () {
      yield* Supervisor.startLink([], { strategy: 'one_for_one', name: 'my_sup' })
      yield* eq(yield* Supervisor.whichChildren('my_sup'), [])
    })
  )

  test(155, 'start_link/2', () =>
    Effect.gen(function* () {
      const children = [stack(['hello'], { name: 'dyn_stack' })]
      const pid = yield* Supervisor.startLink(children, { strategy: 'one_for_one' })
      yield* waitUntilRegistered('dyn_stack')
      yield* eq(yield* GenServer.call('dyn_stack', 'pop'), 'hello')
      yield* eq(yield* GenServer.call('dyn_stack', 'stop'), 'ok')
      yield* waitUntilRegistered('dyn_stack')
      yield* eq(yield* GenServer.call('dyn_stack', 'pop'), 'hello')
      yield* Supervisor.stop(pid)
      for (const name of [42, { invalid_tuple: 'x' }, { via: 'Via', key: 'x' }]) {
        yield* ok(
          yield* throwsTypeError(() =>
            Supervisor.startLink(children, { name: name as never, strategy: 'one_for_one' })
          ),
          `name ${JSON.stringify(name)} refused`
        )
      }
    })
  )

  skip(183, 'start_link/2 with old and new specs', 'one child spec shape (the map form)')

  test(193, 'start_link/3', () =>
    Effect.gen(function* () {
      const pid = yield* stackSup(['hello'], { name: 'stat_stack' })
      yield* waitUntilRegistered('stat_stack')
      yield* eq(yield* GenServer.call('stat_stack', 'pop'), 'hello')
      yield* Supervisor.stop(pid)
    })
  )

  skip(201, 'start_child/2 supports old child spec', 'one child spec shape (the map form)')

  test(208, 'start_child/2 supports new child spec as tuple', () =>
    Effect.gen(function* () {
      const sup = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
      const pid = yield* Supervisor.startChild(sup, {
        id: 'Task',
        restart: 'temporary',
        start: Task.startLink(Effect.unit)
      })
      yield* ok(Process.pid.is(pid))
    })
  )

  test(215, 'start_child/2 supports new child spec', () =>
    Effect.gen(function* () {
      const sup = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
      const pid = yield* Supervisor.startChild(sup, Task.childSpec(Effect.never))
      yield* ok(Process.pid.is(pid))
    })
  )

  test(222, 'start_child/2 with invalid child spec', () =>
    Effect.gen(function* () {
      const sup = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
      yield* ok(yield* throwsTypeError(() => Supervisor.startChild(sup, {} as never)), 'missing_id')
      yield* ok(
        yield* throwsTypeError(() => Supervisor.startChild(sup, { id: '1', start: 'foo' } as never)),
        'invalid_mfa'
      )
    })
  )

  test(233, 'child life-cycle', () =>
    Effect.gen(function* () {
      const sup = yield* Supervisor.startLink([], { strategy: 'one_for_one' })
      yield* eq(yield* Supervisor.whichChildren(sup), [])
      yield* eq(yield* Supervisor.countChildren(sup), { specs: 0, active: 0, supervisors: 0, workers: 0 })
      let pid = yield* Supervisor.startChild(sup, stack(['hello']))
      yield* eq(yield* GenServer.call(pid, 'pop'), 'hello')
      yield* eq(yield* Supervisor.whichChildren(sup), [
        { id: 'SupervisorTest.Stack', pid: O.some(pid), type: 'worker' }
      ])
      yield* eq(yield* Supervisor.countChildren(sup), { specs: 1, active: 1, supervisors: 0, workers: 1 })
      yield* eq(yield* Effect.either(Supervisor.deleteChild(sup, 'SupervisorTest.Stack')), E.left({ _tag: 'Running' }))
      yield* Supervisor.terminateChild(sup, 'SupervisorTest.Stack')
      pid = yield* Supervisor.restartChild(sup, 'SupervisorTest.Stack')
      yield* eq(yield* GenServer.call(pid, 'pop'), 'hello')
      yield* Supervisor.terminateChild(sup, 'SupervisorTest.Stack')
      yield* Supervisor.deleteChild(sup, 'SupervisorTest.Stack')
      yield* Supervisor.stop(sup)
    })
  )
})
