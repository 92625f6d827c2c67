/**
 * Transport.nats keeps a node's event loop turning after its traffic
 * (`busyWaitMicros`), on the run's real nats-server. The busy wait runs here
 * on Node's `setImmediate` but on a clock of this file's own, so no turn is
 * ever late (no back-off, which `busy-wait.test.ts` tests) and a spin ends
 * when the test moves the clock.
 */
import { afterEach, expect, it, vi } from 'vitest'
import type { Connection } from '../../lib/Transport.js'
import { nats, type NatsOptions } from '../../lib/nats/index.js'
import { natsNodeOf } from '../../lib/nats/transport.js'
import { describeNats, freshPrefix, natsUrl, numbered, recorder } from './support.js'

const clock = vi.hoisted(() => ({ t: 0 }))

vi.mock('../../lib/nats/busy-wait.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/nats/busy-wait.js')>()
  return {
    ...original,
    busyWait: (micros: number) => original.busyWait(micros, { now: () => clock.t, next: (f) => void setImmediate(f) })
  }
})

const open: Array<Connection> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)))
})

const pair = async (options: Partial<NatsOptions> = {}) => {
  const prefix = freshPrefix()
  // heartbeats, which are traffic too, out of the way
  const make = (name: string) => {
    const endpoint = recorder(name)
    const connection = nats({
      servers: natsUrl,
      prefix,
      heartbeatMs: 60_000,
      onError: () => undefined,
      ...options
    }).attach(endpoint)
    open.push(connection)
    return { endpoint, connection, spinning: () => natsNodeOf(connection)!.spinning() }
  }
  const a = make('a')
  const b = make('b')
  await natsNodeOf(b.connection)!.ready
  expect(await a.connection.connect('b')).toBe(true)
  await b.endpoint.until((e) => e.some((x) => x._tag === 'up'))
  return { a, b }
}

/**
 * Lets the spins of earlier traffic end (the last frames of the nodes' greeting may still be on
 * their way), the clock moved in steps under the preemption threshold (0.05 ms) with a turn of
 * the loop after each, so that they run out rather than look preempted (which would back off).
 */
const settle = async (...nodes: ReadonlyArray<{ readonly spinning: () => boolean }>) => {
  for (let i = 0; i < 500 && nodes.some((n) => n.spinning()); i++) {
    clock.t += 0.04
    await new Promise((resolve) => setImmediate(resolve))
  }
  expect(nodes.map((n) => n.spinning())).toEqual(nodes.map(() => false))
}

describeNats('Transport.nats busy waiting (needs nats-server)', () => {
  it('after a node sends, and after it receives, its loop keeps turning until the time is up (default 50 us)', async () => {
    const { a, b } = await pair()
    await settle(a, b)
    a.connection.send('b', [numbered('b', 1)])
    await new Promise((resolve) => setTimeout(resolve, 1)) // the write, then turns of the loop
    expect(a.spinning()).toBe(true)
    await b.endpoint.until(() => b.endpoint.received().length === 1)
    expect(b.spinning()).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect([a.spinning(), b.spinning()]).toEqual([true, true]) // the clock has not moved: still turning
    clock.t += 0.049
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect([a.spinning(), b.spinning()]).toEqual([true, true])
    clock.t += 0.002 // 51 us after both pokes
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect([a.spinning(), b.spinning()]).toEqual([false, false])
  })

  it('close ends a spin at once', async () => {
    const { a, b } = await pair()
    await settle(a, b)
    a.connection.send('b', [numbered('b', 1)])
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(a.spinning()).toBe(true)
    await a.connection.close()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(a.spinning()).toBe(false)
  })

  it('heartbeats alone start no spin (an idle cluster does not turn its loops)', async () => {
    const { a, b } = await pair({ heartbeatMs: 20 })
    await settle(a, b)
    const seen: Array<boolean> = []
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10)) // 15 heartbeat periods in all
      seen.push(a.spinning(), b.spinning())
    }
    expect(seen.every((s) => !s)).toBe(true)
    expect(a.endpoint.downs()).toEqual([]) // the beats did come: both stayed up
  })

  it('busyWaitMicros: 0 never spins', async () => {
    const { a, b } = await pair({ busyWaitMicros: 0 })
    a.connection.send('b', [numbered('b', 1)])
    await new Promise((resolve) => setTimeout(resolve, 1))
    expect(a.spinning()).toBe(false)
    await b.endpoint.until(() => b.endpoint.received().length === 1)
    expect(b.spinning()).toBe(false)
  })
})
