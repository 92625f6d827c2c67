/**
 * The programs node b runs for the exit-signal table across nodes
 * (`exit-table.ts`). No test-runner import here: a node in another thread
 * (a worker) registers `tablePrograms` from this module.
 */
import * as t from 'io-ts'
import { Effect, Exit, Node, Process } from '../../lib/index.js'

// -------------------------------------------------------------------------------------
// the programs node b runs
// -------------------------------------------------------------------------------------

/** What a process on b does when told 'go'. */
export const Body = t.keyof({
  return: null,
  exitNormal: null,
  fail: null,
  custom: null,
  shutdown: null,
  shutdownInfo: null,
  exitKill: null
})
export type Body = t.TypeOf<typeof Body>

const body = (b: Body): Effect.Effect<unknown, unknown> => {
  switch (b) {
    case 'return':
      return Effect.unit
    case 'exitNormal':
      return Process.exit(Exit.normal)
    case 'fail':
      return Effect.fail('oops')
    case 'custom':
      return Process.exit(Exit.custom({ custom: 1 }))
    case 'shutdown':
      return Process.exit(Exit.shutdown)
    case 'shutdownInfo':
      return Process.exit(Exit.shutdownWith('bye'))
    case 'exitKill':
      return Process.exit(Exit.kill)
  }
}

const Main = t.type({ main: Process.pid })
const Ping = t.type({ _tag: t.literal('ping'), from: Process.pid })

/** Answers pings forever. */
const pingable = Effect.forever(Process.receive(Process.on(Ping, (m) => Process.send(m.from, 'pong'))))

/** The programs of node b, by name. */
export const tablePrograms = {
  /** Says 'ready' to main, waits for 'go', then does `body`. */
  onGo: Node.program(t.type({ main: Process.pid, body: Body }), ({ main, body: b }) =>
    Effect.gen(function* () {
      yield* Process.send(main, 'ready')
      yield* Process.receive(t.literal('go'))
      return yield* body(b)
    })
  ),
  /** Traps exits (or not), says 'ready', forwards each EXIT it gets to main, answers pings. */
  watcher: Node.program(t.type({ main: Process.pid, trap: t.boolean }), ({ main, trap }) =>
    Effect.gen(function* () {
      yield* Process.trapExit(trap)
      yield* Process.send(main, 'ready')
      for (;;) {
        yield* Process.receive(
          Process.on(Exit.ExitSignal, (msg) => Process.send(main, { _tag: 'got', from: msg.from, reason: msg.reason })),
          Process.on(Ping, (m) => Process.send(m.from, 'pong'))
        )
      }
    })
  ),
  /** Links itself to `target` (on a), traps exits or not, says 'linked', then answers pings. */
  linker: Node.program(t.type({ main: Process.pid, target: Process.pid, trap: t.boolean }), ({ main, target, trap }) =>
    Effect.gen(function* () {
      yield* Process.trapExit(trap)
      yield* Process.link(target)
      yield* Process.send(main, 'linked')
      for (;;) {
        yield* Process.receive(
          Process.on(Exit.ExitSignal, (msg) => Process.send(main, { _tag: 'got', from: msg.from, reason: msg.reason })),
          Process.on(Ping, (m) => Process.send(m.from, 'pong'))
        )
      }
    })
  ),
  /** Ends at once. */
  quick: Node.program(Main, () => Effect.unit),
  /** Registers itself as 'named' and waits. */
  named: Node.program(Main, ({ main }) =>
    Effect.gen(function* () {
      yield* Process.register('named', yield* Process.self)
      yield* Process.send(main, 'ready')
      return yield* pingable
    })
  )
}
