/**
 * The floor: raw `@nats-io` ping-pong on the same server, two OS processes,
 * plain pub/sub (what the transport itself uses), no actors.
 *
 *   tsx bench/nats/raw.ts echo <url> <prefix>      # answers every ping on its pong subject
 *   tsx bench/nats/raw.ts ping <url> <prefix> <seqN> <pairs> <perPair>
 *
 * `ping` prints one JSON line: sequential round trip time, and round trips/s
 * with `pairs` ping-pong pairs in flight.
 */
import { connect } from '@nats-io/transport-node'
import { measure, report } from './measure.js'

const [role, url = 'nats://127.0.0.1:4222', prefix = 'raw', ...rest] = process.argv.slice(2)
const nc = await connect({ servers: url, noEcho: true })

if (role === 'echo') {
  // payload: pair number and round number; the pong goes to that pair's subject
  nc.subscribe(`${prefix}.ping`, {
    callback: (_, msg) => {
      const pair = msg.data[0] ?? 0
      nc.publish(`${prefix}.pong.${pair}`, msg.data)
    }
  })
  await nc.flush()
  console.log('ready')
} else {
  const [seqN, pairs, perPair] = rest.map(Number) as [number, number, number]
  const waiters = new Map<number, () => void>()
  nc.subscribe(`${prefix}.pong.*`, {
    callback: (_, msg) => waiters.get(msg.data[0] ?? 0)?.()
  })
  const pingPong = async (pair: number, n: number): Promise<void> => {
    const payload = new Uint8Array(16)
    payload[0] = pair
    for (let i = 0; i < n; i++) {
      const pong = new Promise<void>((resolve) => waiters.set(pair, resolve))
      new DataView(payload.buffer).setUint32(4, i)
      nc.publish(`${prefix}.ping`, payload)
      await pong
    }
  }
  await nc.flush()
  const { seqMs, parMs } = await measure(pingPong, { seqN, pairs, perPair })
  report({ seqN, pairs, perPair }, seqMs, parMs)
  await nc.close()
}
