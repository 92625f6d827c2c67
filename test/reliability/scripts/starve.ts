/**
 * Run as its own Node process by `test/reliability/node-exit.test.ts` (a
 * starved event loop would block the test runner itself): one process whose
 * every step is 2 ms of synchronous work, forever. A host timer and another
 * process's `sleep` must still fire, and shutdown must end it.
 */
import { Effect, Runtime } from '../../../lib/index.js'

const hog: Effect.Effect<never, never> = Effect.flatMap(
  Effect.sync(() => {
    const end = performance.now() + 2
    while (performance.now() < end) {
      // busy
    }
  }),
  () => hog
)

const rt = Runtime.make()
rt.spawn(hog)
const start = performance.now()
const host = new Promise<number>((r) => setTimeout(() => r(performance.now() - start), 10))
const other = rt.run(Effect.sync(() => performance.now() - start))
const slept = rt.run(Effect.flatMap(Effect.sleep(10), () => Effect.sync(() => performance.now() - start)))
const [hostMs, otherExit, sleptExit] = await Promise.all([host, other, slept])
await rt.shutdown()
const value = (r: typeof otherExit): unknown => (r._tag === 'Normal' ? r.value : r._tag)
console.log(JSON.stringify({ hostMs, otherMs: value(otherExit), sleptMs: value(sleptExit) }))
