/**
 * In the page: the page's runtime is a node (`page`) whose transport is a `Port.hub()`; a
 * Web Worker runs the node `cpu` (`worker-node-worker.ts`), adopted by the hub. The page
 * spawns a CPU-bound program on `cpu` and gets its answer; then, linked to one process on
 * `cpu` and monitoring another and the node, it terminates the worker: the link gives an
 * exit signal `noconnection`, the monitor a DOWN `noconnection`, the node monitor a
 * `nodedown`, once each.
 */
import * as t from 'io-ts'
import { Effect, Exit, Node, Port, Process, Runtime } from '../../../lib/index.js'

/** What the page uses of `Worker` and `location` (the project's types have no DOM lib). */
interface WebWorker extends Port.PortLike {
  terminate(): void
}
const page = globalThis as unknown as {
  readonly Worker: new (url: string, options: { readonly type: 'module'; readonly name: string }) => WebWorker
  readonly location: { readonly origin: string }
}

const hub = Port.hub()
const rt = Runtime.make({ node: { name: 'page', transport: hub } })
const worker = new page.Worker(`${page.location.origin}/run/worker-node-worker.js`, { type: 'module', name: 'cpu' })
const member = hub.adopt(worker)
const joined = await member.joined

const Answer = t.type({ below: t.number, count: t.number, node: t.string })

const main = Effect.gen(function* () {
  const me = yield* Process.self
  yield* Process.trapExit(true)
  yield* Node.monitor('cpu')
  const counter = yield* Node.spawn('cpu', 'primes', { below: 1_000_000, to: me })
  const answer = yield* Process.receive(Answer)
  const linked = yield* Node.spawnLink('cpu', 'idle', null)
  const [watched, ref] = yield* Node.spawnMonitor('cpu', 'idle', null)
  yield* Effect.sync(() => {
    worker.terminate()
    member.lost('terminated')
  })
  const signal = yield* Process.receive(Exit.ExitSignal)
  const down = yield* Process.receive(Exit.Down)
  const nodedown = yield* Process.receive(Node.NodeDown)
  // once each: nothing more comes
  const more = yield* Process.receive(
    Process.on(t.unknown, (m) => Effect.succeed(m)),
    Process.after(100, () => Effect.succeed('nothing more'))
  )
  return {
    onCpu: [counter, linked, watched].map((p) => Node.of(p)),
    answer,
    signal: {
      fromLinked: signal.from === linked,
      reason: Exit.format(signal.reason),
      noconnection: Node.isNoconnection(signal.reason)
    },
    down: { ref: down.ref === ref, reason: Exit.format(down.reason) },
    nodedown,
    more
  }
})

const reason = await rt.run(main)
const down = await member.down
await rt.shutdown()

export const result = {
  joined: joined.name,
  run: Exit.isNormal(reason) ? reason.value : Exit.format(reason),
  memberDown: down
}
