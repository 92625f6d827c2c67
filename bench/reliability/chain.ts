/**
 * How fast exit signals travel: a chain of N linked processes (default
 * 100,000), each waiting in `Effect.never`; the first is sent an exit
 * signal and the time until the last one's DOWN is printed (ms, and us per hop).
 *
 * Run: `node --import tsx bench/reliability/chain.ts [N]`.
 */
import { Effect, Exit, Process, Runtime } from '../../lib/index.js'
const N = Number(process.argv[2] ?? 100000)
const rt = Runtime.make()
let t1 = 0
const r = await rt.run(
  Effect.gen(function* () {
    const first = yield* Process.spawn(Effect.never)
    let prev = first
    for (let i = 1; i < N; i++) {
      const p = prev
      prev = yield* Process.spawn(Effect.flatMap(Process.link(p), () => Effect.never))
    }
    const ref = yield* Process.monitor(prev)
    yield* Process.sleep(50) // let every link be made
    t1 = performance.now()
    yield* Process.exit(first, Exit.custom('boom'))
    const down = yield* Process.receive(Exit.Down)
    return [performance.now() - t1, down.ref === ref, down.reason._tag]
  })
)
if (r._tag !== 'Normal') throw new Error(`the chain did not die: ${JSON.stringify(r)}`)
const [ms] = r.value as [number, boolean, string]
console.log(JSON.stringify({ processes: N, ms: Math.round(ms), usPerHop: Math.round((ms * 1000) / N) / 1 }))
await rt.shutdown()
