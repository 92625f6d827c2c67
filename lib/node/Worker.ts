/**
 * The worker's side of `Transport.workers()`. The module a worker thread
 * runs calls `Worker.serve({ programs })`: a runtime that is the node the
 * main thread named, reaching every other node through the main thread, and
 * the programs other nodes may spawn on it. The thread lives until the main
 * thread stops it (then the runtime shuts down and the thread exits) or it
 * ends by itself (a lost node).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Node, Process } from 'fp-ts-actors'
 * import { Worker } from 'fp-ts-actors/node'
 * // worker.ts, started by `Transport.workers().start(new URL('./worker.js', import.meta.url), { name: 'w1' })`
 * const square = Node.program(t.type({ n: t.number, to: Process.pid }), ({ n, to }) => Process.send(to, n * n))
 * if (Worker.isWorker()) Worker.serve({ programs: { square } })
 *
 * @since 0.3.0
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads'
import type { Config } from '../Node.js'
import { peer, type PeerOptions, type PeerTransport } from '../Port.js'
import * as Runtime from '../Runtime.js'
import { portOf } from './channel.js'
import { DATA } from './data.js'

/** What `Transport.workers().start` hands the thread: its name, data, the node's channel and busy wait. */
interface Given {
  readonly name: string
  readonly data: unknown
  readonly port: MessagePort
  readonly busyWaitMicros: number
}

const given = (): Given | undefined => {
  if (typeof workerData !== 'object' || workerData === null) return undefined
  const mine = (workerData as { readonly [DATA]?: Given })[DATA]
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
 * `options.onStop` (to shut the runtime down first). It busy-waits as the
 * main thread's `Transport.workers({ busyWaitMicros })` says, unless
 * `options.busyWaitMicros` says otherwise.
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
  const mine = given()
  if (!isWorker() || mine === undefined) throw new Error(notAWorker('Worker.parent()'))
  return peer(portOf(mine.port), { busyWaitMicros: mine.busyWaitMicros, ...options })
}

/**
 * Options of `serve`: the node's programs, and the runtime's options.
 *
 * @category model
 * @since 0.3.0
 */
export interface ServeOptions extends Omit<Runtime.Options, 'node'> {
  /** The programs other nodes may spawn on this one, by name. */
  readonly programs?: Config['programs']
}

/**
 * Runs this worker thread's node: a runtime named as the main thread said,
 * with `programs` for other nodes to spawn. When the main thread stops the
 * node, the runtime shuts down (its processes exit with `shutdown`), the
 * node says so to the others, and the thread exits once nothing else keeps
 * it alive. Returns the runtime (to spawn processes of the worker's own).
 *
 * @example
 * import * as t from 'io-ts'
 * import { Node, Process } from 'fp-ts-actors'
 * import { Worker } from 'fp-ts-actors/node'
 * const echo = Node.program(t.type({ to: Process.pid }), ({ to }) => Process.send(to, 'hello'))
 * if (Worker.isWorker()) {
 *   const rt = Worker.serve({ programs: { echo } })
 *   rt.nodes$.subscribe((e) => console.log(e._tag, e.node))
 * }
 *
 * @category constructors
 * @since 0.3.0
 */
export const serve = (options: ServeOptions = {}): Runtime.Runtime => {
  const { programs, ...runtime } = options
  const box: { rt?: Runtime.Runtime } = {}
  const transport = parent({ onStop: () => void box.rt?.shutdown() })
  box.rt = Runtime.make({
    ...runtime,
    node: { name: name(), transport, ...(programs === undefined ? {} : { programs }) }
  })
  return box.rt
}

const notAWorker = (what: string): string =>
  `${what} runs only in a worker thread started by Transport.workers().start(moduleUrl, { name })`
