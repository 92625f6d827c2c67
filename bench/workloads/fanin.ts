/**
 * fanin: `S` senders each send `M` messages to one receiver (defaults 1,000
 * and 1,000, times `BENCH_SCALE` for each). Message `k` of sender `s` is the
 * number `s * M + k`; the receiver checks that it gets every message, that
 * each sender's messages arrive in the order sent, and the sum. Reports
 * messages per second, from the first spawn to the last message received.
 */
import * as t from 'io-ts'
import { Effect, Pid, Process, Runtime } from '../../lib/index.js'
import { Floor } from '../floor.js'
import { check, impl, main, normalValue, rateResult, scaled, stopwatch, type Elapsed, type Result } from '../harness.js'

interface Outcome {
  readonly elapsed: Elapsed
  readonly received: number
  readonly sum: number
}

/** The receiver's check of one message: sender `s`'s messages arrive in order. */
const inOrder = (next: Int32Array, m: number, perSender: number): void => {
  const s = Math.floor(m / perSender)
  const k = m - s * perSender
  if (next[s] !== k) throw new Error(`sender ${s}: got message ${k}, expected ${String(next[s])}`)
  next[s] = k + 1
}

const ours = async (senders: number, perSender: number): Promise<Outcome> => {
  const rt = Runtime.make()
  const total = senders * perSender
  const next = new Int32Array(senders)
  const sender = (to: Pid.Pid<unknown>, s: number): Effect.Effect<Process.NoProcess, void> => {
    const loop = (k: number): Effect.Effect<Process.NoProcess, void> =>
      k === perSender ? Effect.unit : Effect.flatMap(Process.send(to, s * perSender + k), () => loop(k + 1))
    return loop(0)
  }
  const spawnAll = (me: Pid.Pid<unknown>, s: number): Effect.Effect<never, void> =>
    s === senders ? Effect.unit : Effect.flatMap(Process.spawn(sender(me, s)), () => spawnAll(me, s + 1))
  const receiveAll = (i: number, sum: number): Effect.Effect<never, number> =>
    i === total
      ? Effect.succeed(sum)
      : Process.receive(
          Process.on(t.number, (m) => {
            inOrder(next, m, perSender)
            return receiveAll(i + 1, sum + m)
          })
        )
  const sw = stopwatch()
  const program = Effect.flatMap(Process.self, (me) => Effect.flatMap(spawnAll(me, 0), () => receiveAll(0, 0)))
  const sum = normalValue(await rt.run(program), 'the receiver')
  const elapsed = sw()
  check(rt.processes().length === 0, `${rt.processes().length} processes are left`)
  return { elapsed, received: next.reduce((a, b) => a + b, 0), sum }
}

const floor = (senders: number, perSender: number): Promise<Outcome> =>
  new Promise((resolve) => {
    const rt = new Floor()
    const total = senders * perSender
    const next = new Int32Array(senders)
    const sw = stopwatch()
    rt.spawn((me) => {
      for (let s = 0; s < senders; s++) {
        const base = s * perSender
        rt.spawn(() => {
          for (let k = 0; k < perSender; k++) rt.send(me, base + k)
        })
      }
      let i = 0
      let sum = 0
      const loop = (u: unknown): void => {
        const m = u as number
        inOrder(next, m, perSender)
        sum += m
        if (++i === total) resolve({ elapsed: sw(), received: next.reduce((a, b) => a + b, 0), sum })
        else rt.receive(me, loop)
      }
      rt.receive(me, loop)
    })
  })

main(async (): Promise<Result> => {
  const which = impl()
  const senders = scaled(1_000, 2)
  const perSender = scaled(1_000, 2)
  const total = senders * perSender
  const go = which === 'ours' ? ours : floor
  await go(Math.max(2, Math.round(senders / 10)), perSender) // warm-up
  const o = await go(senders, perSender)
  const expected = (total * (total - 1)) / 2
  check(o.received === total, `the receiver got ${o.received} messages, expected ${total}`)
  check(o.sum === expected, `the messages summed to ${o.sum}, expected ${expected}`)
  return rateResult('fanin', which, total, 'messages/s', o.elapsed, { senders, perSender })
})
