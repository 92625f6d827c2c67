/**
 * Elixir v1.14.5 lib/elixir/test/elixir/agent_test.exs, translated.
 */
import { describe } from 'vitest'
import * as O from 'fp-ts/lib/Option.js'
import { Agent, Effect, Process, Supervisor } from '../../lib/index.js'
import { eq, elixir, infoOf, ok } from './support.js'

const { test, skip } = elixir('agent_test.exs')

describe('agent_test.exs', () => {
  test(12, 'can be supervised directly', () =>
    Effect.asUnit(Supervisor.startLink([Agent.childSpec(() => 'ok')], { strategy: 'one_for_one' }))
  )

  test(16, 'generates child_spec/1', () =>
    Effect.gen(function* () {
      const spec = Agent.childSpec(() => 'hello')
      yield* eq(spec.id, 'Agent')
      yield* ok(Effect.isEffect(spec.start), 'start is the startLink')
      const custom = { ...Agent.childSpec(() => 'hello'), id: 'id', restart: 'temporary', shutdown: 'infinity' }
      yield* eq([custom.id, custom.restart, custom.shutdown], ['id', 'temporary', 'infinity'])
    })
  )

  test(38, 'start_link/2 workflow with unregistered name and anonymous functions', (rt) =>
    Effect.gen(function* () {
      const pid = yield* Agent.startLink(() => new Map<string, string>())
      const me = yield* Process.self
      yield* ok((yield* infoOf(rt, me)).links.includes(pid), 'the agent is linked to the caller')
      yield* Agent.update(pid, (m) => new Map(m).set('hello', 'world'))
      yield* eq(yield* Agent.get(pid, (m) => m.get('hello'), 3000), 'world')
      yield* eq(
        yield* Agent.getAndUpdate(
          pid,
          (m) => {
            const next = new Map(m)
            next.delete('hello')
            return [m.get('hello'), next] as const
          },
          3000
        ),
        'world'
      )
      yield* eq([...(yield* Agent.get(pid, (m) => m))], [])
      yield* Agent.stop(pid)
      yield* eq(yield* Process.isAlive(pid), false)
    })
  )

  skip(54, 'start_link/2 with spawn_opt', 'no process priorities or spawn options')

  test(59, 'start/2 workflow with registered name and module functions', (rt) =>
    Effect.gen(function* () {
      const pid = yield* Agent.start(() => ({}) as Record<string, string>, { name: 'agent' })
      yield* eq((yield* infoOf(rt, pid)).name, O.some('agent'))
      yield* Agent.cast<Record<string, string>>('agent', (m) => ({ ...m, hello: 'world' }))
      yield* eq(yield* Agent.get('agent', (m: Record<string, string>) => m['hello']), 'world')
      yield* eq(
        yield* Agent.getAndUpdate('agent', (m: Record<string, string>) => {
          const { hello, ...rest } = m
          return [hello, rest] as const
        }),
        'world'
      )
      yield* eq(yield* Agent.get('agent', (m: Record<string, string>) => m), {})
      yield* Agent.stop('agent')
      yield* eq(yield* Process.whereis('agent'), O.none)
    })
  )

  skip(71, ':sys.change_code/4 with mfa', 'no hot code upgrade (:sys.change_code)')
  skip(81, ':sys.change_code/4 with raising mfa', 'no hot code upgrade (:sys.change_code)')
})
