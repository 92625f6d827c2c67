/**
 * The exit-signal table (docs/exit-signals.md) with the two processes on two
 * nodes over `Transport.memory()`: on the test runtime (one seeded scheduler,
 * virtual time) and on the production runtime.
 */
import { Runtime, TestRuntime, Transport } from '../../lib/index.js'
import { exitSignalTable, tablePrograms } from './exit-table.js'

exitSignalTable('memory transport, TestRuntime', () => {
  const net = Transport.memory()
  const a = TestRuntime.make({ seed: 7, node: { name: 'a', transport: net } })
  a.peer({ name: 'b', transport: net, programs: tablePrograms })
  return { b: 'b', run: (program) => Promise.resolve(a.runSync(program)), lose: () => net.kill('b') }
})

exitSignalTable('memory transport, Runtime', () => {
  const net = Transport.memory()
  const a = Runtime.make({ node: { name: 'a', transport: net } })
  const b = Runtime.make({ node: { name: 'b', transport: net, programs: tablePrograms } })
  return {
    b: 'b',
    run: (program) => a.run(program),
    lose: () => net.kill('b'),
    close: async () => {
      await a.shutdown()
      await b.shutdown()
    }
  }
})
