/**
 * A distributed race found by `TestRuntime.explore` and replayed: two nodes
 * on one seeded scheduler and virtual clock. A process sends `m1` then `m2`
 * to a process on another node while a second process cuts the connection
 * (`Node.disconnect`). When the cut falls between the two sends, `m1` is
 * lost with the old connection and `m2` goes through the new one: the
 * receiver sees `m2` without `m1`. Erlang allows it (delivery is at most
 * once, FIFO only within one connection); a program that assumes gap-free
 * delivery breaks, and the search finds the schedule that shows it.
 */
import * as O from 'fp-ts/lib/Option.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { Effect, Exit, Node, Process, TestRuntime, Transport } from '../../lib/index.js'

/** Collects what arrives for 100 ms, then reports it to `main`. */
const collector = Node.program(t.type({ main: Process.pid }), ({ main }) =>
  Effect.gen(function* () {
    const got: Array<string> = []
    for (;;) {
      const m = yield* Process.receive(
        Process.on(t.string, (s) => Effect.succeed(s)),
        Process.after(100, () => Effect.succeed(undefined))
      )
      if (m === undefined) break
      got.push(m)
    }
    yield* Process.send(main, { _tag: 'report', got })
  })
)

const cluster = (): TestRuntime.Cluster => {
  const net = Transport.memory()
  return {
    node: { name: 'a', transport: net },
    peers: [{ name: 'b', transport: net, programs: { collector } }]
  }
}

const program = Effect.gen(function* () {
  const main = yield* Process.self
  const q = yield* Node.spawn('b', 'collector', { main })
  yield* Process.spawn(Effect.flatMap(Process.send(q, 'm1'), () => Process.send(q, 'm2')))
  yield* Process.spawn(Node.disconnect('b'))
  const { got } = yield* Process.receive(t.type({ _tag: t.literal('report'), got: t.array(t.string) }))
  return got
})

/** The assumption that breaks: whatever arrives, nothing before it is missing. */
const noGaps = (_trace: TestRuntime.Trace, reason: Exit.Reason<unknown, ReadonlyArray<string>>): boolean =>
  reason._tag === 'Normal' && !(reason.value?.includes('m2') === true && reason.value.includes('m1') === false)

describe('a distributed race under TestRuntime.explore', () => {
  it('finds m2 arriving without m1 (the cut between the two sends) and replays it exactly', () => {
    const found = TestRuntime.explore(program, { runs: 300, seed: 1, check: noGaps, cluster })
    expect(O.isSome(found)).toBe(true)
    if (O.isNone(found)) return
    const x = found.value
    expect(x.reason).toEqual({ _tag: 'Normal', value: ['m2'] })
    const replayed = TestRuntime.replay(program, x.schedule, { cluster })
    expect(TestRuntime.format(replayed)).toBe(TestRuntime.format(x.trace))
  })

  it('in the production order the cut comes after both sends: both are lost with the connection, no gap', () => {
    const net = Transport.memory()
    const a = TestRuntime.make({ seed: 1, strategy: 'fifo', node: { name: 'a', transport: net } })
    a.peer({ name: 'b', transport: net, programs: { collector } })
    expect(a.runSync(program)).toEqual({ _tag: 'Normal', value: [] })
  })
})
