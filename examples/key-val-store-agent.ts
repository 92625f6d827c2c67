/**
 * KeyValStore again, with an Agent: the same store as `key-val-store.ts`,
 * without writing the receive loop. Elixir says it in the Processes guide:
 * "Elixir implements this as Agent".
 *
 * ```elixir
 * defmodule KeyValStore do
 *   use Agent
 *   def start_link, do: Agent.start_link(fn -> %{} end)
 *   def get(store, key), do: Agent.get(store, &Map.get(&1, key))
 *   def put(store, key, value), do: Agent.update(store, &Map.put(&1, key, value))
 * end
 * ```
 *
 * The state functions run inside the agent process; `get` and `put` wait for
 * the agent to answer (a `GenServer.call` underneath), `cast` does not wait,
 * `getAndUpdate` reads and writes in one step, and `stop` ends the agent.
 *
 * Run it: `npx tsx examples/key-val-store-agent.ts`
 */
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import * as Agent from '../lib/Agent.js'
import { runIfMain } from './run.js'

// -------------------------------------------------------------------------------------
// the store
// -------------------------------------------------------------------------------------

type Store = ReadonlyMap<string, number>

/** Elixir: `Agent.start_link(fn -> %{} end)` */
const startLink = Agent.startLink((): Store => new Map())

/** Elixir: `Agent.get(store, &Map.get(&1, key))` */
const get = (store: Agent.Agent<Store>, key: string) =>
  Effect.tap(
    Agent.get(store, (s) => s.get(key) ?? null),
    (value) => Effect.sync(() => console.log(`  get ${key} -> ${String(value)}`))
  )

/** Elixir: `Agent.update(store, &Map.put(&1, key, value))` */
const put = (store: Agent.Agent<Store>, key: string, value: number) =>
  Effect.flatMap(
    Effect.sync(() => console.log(`  put ${key} = ${value}`)),
    () => Agent.update(store, (s) => new Map(s).set(key, value))
  )

/** Elixir: `Agent.get_and_update(store, &Map.pop(&1, key))`: take a key out. */
const pop = (store: Agent.Agent<Store>, key: string) =>
  Effect.tap(
    Agent.getAndUpdate(store, (s): readonly [number | null, Store] => {
      const next = new Map(s)
      next.delete(key)
      return [s.get(key) ?? null, next]
    }),
    (value) => Effect.sync(() => console.log(`  pop ${key} -> ${String(value)}`))
  )

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/** What the example returns, so the test can check it. */
export interface KeyValStoreAgentResult {
  /** The values the client read, in order. */
  readonly reads: ReadonlyArray<readonly [string, number | null]>
  /** The keys left at the end. */
  readonly keys: ReadonlyArray<string>
  /** How the store ended. */
  readonly storeExit: string
}

const client = Effect.gen(function* () {
  const store = yield* startLink

  yield* put(store, 'apples', 3)
  yield* put(store, 'pears', 5)
  const apples = yield* get(store, 'apples')
  const pears = yield* get(store, 'pears')
  yield* put(store, 'apples', 4)
  const applesAgain = yield* get(store, 'apples')
  const plums = yield* get(store, 'plums') // never put: Elixir's nil

  // Elixir: Agent.cast(store, &Map.put(&1, "plums", 7)): returns at once
  console.log('  cast plums = 7')
  yield* Agent.cast(store, (s) => new Map(s).set('plums', 7))
  const plumsNow = yield* get(store, 'plums') // the cast was handled before this get
  const popped = yield* pop(store, 'pears')
  const keys = yield* Agent.get(store, (s) => [...s.keys()].sort())

  // Elixir: Agent.stop(store): normal, so the linked client lives on
  const ref = yield* Process.monitor(store)
  yield* Agent.stop(store)
  const down = yield* Process.receive(Exit.Down)
  const storeExit = down.ref === ref ? Exit.format(down.reason) : 'unexpected DOWN'
  console.log(`  store stopped: ${storeExit}`)

  const reads: KeyValStoreAgentResult['reads'] = [
    ['apples', apples],
    ['pears', pears],
    ['apples', applesAgain],
    ['plums', plums],
    ['plums', plumsNow],
    ['pears', popped]
  ]
  return { reads, keys, storeExit }
})

export const main = async (): Promise<KeyValStoreAgentResult> => {
  const exit = await Runtime.make().run(client)
  if (exit._tag !== 'Normal' || exit.value === undefined) throw new Error(`the client ended with ${Exit.format(exit)}`)
  return exit.value
}

runIfMain(import.meta.url, main)
