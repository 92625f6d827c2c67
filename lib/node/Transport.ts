/**
 * Everything of the core's `Transport`, plus `workers()`: nodes in Node
 * worker threads, a second core for CPU-bound processes.
 *
 * The main thread's node uses `Transport.workers()` as its transport;
 * `start(moduleUrl, { name })` runs the module in a new worker thread, where
 * it starts its own runtime with `Worker.parent()` as transport and the
 * programs other nodes may spawn there. The main thread relays between
 * workers. A thread that exits, throws at top level or is terminated is a
 * lost node: every link and monitor to a process on it gets `noconnection`
 * once, after any message the thread posted before it ended. Stopping the
 * main thread's node stops every worker (cleanly, then terminated after
 * `stopTimeout`).
 *
 * @example
 * import { Transport } from 'fp-ts-actors/node'
 * const workers = Transport.workers()
 * workers.kind // 'workers'
 * // const node = await workers.start(new URL('./worker.js', import.meta.url), { name: 'w1' })
 *
 * @since 0.3.0
 */
import { MessageChannel, Worker as Thread, type WorkerOptions } from 'node:worker_threads'
import { hub, type HubTransport } from '../Port.js'
import { busyWaitOf } from '../internal/node/poller.js'
import { describe } from '../internal/check.js'
import { portOf } from './channel.js'
import type { Connection, Endpoint, NodeId } from '../Transport.js'
import { DATA } from './data.js'

export * from '../Transport.js'

/**
 * Options of `start`.
 *
 * @category model
 * @since 0.3.0
 */
export interface StartOptions {
  /** The node's name (unique among the nodes up). */
  readonly name: string
  /** Given to the thread as `Worker.data()`. */
  readonly workerData?: unknown
  /** Extra `process.argv` entries of the thread. */
  readonly argv?: ReadonlyArray<string>
  /** Node flags for the thread (default: the main thread's, as `worker_threads` does). */
  readonly execArgv?: ReadonlyArray<string>
  /** How long the thread may take to join (default 30 s): then it is terminated and `start` fails. */
  readonly joinTimeout?: number
  /** `worker_threads` resource limits. */
  readonly resourceLimits?: WorkerOptions['resourceLimits']
}

/**
 * A node running in a worker thread.
 *
 * @category model
 * @since 0.3.0
 */
export interface WorkerNode {
  readonly name: string
  /** The node's identity (a restarted thread is a new incarnation). */
  readonly node: NodeId
  /** The thread. */
  readonly thread: Thread
  /** Resolves with why once the node is down for the others (stopped, exited, threw, terminated). */
  readonly down: Promise<string>
  /** Resolves with the thread's exit code. */
  readonly exited: Promise<number>
  /** Ask the node to stop (its runtime shuts down), then terminate the thread after `timeout` ms (default 5000). */
  readonly stop: (timeout?: number) => Promise<number>
  /** End the thread now: a lost node. */
  readonly terminate: () => Promise<number>
}

/**
 * The main thread's transport.
 *
 * @category model
 * @since 0.3.0
 */
export interface WorkersTransport extends HubTransport {
  /** Run `module` in a new worker thread as node `options.name`; resolves once it joined. */
  readonly start: (module: URL | string, options: StartOptions) => Promise<WorkerNode>
  /** The worker nodes started and not yet exited. */
  readonly workers: () => ReadonlyArray<WorkerNode>
}

/**
 * Options of `workers`.
 *
 * @category model
 * @since 0.3.0
 */
export interface WorkersOptions {
  /**
   * How long a thread (the main one and each worker's) polls its port for
   * the next message after handling one, before it sleeps, in microseconds:
   * a reply within that time is taken without the cost of waking the
   * thread. Default 50; `0` never busy-waits (less CPU, slower round trips).
   */
  readonly busyWaitMicros?: number
}

/**
 * The transport of the main thread's node, which starts nodes in worker
 * threads and relays between them. Each thread busy-waits for the next
 * message for `options.busyWaitMicros` (default 50) after handling one.
 *
 * @example
 * import { Transport } from 'fp-ts-actors/node'
 * const workers = Transport.workers()
 * workers.workers() // [] until start(moduleUrl, { name }) resolves
 * Transport.workers({ busyWaitMicros: 0 }) // threads that never busy-wait
 *
 * @category constructors
 * @since 0.3.0
 */
export const workers = (options: WorkersOptions = {}): WorkersTransport => {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Transport.workers: options must be an object, got ${describe(options)}`)
  }
  const busyWaitMicros = busyWaitOf('Transport.workers', options.busyWaitMicros)
  const ports = hub({ busyWaitMicros })
  const running = new Set<WorkerNode>()

  const start = async (module: URL | string, options: StartOptions): Promise<WorkerNode> => {
    if (typeof options !== 'object' || options === null || typeof options.name !== 'string' || options.name === '') {
      throw new TypeError(`Transport.workers().start: options.name must be a non-empty string`)
    }
    // the node's own channel (not the thread's): the main thread can poll it (`receiveMessageOnPort`)
    const channel = new MessageChannel()
    const thread = new Thread(module, {
      workerData: { [DATA]: { name: options.name, data: options.workerData, port: channel.port2, busyWaitMicros } },
      transferList: [channel.port2],
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits })
    })
    const port = portOf(channel.port1)
    const member = ports.adopt(port)
    let threw: string | undefined
    // Without a listener an 'error' would crash the main thread; the node is lost on 'exit' (after the thread's last messages).
    thread.on('error', (error) => (threw ??= error instanceof Error ? error.message : String(error)))
    let terminated = false
    const exited = new Promise<number>((resolve) =>
      thread.once('exit', (code) => {
        // what the thread posted before it ended, then its end
        port.drain()
        channel.port1.close()
        member.lost(
          terminated
            ? 'terminated'
            : threw !== undefined
              ? `threw: ${threw}`
              : code === 0
                ? 'exited'
                : `exited with code ${code}`
        )
        resolve(code)
      })
    )
    const terminate = async (): Promise<number> => {
      terminated = true
      await thread.terminate()
      return exited
    }
    const timeout = options.joinTimeout ?? 30_000
    let timer: ReturnType<typeof setTimeout> | undefined
    const node = await Promise.race([
      member.joined,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`worker ${options.name} did not join within ${timeout} ms`))
          void terminate()
        }, timeout)
      })
    ])
      .catch(async (error: unknown) => {
        await terminate()
        throw error
      })
      .finally(() => clearTimeout(timer))
    const handle: WorkerNode = {
      name: node.name,
      node,
      thread,
      down: member.down,
      exited,
      stop: async (ms = 5000) => {
        member.stop()
        const timer = setTimeout(() => void thread.terminate(), ms)
        const code = await exited
        clearTimeout(timer)
        return code
      },
      terminate
    }
    running.add(handle)
    void exited.then(() => running.delete(handle))
    return handle
  }

  const attach = (endpoint: Endpoint): Connection => {
    const connection = ports.attach(endpoint)
    return {
      ...connection,
      close: async () => {
        await connection.close()
        // The hub asked every worker to stop; terminate the ones that do not within the grace period.
        await Promise.all([...running].map((w) => w.stop()))
      }
    }
  }

  return { ...ports, kind: 'workers', attach, start, workers: () => [...running] }
}
