/**
 * The browser example's program (bundled by `serve.ts`): a small process world whose output
 * is shown in the page. A supervisor holds a counter (a GenServer) and a worker that crashes
 * on every third tick; a ticker sends ticks on the runtime's timers; the supervisor restarts
 * the worker; every exit reaches the page through `rt.exits$`. In the end the page reads
 * `done`, with the count and the restarts.
 *
 * Run it: `npm run example:browser`, then open the address it prints.
 */
import * as t from 'io-ts'
import { Effect, Exit, GenServer, Process, Runtime, Scheduler, Supervisor } from '../../lib/index.js'

/** The few DOM calls the page makes (the project's types have no DOM lib). */
interface Doc {
  getElementById(id: string): { textContent: string | null; dataset: Record<string, string | undefined> } | null
}
const doc = (globalThis as unknown as { readonly document: Doc }).document
const out = doc.getElementById('out')
const status = doc.getElementById('status')

/** One line of output, in the page (and the console). */
const show = (line: string): void => {
  if (out !== null) out.textContent += line + '\n'
  console.log(line)
}

const TICKS = 9

const Counter: GenServer.Behaviour<number, number, 'count', number, never, 'tick'> = {
  init: (n) => Effect.succeed(GenServer.ok(n)),
  handleCall: (_req, _from, n) => Effect.succeed(GenServer.replyWith(n, n)),
  handleCast: (_tick, n) => Effect.succeed(GenServer.noReply(n + 1))
}

/** Registered as `worker`: handles ticks, and crashes on every third one. */
const worker = Effect.flatMap(
  Effect.flatMap(Process.self, (me) => Process.register('worker', me)),
  () =>
    Effect.forever(
      Process.receive(
        Process.on(t.number, (n) =>
          n % 3 === 0
            ? Effect.die(new Error(`tick ${n} is a multiple of 3`))
            : Effect.sync(() => show(`worker: tick ${n}`))
        )
      )
    )
)

const main = Effect.gen(function* () {
  const sup = yield* Supervisor.startLink(
    [
      { id: 'counter', start: GenServer.startLink(Counter, 0, { name: 'counter' }) },
      { id: 'worker', start: Process.spawnLink(worker) }
    ],
    { strategy: 'one_for_one', maxRestarts: 10, maxSeconds: 5 }
  )
  for (let n = 1; n <= TICKS; n++) {
    yield* Process.sleep(50)
    yield* GenServer.cast('counter', 'tick')
    // between a crash and its restart the name is free: then the tick is a dead letter
    yield* Process.send('worker', n)
  }
  const count = yield* GenServer.call<number>('counter', 'count')
  yield* Supervisor.stop(sup)
  return count
})

const rt = Runtime.make()
let restarts = 0
rt.exits$.subscribe(({ pid, reason }) => {
  if (Exit.isNormal(reason)) return
  if (reason._tag === 'Defect') restarts++
  show(`exit: ${String(pid)} ${Exit.format(reason)}`)
})
show(`the run queue drains on ${Scheduler.macrotask()}`)
const reason = await rt.run(main)
const count = Exit.isNormal(reason) ? reason.value : undefined
show(`counter: ${String(count)} ticks, worker restarted ${restarts} times`)
if (status !== null) {
  status.textContent = 'done'
  status.dataset['state'] = 'done'
  status.dataset['count'] = String(count)
  status.dataset['restarts'] = String(restarts)
}
