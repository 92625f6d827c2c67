/**
 * Run as its own Node process by `test/reliability/node-exit.test.ts`: a
 * runtime with processes that never let go (a finalizer that sleeps for days,
 * an uninterruptible wait, a `sendAfter` to a name, a killed process whose
 * finalizer never ends) is shut down. Prints how long `shutdown()` took; Node
 * must then exit by itself, with nothing left holding it.
 */
import { Effect, Exit, Process, Runtime } from '../../../lib/index.js'

const rt = Runtime.make({ finalizerTimeout: 100, onError: () => {} })
rt.spawn(Effect.ensuring(Effect.never, Effect.sleep(1e9)))
rt.spawn(Effect.uninterruptible(Effect.never))
rt.spawn(
  Effect.gen(function* () {
    yield* Process.register('later', yield* Process.self)
    yield* Process.sendAfter('later', 'tick', 1e9)
    yield* Process.sendAfter(yield* Process.self, 'tick', 1e9)
    return yield* Effect.never
  })
)
const stuck = rt.spawn(Effect.ensuring(Effect.never, Effect.sleep(1e9)))
await new Promise((r) => setTimeout(r, 10))
await rt.run(Process.exit(stuck, Exit.kill))
const start = performance.now()
await rt.shutdown()
console.log(JSON.stringify({ shutdownMs: Math.round(performance.now() - start), processes: rt.processes().length }))
