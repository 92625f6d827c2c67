/**
 * The worker's side of `Transport.workers()`: in the module a worker thread
 * runs, the node's transport (`parent()`, reaching every node through the
 * main thread) and the name the main thread gave it (`name()`).
 *
 * @example
 * import { Worker } from 'fp-ts-actors/node'
 * // In a worker thread started by `Transport.workers().start(url, { name })`:
 * if (Worker.isWorker()) {
 *   const transport = Worker.parent()
 *   console.log(Worker.name(), transport.kind)
 * }
 *
 * @since 0.3.0
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { peer, type PeerOptions, type PeerTransport, type PortLike } from '../Port.js'
import { DATA } from './data.js'

/** What `Transport.workers().start` hands the thread. */
const given = (): { readonly name: string; readonly data: unknown } | undefined => {
  if (typeof workerData !== 'object' || workerData === null) return undefined
  const mine = (workerData as { readonly [DATA]?: { readonly name: string; readonly data: unknown } })[DATA]
  return mine
}

/**
 * Whether this code runs in a worker thread started by `Transport.workers().start`.
 *
 * @example
 * import { Worker } from 'fp-ts-actors/node'
 * Worker.isWorker() // false on the main thread
 *
 * @category guards
 * @since 0.3.0
 */
export const isWorker = (): boolean => !isMainThread && parentPort !== null && given() !== undefined

/**
 * The name the main thread gave this worker's node (`start(url, { name })`).
 *
 * @example
 * import { Worker } from 'fp-ts-actors/node'
 * const name = Worker.isWorker() ? Worker.name() : 'main'
 *
 * @category accessors
 * @since 0.3.0
 */
export const name = (): string => {
  const mine = given()
  if (mine === undefined) throw new Error(notAWorker('Worker.name()'))
  return mine.name
}

/**
 * The `workerData` option given to `start`, if any.
 *
 * @example
 * import { Worker } from 'fp-ts-actors/node'
 * const settings = Worker.isWorker() ? Worker.data() : undefined
 *
 * @category accessors
 * @since 0.3.0
 */
export const data = (): unknown => {
  const mine = given()
  if (mine === undefined) throw new Error(notAWorker('Worker.data()'))
  return mine.data
}

/**
 * The transport of this worker's node: one port to the main thread, which
 * relays to every other node. On the main thread's stop it leaves, or runs
 * `options.onStop` (to shut the runtime down first).
 *
 * @example
 * import { Worker } from 'fp-ts-actors/node'
 * if (Worker.isWorker()) {
 *   const transport = Worker.parent()
 *   transport.joined.then(() => console.log('joined the main thread'))
 * }
 *
 * @category constructors
 * @since 0.3.0
 */
export const parent = (options: PeerOptions = {}): PeerTransport => {
  if (!isWorker() || parentPort === null) throw new Error(notAWorker('Worker.parent()'))
  const port: PortLike = parentPort
  return peer(port, options)
}

const notAWorker = (what: string): string =>
  `${what} runs only in a worker thread started by Transport.workers().start(moduleUrl, { name })`
