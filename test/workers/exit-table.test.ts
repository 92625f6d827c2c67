/**
 * The exit-signal table across two nodes (test/nodes/exit-table.ts, the
 * runner the memory transport uses too) with node b in a worker thread.
 * One thread serves every row; a row that loses b (terminates the thread)
 * makes the next row start a new one.
 */
import { afterAll } from 'vitest'
import { Runtime } from '../../lib/index.js'
import { Transport } from '../../lib/node/index.js'
import { exitSignalTable, type TwoNodes } from '../nodes/exit-table.js'
import { tsWorker } from './ts.js'

const { module, argv } = tsWorker(new URL('./fixtures/table-node.ts', import.meta.url))

const workers = Transport.workers()
const a = Runtime.make({ node: { name: 'a', transport: workers } })
let b: Promise<Transport.WorkerNode> | undefined
afterAll(() => a.shutdown())

exitSignalTable('worker transport, Runtime', async (): Promise<TwoNodes> => {
  b ??= workers.start(module, { name: 'b', argv })
  const thread = await b
  return {
    b: 'b',
    run: (program) => a.run(program),
    lose: () => {
      b = undefined
      void thread.terminate()
    }
  }
})
