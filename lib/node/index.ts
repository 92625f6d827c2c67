/**
 * fp-ts-actors on Node only: the worker-thread transport. Kept out of the
 * core entry point so a browser bundle never pulls in `node:worker_threads`
 * (a page uses `Port` from the core with Web Workers instead).
 *
 * `import { Transport, Worker } from 'fp-ts-actors/node'`:
 * - `Transport.workers()`: the main thread's transport; `start(moduleUrl, { name })`
 *   runs a node in a new worker thread;
 * - `Worker.parent()` / `Worker.name()`: the transport and the name of the node,
 *   in that worker's module.
 *
 * @since 0.3.0
 */
export * as Transport from './Transport.js'
export * as Worker from './Worker.js'
