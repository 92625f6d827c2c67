/**
 * The examples, one after the other: `npm start`.
 *
 * 1. key-val-store: state in a recursive receive loop, typed messages, a dead letter
 * 2. ping-pong: two processes exchanging typed messages with their own pids
 * 3. linked-crash: a crash travelling along links, trapped by one process, fatal to another
 *
 * Each example is also a program of its own: `npx tsx examples/<name>.ts`.
 */
import { pathToFileURL } from 'node:url'
import { main as keyValStore, type KeyValStoreResult } from './key-val-store.js'
import { main as linkedCrash, type LinkedCrashResult } from './linked-crash.js'
import { main as pingPong, type PingPongResult } from './ping-pong.js'

const heading = (title: string): void => {
  console.log('')
  console.log(`== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
}

/** The three results, in order. */
export interface ShowcaseResult {
  readonly keyValStore: KeyValStoreResult
  readonly pingPong: PingPongResult
  readonly linkedCrash: LinkedCrashResult
}

export const main = async (): Promise<ShowcaseResult> => {
  heading('1. KeyValStore: state in a receive loop')
  const kv = await keyValStore()

  heading('2. Ping-pong: typed messages between two processes')
  const pp = await pingPong()

  heading('3. Linked crash: exit signals, trapped and not')
  const lc = await linkedCrash()

  console.log('')
  console.log('All examples done.')
  return { keyValStore: kv, pingPong: pp, linkedCrash: lc }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
