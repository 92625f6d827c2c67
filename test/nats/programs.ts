/**
 * The programs a node of the NATS cluster tests exposes (test/nats/host.ts
 * runs them in a child process; the test process spawns them by name).
 */
import * as t from 'io-ts'
import { Effect, GenServer, Node, Process } from '../../lib/index.js'
import { Global } from '../../lib/nats/index.js'

/** This node's cluster-wide names, once started (set by the host). */
export const globals: { current: Global.Global | undefined } = { current: undefined }
const global = (): Global.Global => {
  if (globals.current === undefined) throw new Error('Global is not started on this node')
  return globals.current
}

const Stop = t.literal('stop')
const ToPid = t.type({ to: Process.pid })

export const echoLoop = Effect.forever(
  Process.receive(Process.on(t.type({ from: Process.pid, body: t.unknown }), (m) => Process.send(m.from, m.body)))
)

export const programs = {
  /** Sends back every `{ from, body }`'s body. */
  echo: Node.program(t.unknown, () => echoLoop),
  /** Waits for 'stop'. */
  parked: Node.program(t.unknown, () => Process.receive(Stop)),
  /** Waits for 'go', then fails with its argument. */
  crash: Node.program(t.string, (why) => Effect.flatMap(Process.receive(t.literal('go')), () => Effect.fail(why))),
  /** Sends `{ tick: i }` to `to` every ms until it sees `to`'s node down. */
  ticker: Node.program(ToPid, ({ to }) =>
    Effect.gen(function* () {
      const node = Node.of(to)
      if (node !== undefined) yield* Node.monitor(node)
      for (let i = 0; ; i++) {
        yield* Process.send(to, { tick: i })
        const down = yield* Process.receive(
          Process.on(Node.NodeDown, () => Effect.succeed(true)),
          Process.after(1, () => Effect.succeed(false))
        )
        if (down) return
      }
    })
  ),
  /** Monitors `target` and reports its DOWN reason to `to`. */
  watcher: Node.program(t.type({ to: Process.pid, target: Process.pid }), ({ to, target }) =>
    Effect.gen(function* () {
      const ref = yield* Process.monitor(target)
      yield* Process.send(to, { watching: true })
      const down = yield* Process.receive(Process.on(t.unknown, (m) => Effect.succeed(m)))
      yield* Process.send(to, { down, ref: String(ref) })
    })
  ),
  /** Registers itself globally as `name`, tells `to` `{ node, ok }`, and waits. */
  registrar: Node.program(t.type({ to: Process.pid, name: t.string }), ({ to, name }) =>
    Effect.gen(function* () {
      const me = yield* Process.self
      const ok = yield* Effect.either(Global.register(global(), name, me))
      yield* Process.send(to, { node: yield* Node.self, ok: ok._tag === 'Right' ? ok.right : String(ok.left) })
      yield* Process.receive(Stop)
    })
  ),
  /** A GenServer registered globally as `name`: answers a call with its node's name. */
  named: Node.program(t.type({ to: Process.pid, name: t.string }), ({ to, name }) =>
    Effect.gen(function* () {
      const node = yield* Node.self
      const started = yield* Effect.either(
        GenServer.start(
          {
            init: (n) => Effect.succeed(GenServer.ok(n)),
            handleCall: (_req: unknown, _from, n: string) => Effect.succeed(GenServer.replyWith(n, n))
          },
          node,
          { name: Global.via(global(), name) }
        )
      )
      yield* Process.send(to, { started: started._tag === 'Right' })
    })
  ),
  /** Calls the GenServer globally named `name` and sends the reply to `to`. */
  caller: Node.program(t.type({ to: Process.pid, name: t.string }), ({ to, name }) =>
    Effect.flatMap(Effect.either(GenServer.call<unknown>(Global.via(global(), name), 'hello')), (r) =>
      Process.send(to, { reply: r._tag === 'Right' ? r.right : 'failed' })
    )
  ),
  /** Blocks its node's event loop for `ms` (synchronous work), then tells `to`. */
  stall: Node.program(t.type({ to: Process.pid, ms: t.number }), ({ to, ms }) =>
    Effect.flatMap(
      Effect.sync(() => {
        const until = performance.now() + ms
        while (performance.now() < until) {
          // a long synchronous computation: no timer, no I/O on this node meanwhile
        }
      }),
      () => Process.send(to, 'stalled')
    )
  ),
  /** Sends 0..n-1 to `to`, then 'end'. */
  sender: Node.program(t.type({ to: Process.pid, n: t.number }), ({ to, n }) =>
    Effect.gen(function* () {
      for (let i = 0; i < n; i++) yield* Process.send(to, i)
      yield* Process.send(to, 'end')
    })
  ),
  /** Counts numbers until 'end': received, duplicated, out of order, lost; reports to `to`. */
  counter: Node.program(ToPid, ({ to }) =>
    Effect.gen(function* () {
      const seen = new Set<number>()
      let received = 0
      let duplicated = 0
      let reordered = 0
      let last = -1
      let max = -1
      for (;;) {
        const m = yield* Process.receive(t.union([t.number, t.literal('end')]))
        if (m === 'end') break
        received++
        if (seen.has(m)) duplicated++
        else seen.add(m)
        if (m < last) reordered++
        last = m
        max = Math.max(max, m)
      }
      // numbers below the highest that never came (a loss at the tail shows in `received`)
      const lost = max + 1 - seen.size
      yield* Process.send(to, { received, duplicated, reordered, lost })
    })
  )
}
