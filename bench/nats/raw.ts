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
  await pingPong(0, 2000) // warm-up
  const t0 = performance.now()
  await pingPong(0, seqN)
  const seqMs = performance.now() - t0
  const t1 = performance.now()
  await Promise.all(Array.from({ length: pairs }, (_, p) => pingPong(p, perPair)))
  const parMs = performance.now() - t1
  console.log(
    JSON.stringify({
      seqRoundTripUs: +((seqMs * 1000) / seqN).toFixed(2),
      seqPerSec: Math.round((seqN * 1000) / seqMs),
      pairs,
      parPerSec: Math.round((pairs * perPair * 1000) / parMs)
    })
  )
  await nc.close()
}
