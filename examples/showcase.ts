/**
 * The examples, one after the other: `npm start`.
 *
 * 1. key-val-store: state in a recursive receive loop, typed messages, a dead letter
 * 2. ping-pong: two processes exchanging typed messages with their own pids
 * 3. linked-crash: a crash travelling along links, trapped by one process, fatal to another
 * 4. key-val-store-agent: the same store as an `Agent`
 * 5. supervision-tree: a tree of supervisors restarting crashed children
 * 6. parallel-map: `Task.asyncStream`, bounded concurrency, a slow element killed or named
 * 7. testing-explore: a lost update found by `TestRuntime.explore`, shrunk and replayed
 * 8. rx-pipeline: `Rx.ask` through a supervised worker pool, a crashed job re-dispatched
 *
 * Each example is also a program of its own: `npx tsx examples/<name>.ts`.
 */
import { main as keyValStore, type KeyValStoreResult } from './key-val-store.js'
import { main as linkedCrash, type LinkedCrashResult } from './linked-crash.js'
import { main as pingPong, type PingPongResult } from './ping-pong.js'
import { main as keyValStoreAgent, type KeyValStoreAgentResult } from './key-val-store-agent.js'
import { main as supervisionTree, type SupervisionTreeResult } from './supervision-tree.js'
import { main as parallelMap, type ParallelMapResult } from './parallel-map.js'
import { main as testingExplore, type TestingExploreResult } from './testing-explore.js'
import { main as rxPipeline, type RxPipelineResult } from './rx-pipeline.js'
import { runIfMain } from './run.js'

/** A section's title, within the 74-column rule. */
const heading = (title: string): void => {
  if (title.length > 70) throw new Error(`heading longer than its rule: ${title}`)
  console.log('')
  console.log(`== ${title} ${'='.repeat(70 - title.length)}`)
}

/** The results, in order. */
export interface ShowcaseResult {
  readonly keyValStore: KeyValStoreResult
  readonly pingPong: PingPongResult
  readonly linkedCrash: LinkedCrashResult
  readonly keyValStoreAgent: KeyValStoreAgentResult
  readonly supervisionTree: SupervisionTreeResult
  readonly parallelMap: ParallelMapResult
  readonly testingExplore: TestingExploreResult
  readonly rxPipeline: RxPipelineResult
}

export const main = async (): Promise<ShowcaseResult> => {
  heading('1. KeyValStore: state in a receive loop')
  const kv = await keyValStore()

  heading('2. Ping-pong: typed messages between two processes')
  const pp = await pingPong()

  heading('3. Linked crash: exit signals, trapped and not')
  const lc = await linkedCrash()

  heading('4. The same KeyValStore as an Agent')
  const kva = await keyValStoreAgent()

  heading('5. A supervision tree surviving injected crashes')
  const st = await supervisionTree()

  heading('6. Task.asyncStream: a parallel map with bounded concurrency')
  const pm = await parallelMap()

  heading('7. TestRuntime.explore: a lost update found, shrunk and replayed')
  const te = testingExplore()

  heading('8. RxJS pipeline: Rx.ask through a supervised pool, a crash redone')
  const rx = await rxPipeline()

  console.log('')
  console.log('All examples done.')
  return {
    keyValStore: kv,
    pingPong: pp,
    linkedCrash: lc,
    keyValStoreAgent: kva,
    supervisionTree: st,
    parallelMap: pm,
    testingExplore: te,
    rxPipeline: rx
  }
}

runIfMain(import.meta.url, main, { print: false })
