/**
 * Linked crash: an error in one process travels along its links.
 *
 * In Elixir:
 *
 * ```elixir
 * Process.flag(:trap_exit, true)
 * parent = self()
 * worker = spawn_link(fn -> receive do :crash -> raise "disk full" end end)
 * sibling = spawn(fn ->
 *   Process.link(worker)
 *   send(parent, :ready)
 *   receive do :work -> :ok end
 * end)
 * ref = Process.monitor(sibling)
 * receive do :ready -> send(worker, :crash) end
 * receive do {:EXIT, ^worker, reason} -> IO.inspect(reason) end
 * receive do {:DOWN, ^ref, :process, ^sibling, reason} -> IO.inspect(reason) end
 * ```
 *
 * The parent traps exits, so the worker's crash reaches it as an `EXIT`
 * message (decoded with `Exit.ExitSignal`) and the parent lives on. The
 * sibling does not trap exits: the same signal kills it, with the same reason.
 * Nobody gets a message about the sibling's death through the link (it has
 * no other link), but every exit is on the runtime's `exits$` stream.
 *
 * Run it: `npx tsx examples/linked-crash.ts`
 */
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/** Elixir: `:crash`, which tells the worker to fail. */
export const Crash = t.type({ _tag: t.literal('Crash') }, 'Crash')

/** Elixir: `:ready`, sent by the sibling once it is linked to the worker. */
export const Ready = t.type({ _tag: t.literal('Ready') }, 'Ready')

/** Elixir: `:work`, what the sibling waits for (it never comes). */
export const Work = t.type({ _tag: t.literal('Work') }, 'Work')

// -------------------------------------------------------------------------------------
// processes
// -------------------------------------------------------------------------------------

/** Elixir: `receive do :crash -> raise "disk full" end`. A throw ends the process with a `Defect`. */
const worker = pipe(
  Process.receive(Crash),
  Effect.flatMap(() =>
    Effect.sync((): never => {
      throw new Error('disk full')
    })
  )
)

/** Links itself to the worker, says so, then waits for work. */
const sibling = (theWorker: Process.Pid, parent: Process.Pid) =>
  Effect.gen(function* () {
    // Elixir: Process.link(worker)
    yield* Process.link(theWorker)
    // Elixir: send(parent, :ready)
    yield* Process.send(parent, { _tag: 'Ready' })
    // Elixir: receive do :work -> :ok end
    return yield* Process.receive(Work)
  })

/** What the example returns, so the test can check it. */
export interface LinkedCrashResult {
  /** Who the parent's `EXIT` message came from. */
  readonly exitFrom: string
  /** The reason in the parent's `EXIT` message, formatted. */
  readonly exitReason: string
  /** How the sibling ended, from the parent's monitor. */
  readonly siblingReason: string
  /** Whether the sibling died of the very same reason value. */
  readonly sameReason: boolean
  /** What `rt.exits$` showed for the worker and the sibling, in order. */
  readonly exits: ReadonlyArray<string>
  /** The parent survived: it ended normally. */
  readonly parentExit: string
}

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

export const main = async (): Promise<LinkedCrashResult> => {
  const rt = Runtime.make()

  // The pids we want to name on the exits$ stream.
  const names = new Map<Process.Pid, string>()
  const label = (pid: Process.Pid, name: string) =>
    Effect.sync(() => {
      names.set(pid, name)
      console.log(`  ${name} is ${String(pid)}`)
    })

  // Every exit in the runtime, as it happens.
  const exits: Array<string> = []
  const subscription = rt.exits$.subscribe(({ pid, reason }) => {
    const name = names.get(pid)
    if (name === undefined) return
    const line = `${name} exited: ${Exit.format(reason)}`
    console.log(`  [exits$] ${line}`)
    exits.push(line)
  })

  const parent = Effect.gen(function* () {
    // Elixir: Process.flag(:trap_exit, true)
    yield* Process.trapExit(true)
    const me = yield* Process.self

    // Elixir: worker = spawn_link(fn -> ... end)
    const theWorker = yield* Process.spawnLink(worker, { mailbox: Crash })
    yield* label(theWorker, 'worker')

    // Elixir: sibling = spawn(fn -> ... end); ref = Process.monitor(sibling)   (atomically: spawn_monitor)
    const [theSibling, siblingRef] = yield* Process.spawnMonitor(sibling(theWorker, me), { mailbox: Work })
    yield* label(theSibling, 'sibling')

    // Elixir: receive do :ready -> send(worker, :crash) end
    yield* Process.receive(Ready)
    console.log('  parent: sibling is linked, telling the worker to crash')
    yield* Process.send(theWorker, { _tag: 'Crash' })

    // Elixir: receive do {:EXIT, from, reason} -> ... end
    const signal = yield* Process.receive(Exit.ExitSignal)
    const exitFrom = names.get(signal.from) ?? String(signal.from)
    console.log(`  parent: got EXIT from ${exitFrom}: ${Exit.format(signal.reason)}`)

    // Elixir: receive do {:DOWN, ^ref, :process, _, reason} -> ... end
    const down = yield* Process.receive(Exit.Down)
    const siblingReason = down.ref === siblingRef ? Exit.format(down.reason) : 'unexpected DOWN'
    console.log(`  parent: got DOWN for the sibling: ${siblingReason}`)

    return {
      exitFrom,
      exitReason: Exit.format(signal.reason),
      siblingReason,
      sameReason: down.reason === signal.reason
    }
  })

  const exit = await rt.run(parent)
  subscription.unsubscribe()
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the parent ended with ${Exit.format(exit)}`)
  console.log(`  parent ended ${exit._tag}: trapping exits kept it alive`)
  return { ...exit.value, exits, parentExit: exit._tag }
}

runIfMain(import.meta.url, main)
