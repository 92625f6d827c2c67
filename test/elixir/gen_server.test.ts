/**
 * Elixir v1.14.5 lib/elixir/test/elixir/gen_server_test.exs, translated.
 */
import { describe } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, GenServer, Process, Registry } from '../../lib/index.js'
import { catchExit, eq, elixir, infoOf, ok } from './support.js'
import { Stack } from './stack.js'

const { test, skip } = elixir('gen_server_test.exs')

const throwsTypeError = (f: () => unknown) =>
  Effect.sync(() => {
    try {
      f()
      return false
    } catch (e) {
      return e instanceof TypeError
    }
  })

describe('gen_server_test.exs', () => {
  test(43, 'generates child_spec/1', () =>
    Effect.gen(function* () {
      const spec = GenServer.childSpec(Stack, ['hello'])
      yield* eq(spec.id, 'GenServer')
      yield* ok(Effect.isEffect(spec.start), 'start is the startLink')
      const custom = { ...GenServer.childSpec(Stack, ['hello']), id: 'id', restart: 'temporary', shutdown: 'infinity' }
      yield* eq([custom.id, custom.restart, custom.shutdown], ['id', 'temporary', 'infinity'])
    })
  )

  test(65, 'start_link/3', () =>
    Effect.gen(function* () {
      // names are non-empty strings or { via, key } names: anything else is refused at the call
      yield* ok(yield* throwsTypeError(() => GenServer.startLink(Stack, ['hello'], { name: 42 as never })), 'a number')
      yield* ok(
        yield* throwsTypeError(() => GenServer.startLink(Stack, ['hello'], { name: { invalid_tuple: 'x' } as never })),
        '{:invalid_tuple, name}'
      )
      yield* ok(
        yield* throwsTypeError(() =>
          GenServer.startLink(Stack, ['hello'], { name: { via: 'Via', key: 'x' } as never })
        ),
        '{:via, "Via", name}'
      )
    })
  )

  test(83, 'start_link/3 with via', () =>
    Effect.gen(function* () {
      const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      const via = Registry.via(names, 'via_stack')
      yield* GenServer.startLink(Stack, ['hello'], { name: via })
      yield* eq(yield* GenServer.call(via, 'pop'), 'hello')
    })
  )

  skip(
    88,
    'start_link/3 with global',
    'no :global (cluster-wide) names yet: a cluster registry plugs in as a Via.NameService'
  )

  test(93, 'start_link/3 with local', () =>
    Effect.gen(function* () {
      yield* GenServer.startLink(Stack, ['hello'], { name: 'stack' })
      yield* eq(yield* GenServer.call('stack', 'pop'), 'hello')
    })
  )

  test(98, 'start_link/2, call/2 and cast/2', (rt) =>
    Effect.gen(function* () {
      const pid = yield* GenServer.startLink(Stack, ['hello'])
      yield* ok((yield* infoOf(rt, yield* Process.self)).links.includes(pid), 'linked')
      yield* eq(yield* GenServer.call(pid, 'pop'), 'hello')
      yield* GenServer.cast(pid, { push: 'world' })
      yield* eq(yield* GenServer.call(pid, 'pop'), 'world')
      yield* GenServer.stop(pid)
      // a cast to a name no one holds is fine
      const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      yield* GenServer.cast(Registry.via(names, 'bar'), { push: 'world' })
      yield* GenServer.cast('foo', { push: 'world' })
    })
  )

  test(115, 'call/3 exit messages', () =>
    Effect.gen(function* () {
      const me = yield* Process.self
      yield* Process.register('self', me)
      const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      yield* Registry.register(names, 'self', undefined)
      const via = Registry.via(names, 'self')
      const pid = yield* GenServer.startLink(Stack, ['hello'])
      const stopped = yield* GenServer.start(Stack, ['hello'])
      yield* GenServer.stop(stopped)
      const callingSelf = Exit.custom('calling_self')
      yield* eq(
        yield* catchExit(GenServer.call('self', 'pop', 5000)),
        Exit.callExit(callingSelf, 'GenServer.call', ['self', 'pop', 5000])
      )
      yield* eq(
        yield* catchExit(GenServer.call(via, 'pop', 5000)),
        Exit.callExit(callingSelf, 'GenServer.call', [via, 'pop', 5000])
      )
      yield* eq(
        yield* catchExit(GenServer.call(me, 'pop', 5000)),
        Exit.callExit(callingSelf, 'GenServer.call', [me, 'pop', 5000])
      )
      yield* eq(
        yield* catchExit(GenServer.call(pid, 'noreply', 1)),
        Exit.callExit(Exit.timeout, 'GenServer.call', [pid, 'noreply', 1])
      )
      yield* eq(
        yield* catchExit(GenServer.call('nobody', 'pop', 5000)),
        Exit.callExit(Exit.noproc, 'GenServer.call', ['nobody', 'pop', 5000])
      )
      yield* eq(
        yield* catchExit(GenServer.call(stopped, 'pop', 5000)),
        Exit.callExit(Exit.noproc, 'GenServer.call', [stopped, 'pop', 5000])
      )
      // {:global, name} and {name, :bogus_node} need distribution: not translated
    })
  )

  test(148, 'nil name', (rt) =>
    Effect.gen(function* () {
      const pid = yield* GenServer.startLink(Stack, ['hello'], {})
      yield* eq((yield* infoOf(rt, pid)).name, O.none)
    })
  )

  test(153, 'start/2', (rt) =>
    Effect.gen(function* () {
      const pid = yield* GenServer.start(Stack, ['hello'])
      yield* ok(!(yield* infoOf(rt, yield* Process.self)).links.includes(pid), 'not linked')
      yield* GenServer.stop(pid)
    })
  )

  skip(160, 'abcast/3', 'needs distribution (a cast to a name on every node)')
  skip(170, 'multi_call/4', 'needs distribution (a call to a name on every node)')

  test(179, 'whereis/1', () =>
    Effect.gen(function* () {
      const pid = yield* GenServer.startLink(Stack, [], { name: 'whereis_server' })
      yield* eq(yield* GenServer.whereis('whereis_server'), O.some(pid))
      yield* eq(yield* GenServer.whereis(pid), O.some(pid))
      yield* eq(yield* GenServer.whereis('whereis_bad_server'), O.none)
      const names = yield* Registry.startLink<string, undefined>({ keys: 'unique' })
      const other = yield* GenServer.startLink(Stack, [], { name: Registry.via(names, 'whereis_server') })
      yield* eq(yield* GenServer.whereis(Registry.via(names, 'whereis_server')), O.some(other))
      yield* eq(yield* GenServer.whereis(Registry.via(names, 'whereis_bad_server')), O.none)
    })
  )

  test(196, 'stop/3', () =>
    Effect.gen(function* () {
      const pid = yield* GenServer.start(Stack, [])
      yield* GenServer.stop(pid, Exit.normal)
      yield* eq(
        yield* catchExit(GenServer.stop(pid)),
        Exit.callExit(Exit.noproc, 'GenServer.stop', [pid, Exit.normal, Infinity])
      )
      yield* eq(
        yield* catchExit(GenServer.stop('nobody')),
        Exit.callExit(Exit.noproc, 'GenServer.stop', ['nobody', Exit.normal, Infinity])
      )
      const other = yield* GenServer.start(Stack, [])
      const r = yield* GenServer.call<E.Either<Exit.Exiting, void>>(other, 'stop_self')
      yield* eq(
        r,
        E.left(
          Exit.exiting(Exit.callExit(Exit.custom('calling_self'), 'GenServer.stop', [other, Exit.normal, Infinity]))
        )
      )
      yield* GenServer.start(Stack, [], { name: 'stop_name' })
      yield* GenServer.stop('stop_name', Exit.normal)
    })
  )
})
