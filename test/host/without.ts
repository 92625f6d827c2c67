/**
 * A program run with some of the host's globals deleted first (the names are
 * the arguments), as in a host that lacks them:
 * `node --import tsx test/host/without.ts setImmediate MessageChannel`.
 * Prints one JSON line: the macrotask the scheduler chose and what the program did.
 */
import './delete-globals.js'
import * as t from 'io-ts'
import { Effect, Exit, Process, Runtime, Scheduler, TestRuntime } from '../../lib/index.js'

/** Answers `n` with `n + 1` until it gets `stop`. */
const Ping = t.type({ n: t.number, from: Process.pid })
const ponger: Effect.Effect<Process.NoProcess, void> = Process.receive(
  Process.on(Ping, ({ n, from }) => Effect.flatMap(Process.send(from, n + 1), () => ponger)),
  Process.on(t.literal('stop'), () => Effect.succeed(undefined))
)

const main = Effect.gen(function* () {
  const pid = yield* Process.spawn(ponger, { mailbox: t.union([Ping, t.literal('stop')]) })
  const me = yield* Process.self
  let n = 0
  for (let i = 0; i < 10_000; i++) {
    yield* Process.send(pid, { n, from: me })
    n = yield* Process.receive(t.number)
  }
  yield* Process.send(pid, 'stop')
  const before = performance.now()
  yield* Process.sleep(20)
  const slept = performance.now() - before
  // a crash is confined to its process: the monitor sees it
  const [, ref] = yield* Process.spawnMonitor(Effect.die(new Error('boom')))
  const down = yield* Process.receive(Exit.Down)
  return { n, slept: slept >= 19, down: down.ref === ref && Exit.format(down.reason) }
})

const reason = await Runtime.make().run(main)
const virtual = await TestRuntime.make({ seed: 1 }).run(Effect.as(Process.sleep(60_000), 'virtual'))
console.log(
  JSON.stringify({
    macrotask: Scheduler.macrotask(),
    result: Exit.isNormal(reason) ? reason.value : Exit.format(reason),
    virtual: Exit.isNormal(virtual) ? virtual.value : Exit.format(virtual)
  })
)
