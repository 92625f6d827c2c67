/**
 * 200,000 messages one way between two nodes, each its own OS process, over
 * a real nats-server: counted on arrival, 0 lost, 0 duplicated, 0 reordered,
 * while both nodes stay up (npm test runs the same with 20,000 in
 * test/nats/cluster.test.ts).
 */
import * as t from 'io-ts'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Effect, Node, Process, type Runtime } from '../../lib/index.js'
import { startHost, testNode, type Host } from '../nats/cluster.js'
import { describeNats, freshPrefix, natsUrl } from '../nats/support.js'

const N = 200_000

describeNats('NATS one way, 200,000 messages (needs nats-server)', () => {
  const prefix = freshPrefix()
  let rt: Runtime.Runtime
  const hosts: Array<Host> = []
  beforeAll(async () => {
    ;({ rt } = await testNode(natsUrl, prefix))
    hosts.push(...(await Promise.all([startHost('b', natsUrl, prefix), startHost('c', natsUrl, prefix)])))
  })
  afterAll(async () => {
    hosts.forEach((h) => h.kill())
    await rt?.shutdown()
  })

  it(`${N} messages from a process on b to one on c: none lost, duplicated or reordered, both nodes up`, async () => {
    const t0 = performance.now()
    const exit = await rt.run(
      Effect.gen(function* () {
        const me = yield* Process.self
        yield* Node.monitor('b')
        yield* Node.monitor('c')
        const counter = yield* Node.spawn('c', 'counter', { to: me })
        yield* Node.spawn('b', 'sender', { to: counter, n: N })
        return yield* Process.receive(t.unknown)
      })
    )
    const ms = performance.now() - t0
    console.log(`${N} one-way messages b -> c in ${ms.toFixed(0)} ms (${Math.round((N * 1000) / ms)} messages/s)`)
    expect(exit).toEqual({ _tag: 'Normal', value: { received: N, duplicated: 0, reordered: 0, lost: 0 } })
  })
})
