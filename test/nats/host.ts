/**
 * One node of the NATS cluster tests, as its own OS process:
 *
 *   node --import tsx test/nats/host.ts <name> <nats url> <prefix>
 *
 * Starts a runtime node on `Transport.nats` exposing test/nats/programs.ts
 * (and a local `echo` registered by name), starts `Global` on the bucket of
 * `prefix`, prints `ready`, and stops cleanly on SIGTERM (printing the time
 * it started stopping, so the tests can measure how soon the others know).
 */
import { Runtime } from '../../lib/index.js'
import { Global, nats } from '../../lib/nats/index.js'
import { natsNodesOf } from '../../lib/nats/transport.js'
import { echoLoop, globals, programs } from './programs.js'

const [name = 'b', url = 'nats://127.0.0.1:4222', prefix = 'fpta'] = process.argv.slice(2)
const transport = nats({ servers: url, prefix })
const rt = Runtime.make({ node: { name, transport, programs } })
await Promise.all(natsNodesOf(transport).map((n) => n.ready))
rt.spawn(echoLoop, { name: 'echo' })
const started = await rt.run(Global.start({ bucket: prefix }))
if (started._tag !== 'Normal') {
  console.error(`${name}: Global.start failed`, started)
  process.exit(1)
}
globals.current = started.value
process.on('SIGTERM', () => {
  console.log(`stopping ${performance.timeOrigin + performance.now()}`)
  void rt.shutdown().then(() => process.exit(0))
})
console.log('ready')
