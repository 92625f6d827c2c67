/**
 * KeyValStore: state kept in a process by a `receive` loop that calls itself.
 *
 * The Elixir original (the Processes guide):
 *
 * ```elixir
 * defmodule KeyValStore do
 *   def start_link, do: Task.start_link(fn -> receive_recurse(%{}) end)
 *
 *   defp receive_recurse(store) do
 *     receive do
 *       {:get, key, caller} ->
 *         send caller, Map.get(store, key)
 *         receive_recurse(store)
 *       {:put, key, value} ->
 *         receive_recurse(Map.put(store, key, value))
 *     end
 *   end
 * end
 * ```
 *
 * Here the messages are an io-ts tagged union, and the store is spawned with
 * it as its mailbox codec, so its pid is typed (`Pid<Msg>`) and `send` checks
 * every message at compile time. A message that slips past the types (sent
 * through an untyped pid) is checked at run time: the codec rejects it and it
 * becomes a dead letter carrying the io-ts report, instead of reaching the store.
 *
 * Run it: `npx tsx examples/key-val-store.ts`
 */
import * as t from 'io-ts'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// messages
// -------------------------------------------------------------------------------------

/** Elixir: `{:get, key, caller}` */
export const Get = t.type({ _tag: t.literal('Get'), key: t.string, replyTo: Process.pid }, 'Get')

/** Elixir: `{:put, key, value}` */
export const Put = t.type({ _tag: t.literal('Put'), key: t.string, value: t.number }, 'Put')

/** Everything the store accepts: its mailbox codec. */
export const Msg = t.union([Get, Put], 'Msg')
export type Msg = t.TypeOf<typeof Msg>

/** The answer to a `Get`. Elixir sends the bare value (or `nil`); we tag it and echo the key. */
export const Reply = t.type({ _tag: t.literal('Reply'), key: t.string, value: t.union([t.number, t.null]) })
export type Reply = t.TypeOf<typeof Reply>

// -------------------------------------------------------------------------------------
// the store process
// -------------------------------------------------------------------------------------

/**
 * Elixir: `defp receive_recurse(store)`. Each message is handled by one
 * clause, which ends by calling the loop again with the (new) state. The
 * recursive call is the last step of the handler, so the loop runs forever
 * in constant stack.
 */
const receiveRecurse = (store: ReadonlyMap<string, number>): Effect.Effect<Process.NoProcess, never> =>
  Process.receive(
    // Elixir: {:get, key, caller} -> send caller, Map.get(store, key); receive_recurse(store)
    Process.on(Get, ({ key, replyTo }) =>
      pipe(
        Process.send(replyTo, { _tag: 'Reply', key, value: store.get(key) ?? null }),
        Effect.flatMap(() => receiveRecurse(store))
      )
    ),
    // Elixir: {:put, key, value} -> receive_recurse(Map.put(store, key, value))
    Process.on(Put, ({ key, value }) => receiveRecurse(new Map(store).set(key, value)))
  )

// -------------------------------------------------------------------------------------
// the client
// -------------------------------------------------------------------------------------

/**
 * A synchronous get: send the request with our own pid, then wait for the
 * reply. A helper called per request: `Effect.fn` makes its generator
 * function once (README, "Generator functions").
 */
const get = Effect.fn(function* (store: Process.Pid<Msg>, key: string) {
  const me = yield* Process.self
  // Elixir: send(store, {:get, key, self()})
  yield* Process.send(store, { _tag: 'Get', key, replyTo: me })
  // Elixir: receive do value -> value end
  const reply = yield* Process.receive(Reply)
  console.log(`  get ${key} -> ${String(reply.value)}`)
  return reply.value
})

/** Elixir: `send(store, {:put, key, value})`: fire and forget. */
const put = (store: Process.Pid<Msg>, key: string, value: number): Effect.Effect<Process.NoProcess, void> =>
  pipe(
    Effect.sync(() => console.log(`  put ${key} = ${value}`)),
    Effect.flatMap(() => Process.send(store, { _tag: 'Put', key, value }))
  )

/** What the example returns, so the test can check it. */
export interface KeyValStoreResult {
  /** The values the client read, in order. */
  readonly reads: ReadonlyArray<readonly [string, number | null]>
  /** The io-ts reports of the messages the store's mailbox rejected. */
  readonly deadLetters: ReadonlyArray<string>
  /** How the store ended. */
  readonly storeExit: string
}

const client = Effect.gen(function* () {
  // Elixir: {:ok, store} = KeyValStore.start_link()
  // The mailbox codec types the pid: store is a Pid<Msg>.
  const store = yield* Process.spawn(receiveRecurse(new Map()), { mailbox: Msg })

  yield* put(store, 'apples', 3)
  yield* put(store, 'pears', 5)
  const apples = yield* get(store, 'apples')
  const pears = yield* get(store, 'pears')
  yield* put(store, 'apples', 4)
  const applesAgain = yield* get(store, 'apples')
  const plums = yield* get(store, 'plums') // never put: Elixir's nil

  // `Process.send(store, { _tag: 'Put', key: 'plums', value: 'lots' })` does not compile.
  // Through an untyped pid it does, and the store's mailbox codec rejects it at run time.
  const untyped: Process.Pid = store
  console.log(`  put plums = 'lots'   (through an untyped pid)`)
  yield* Process.send(untyped, { _tag: 'Put', key: 'plums', value: 'lots' })
  const plumsAfter = yield* get(store, 'plums') // still nothing: the bad Put never arrived

  // The store loops forever, as in Elixir; stop it and wait until it is gone.
  // Elixir: ref = Process.monitor(store); Process.exit(store, :shutdown); receive {:DOWN, ^ref, ...}
  const ref = yield* Process.monitor(store)
  yield* Process.exit(store, Exit.shutdown)
  const down = yield* Process.receive(Exit.Down)
  const storeExit = down.ref === ref ? Exit.format(down.reason) : 'unexpected DOWN'
  console.log(`  store stopped: ${storeExit}`)

  const reads: KeyValStoreResult['reads'] = [
    ['apples', apples],
    ['pears', pears],
    ['apples', applesAgain],
    ['plums', plums],
    ['plums', plumsAfter]
  ]
  return { reads, storeExit }
})

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

export const main = async (): Promise<KeyValStoreResult> => {
  const rt = Runtime.make()

  // Every message a mailbox codec rejects shows up here, with the io-ts report.
  const deadLetters: Array<string> = []
  const subscription = rt.deadLetters$.subscribe((letter) => {
    const report = (letter.report ?? []).join('; ')
    console.log(`  dead letter (${letter.reason}) to ${String(letter.to)}: ${JSON.stringify(letter.message)}`)
    console.log(`    io-ts: ${report}`)
    deadLetters.push(report)
  })

  const exit = await rt.run(client)
  subscription.unsubscribe()
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the client ended with ${Exit.format(exit)}`)
  return { ...exit.value, deadLetters }
}

runIfMain(import.meta.url, main)
