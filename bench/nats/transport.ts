/**
 * The transport alone: `Transport.nats` between two OS processes with
 * endpoints that answer at once (no runtime, no node layer), so its own
 * cost shows beside raw `@nats-io` and the whole stack (bench/nats/ours.ts).
 *
 *   tsx bench/nats/transport.ts echo <url> <prefix>
 *   tsx bench/nats/transport.ts ping <url> <prefix> <seqN> <pairs> <perPair>
 */
import type { Connection, Endpoint, Envelope } from '../../lib/Transport.js'
import { measure, report } from './measure.js'

// the built package (dist/), typed by the sources
const built = new URL('../../dist/', import.meta.url).href
const { nats } = (await import(`${built}nats/index.js`)) as typeof import('../../lib/nats/index.js')

const [role = 'ping', url = 'nats://127.0.0.1:4222', prefix = 'transport', ...rest] = process.argv.slice(2)
const waiters = new Map<number, () => void>()
let connection: Connection | undefined
const endpoint: Endpoint = {
  self: { name: role, creation: 1 },
  up: () => undefined,
  down: () => undefined,
  receive: (_from, batch) => {
    if (role === 'echo') connection?.send('ping', batch)
    else
      for (const e of batch) {
        const pair =
          e._tag === 'send' && typeof e.message === 'object' && e.message !== null
            ? (e.message as { pair: number }).pair
            : 0
        waiters.get(pair)?.()
      }
  }
}
connection = nats({ servers: url, prefix }).attach(endpoint)

if (role === 'echo') {
  process.on('SIGTERM', () => process.exit(0))
  console.log('ready')
} else {
  const [seqN, pairs, perPair] = rest.map(Number) as [number, number, number]
  while (!(await connection.connect('echo'))) await new Promise((r) => setTimeout(r, 25))
  const pingPong = async (pair: number, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const envelope: Envelope = {
        _tag: 'send',
        to: { node: 'echo', creation: 1, id: 1 },
        message: { pair, body: i, from: { $: 'pid', n: 'ping', c: 1, i: 2 } }
      }
      await new Promise<void>((resolve) => {
        waiters.set(pair, resolve)
        connection!.send('echo', [envelope])
      })
    }
  }
  const { seqMs, parMs } = await measure(pingPong, { seqN, pairs, perPair })
  report({ seqN, pairs, perPair }, seqMs, parMs)
  await connection.close()
  process.exit(0)
}
