/**
 * The floor: raw `@nats-io` ping-pong on the same server, two OS processes,
 * plain pub/sub (what the transport itself uses), no actors.
 *
 *   tsx bench/nats/raw.ts echo <url> <prefix>      # answers every ping on its pong subject
 *   tsx bench/nats/raw.ts ping <url> <prefix> <seqN> <pairs> <perPair>
 *
 * `ping` prints one JSON line: sequential round trip time, and round trips/s
 * with `pairs` ping-pong pairs in flight.
 *
 * `NATS_BENCH_RAW_BUSY_US=<us>`: both sides compute (busy-wait) that long in
 * each callback before they answer, a stand-in for the work a runtime does
 * per hop: how the round trip grows with each hop's own time
 * (`bench/README.md`, "NATS").
 *
 * `NATS_BENCH_RAW_BUSY_WAIT_MICROS=<us>`: both sides keep their event loop
 * turning that long after each publish, with the busy wait `Transport.nats`
 * uses (`busyWaitMicros`), to compare the two on equal terms.
 */
import { connect } from '@nats-io/transport-node'
import { busyWait } from '../../lib/nats/busy-wait.js'
import { measure, report } from './measure.js'

const [role, url = 'nats://127.0.0.1:4222', prefix = 'raw', ...rest] = process.argv.slice(2)
const nc = await connect({ servers: url, noEcho: true })

const spin = busyWait(Number(process.env['NATS_BENCH_RAW_BUSY_WAIT_MICROS'] ?? 0))
/** Publishes, then keeps the loop turning (when `NATS_BENCH_RAW_BUSY_WAIT_MICROS` asks for it). */
const publish = (subject: string, data: Uint8Array): void => {
  nc.publish(subject, data)
  spin.pokeAfterWrite()
}

const busyUs = Number(process.env['NATS_BENCH_RAW_BUSY_US'] ?? 0)
/** Computes for `busyUs` microseconds (nothing when 0). */
const busy = (): void => {
  if (busyUs <= 0) return
  const end = performance.now() + busyUs / 1000
  while (performance.now() < end);
}

if (role === 'echo') {
  // payload: pair number and round number; the pong goes to that pair's subject
  nc.subscribe(`${prefix}.ping`, {
    callback: (_, msg) => {
      const pair = msg.data[0] ?? 0
      busy()
      publish(`${prefix}.pong.${pair}`, msg.data)
    }
  })
  await nc.flush()
  console.log('ready')
} else {
  const [seqN, pairs, perPair] = rest.map(Number) as [number, number, number]
  const waiters = new Map<number, () => void>()
  nc.subscribe(`${prefix}.pong.*`, {
    callback: (_, msg) => {
      busy()
      waiters.get(msg.data[0] ?? 0)?.()
    }
  })
  const pingPong = async (pair: number, n: number): Promise<void> => {
    const payload = new Uint8Array(16)
    payload[0] = pair
    for (let i = 0; i < n; i++) {
      const pong = new Promise<void>((resolve) => waiters.set(pair, resolve))
      new DataView(payload.buffer).setUint32(4, i)
      publish(`${prefix}.ping`, payload)
      await pong
    }
  }
  await nc.flush()
  const { seqMs, parMs } = await measure(pingPong, { seqN, pairs, perPair })
  report({ seqN, pairs, perPair }, seqMs, parMs)
  await nc.close()
}
