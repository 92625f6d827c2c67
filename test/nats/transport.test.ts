/**
 * Transport.nats against the contract of lib/Transport.ts, driven by
 * recording endpoints (no node layer), on the run's real nats-server. Each
 * layer of failure detection has its own case.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { afterEach, expect, it } from 'vitest'
import { nats, type NatsOptions } from '../../lib/nats/index.js'
import { natsNodeOf } from '../../lib/nats/transport.js'
import { encodeFrame, subjects } from '../../lib/nats/wire.js'
import type { Connection } from '../../lib/Transport.js'
import { natsServerBinary, startNatsServer } from './server.js'
import { describeNats, freshPrefix, natsUrl, numbered, recorder, sleep, type Recorder } from './support.js'

const open: Array<{ close: () => Promise<void> }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)))
})

const node = (name: string, options: Partial<NatsOptions> & { prefix: string }, creation = 1) => {
  const endpoint = recorder(name, creation)
  const connection = nats({ servers: natsUrl, onError: () => undefined, ...options }).attach(endpoint)
  open.push(connection)
  return { endpoint, connection }
}

const pair = async (options: Partial<NatsOptions> = {}) => {
  const prefix = freshPrefix()
  const a = node('a', { prefix, ...options })
  const b = node('b', { prefix, ...options })
  await natsNodeOf(b.connection)!.ready
  expect(await a.connection.connect('b')).toBe(true)
  await b.endpoint.until((e) => e.some((x) => x._tag === 'up'))
  return { a, b, prefix }
}

const rawClient = async (): Promise<NatsConnection> => {
  const nc = await connect({ servers: natsUrl })
  open.push(nc)
  return nc
}

describeNats('Transport.nats (needs nats-server)', () => {
  it('rejects bad options with a clear error', () => {
    expect(() => nats({ servers: [] })).toThrow(/servers is empty/)
    expect(() => nats({ servers: natsUrl, heartbeatMs: 0 })).toThrow(/heartbeatMs must be a positive number/)
    expect(() => nats({ servers: natsUrl, prefix: 'a b' })).toThrow(/prefix "a b"/)
    expect(() => nats({ servers: natsUrl, busyWaitMicros: -1 })).toThrow(
      /Transport.nats: busyWaitMicros must be a finite number of microseconds >= 0, got number -1/
    )
    expect(() => nats({ servers: natsUrl, busyWaitMicros: Number.NaN })).toThrow(/busyWaitMicros/)
    expect(nats({ servers: natsUrl, busyWaitMicros: 0 }).kind).toBe('nats')
  })

  it('nodes on one prefix find each other: up with their incarnation, both ways', async () => {
    const prefix = freshPrefix()
    const a = node('a', { prefix }, 7)
    const b = node('b@host.example', { prefix }, 9)
    await natsNodeOf(b.connection)!.ready
    expect(await a.connection.connect('b@host.example')).toBe(true)
    await b.endpoint.until((e) => e.some((x) => x._tag === 'up'))
    expect(a.endpoint.events[0]).toEqual({ _tag: 'up', node: { name: 'b@host.example', creation: 9 } })
    expect(b.endpoint.events[0]).toEqual({ _tag: 'up', node: { name: 'a', creation: 7 } })
    // another prefix is another cluster
    const other = node('c', { prefix: freshPrefix() })
    expect(await other.connection.connect('a')).toBe(false)
  })

  it('connect to a node nobody runs answers false at once (no responders)', async () => {
    const { endpoint, connection } = node('a', { prefix: freshPrefix() })
    const t0 = performance.now()
    expect(await connection.connect('nobody')).toBe(false)
    expect(performance.now() - t0).toBeLessThan(900) // well under the probe timeout (1 s)
    expect(endpoint.events).toEqual([])
  })

  it('batches arrive in order, sends of one tick coalesced into one batch', async () => {
    const { a, b } = await pair()
    for (let i = 0; i < 5; i++) a.connection.send('b', [numbered('b', i)])
    a.connection.send('b', [numbered('b', 5), numbered('b', 6)])
    await b.endpoint.until((e) => e.filter((x) => x._tag === 'receive').length >= 1)
    await sleep(50)
    const batches = b.endpoint.events.filter((x) => x._tag === 'receive')
    expect(batches).toHaveLength(1)
    expect(batches[0]).toMatchObject({ from: { name: 'a', creation: 1 } })
    expect(b.endpoint.received().map((e) => (e._tag === 'send' ? e.message : null))).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('20,000 envelopes one way in 200 ticks: none lost, duplicated or reordered', async () => {
    const { a, b } = await pair()
    let n = 0
    for (let tick = 0; tick < 200; tick++) {
      a.connection.send(
        'b',
        Array.from({ length: 100 }, () => numbered('b', n++))
      )
      await new Promise((resolve) => setImmediate(resolve))
    }
    await b.endpoint.until(() => b.endpoint.received().length >= n, 10_000)
    const got = b.endpoint.received().map((e) => (e._tag === 'send' ? e.message : null))
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i))
  })

  it('a batch over the server max_payload is split, still in order', async () => {
    const { a, b } = await pair()
    const big = 'x'.repeat(100_000)
    const batch = Array.from({ length: 30 }, (_, i) => ({ ...numbered('b', i), message: [i, big] }))
    a.connection.send('b', batch) // about 3 MB, max_payload is 1 MB
    await b.endpoint.until(() => b.endpoint.received().length >= 30)
    expect(b.endpoint.received().map((e) => (e._tag === 'send' ? (e.message as [number])[0] : null))).toEqual(
      Array.from({ length: 30 }, (_, i) => i)
    )
  })

  it('to a node that is not up, send drops', async () => {
    const { a, b } = await pair()
    a.connection.send('c', [numbered('c', 1)])
    await sleep(50)
    expect(b.endpoint.received()).toEqual([])
  })

  // timed on the wall clock of a shared machine: a run slowed by other load is tried again (the bound is unchanged)
  it('layer 4, clean stop: the others see the node down within 50 ms', { retry: 2 }, async () => {
    const { a, b } = await pair()
    a.connection.send('b', [numbered('b', 1)])
    const t0 = performance.now()
    const closing = a.connection.close()
    await b.endpoint.until((e) => e.some((x) => x._tag === 'down'), 1000)
    const elapsed = performance.now() - t0
    await closing
    expect(b.endpoint.events.map((e) => e._tag)).toEqual(['up', 'receive', 'down'])
    expect(b.endpoint.events[2]).toEqual({ _tag: 'down', node: 'a', why: 'stopped' })
    expect(elapsed).toBeLessThan(50)
  })

  // timed on the wall clock of a shared machine: a run slowed by other load is tried again (the bound is unchanged)
  it(
    'layers 2 and 3, heartbeats then probe: a node whose connection vanished (no bye) is down within 1 s',
    { retry: 2 },
    async () => {
      const { a, b } = await pair()
      const nc = await natsNodeOf(a.connection)!.ready
      a.connection.send('b', [numbered('b', 1)])
      await b.endpoint.until(() => b.endpoint.received().length === 1)
      const t0 = performance.now()
      await nc.close() // as a kill -9: no bye, the server drops its subscriptions
      await b.endpoint.until((e) => e.some((x) => x._tag === 'down'), 2000)
      expect(performance.now() - t0).toBeLessThan(1000)
      expect(b.endpoint.events.at(-1)).toEqual({ _tag: 'down', node: 'a', why: 'no connection' })
    }
  )

  it('a node that is silent but still connected (stalled) is probed, stays up, and is down only after silenceMs', async () => {
    const prefix = freshPrefix()
    const s = subjects(prefix)
    const b = node('b', { prefix, silenceMs: 1500 })
    await natsNodeOf(b.connection)!.ready
    // a hand-made node "z" that says hello and then stalls: subscribed, never answers
    const raw = await rawClient()
    let probes = 0
    raw.subscribe(s.probe('z'), {
      callback: () => {
        probes++
      }
    })
    raw.publish(s.all, encodeFrame({ _tag: 'hello', from: { name: 'z', creation: 1, session: 5 } }))
    await b.endpoint.until((e) => e.some((x) => x._tag === 'up'))
    const t0 = performance.now()
    await sleep(1000)
    expect(b.endpoint.downs()).toEqual([]) // suspect after 600 ms, probed, not down
    expect(probes).toBeGreaterThanOrEqual(1)
    await b.endpoint.until((e) => e.some((x) => x._tag === 'down'), 2000)
    expect(performance.now() - t0).toBeGreaterThan(1400)
    expect(b.endpoint.events.at(-1)).toEqual({ _tag: 'down', node: 'z', why: 'silent' })
    // its late frames get `gone`: it must come back as a new session
    const gone = new Promise<void>((resolve) => raw.subscribe(s.node('z'), { callback: () => resolve() }))
    raw.publish(s.all, encodeFrame({ _tag: 'beat', from: { name: 'z', creation: 1, session: 5 } }))
    await gone
    raw.publish(s.all, encodeFrame({ _tag: 'hello', from: { name: 'z', creation: 1, session: 6 } }))
    await b.endpoint.until(() => b.endpoint.ups().length === 2)
  })

  it('a stall of the event loop (1.5 s, defaults) declares no healthy node dead', async () => {
    const { a, b } = await pair()
    const until = performance.now() + 1500
    while (performance.now() < until) {
      // both nodes' loop is blocked: no beat is read, no timer runs
    }
    await sleep(800)
    expect(a.endpoint.downs()).toEqual([])
    expect(b.endpoint.downs()).toEqual([])
  })

  it('a node declared lost renews its session when told (gone): both sides see down, then up again', async () => {
    const { a, b, prefix } = await pair()
    const raw = await rawClient()
    // b tells a "you are gone" for a's current session: find it from a's next beat
    const session = await new Promise<number>((resolve) => {
      const sub = raw.subscribe(subjects(prefix).all, {
        callback: (_, msg) => {
          const frame = JSON.parse(new TextDecoder().decode(msg.data)) as [number, string, number, number]
          if (frame[1] === 'a') {
            sub.unsubscribe()
            resolve(frame[3])
          }
        }
      })
    })
    raw.publish(
      subjects(prefix).node('a'),
      encodeFrame({ _tag: 'gone', from: { name: 'b', creation: 1, session: 0 }, to: session })
    )
    await a.endpoint.until(() => a.endpoint.downs().length === 1 && a.endpoint.ups().length === 2)
    await b.endpoint.until(() => b.endpoint.downs().length === 1 && b.endpoint.ups().length === 2)
    expect(b.endpoint.events.map((e) => e._tag)).toEqual(['up', 'down', 'up'])
    expect(b.endpoint.events[1]).toEqual({ _tag: 'down', node: 'a', why: 'reconnected' })
  })

  it('frames from a session not up (or for another session of this node) are dropped', async () => {
    const { a, b, prefix } = await pair()
    const raw = await rawClient()
    const data = (session: number, to: number) =>
      new TextEncoder().encode(JSON.stringify([5, 'a', 1, session, to, [numbered('b', 99)]]))
    raw.publish(subjects(prefix).node('b'), data(12345, 0))
    a.connection.send('b', [numbered('b', 1)])
    await b.endpoint.until(() => b.endpoint.received().length === 1)
    await sleep(50)
    expect(b.endpoint.received().map((e) => (e._tag === 'send' ? e.message : null))).toEqual([1])
  })
})

const bin = natsServerBinary()

describeNats('Transport.nats, the server goes away (own nats-server, needs nats-server)', () => {
  it('layer 1: every node sees every other down when its connection drops; a new session after, no stale frame', async () => {
    const server = await startNatsServer(bin!)
    try {
      const prefix = freshPrefix()
      const mk = (name: string): { endpoint: Recorder; connection: Connection } => {
        const endpoint = recorder(name)
        const connection = nats({ servers: server.url, prefix, onError: () => undefined }).attach(endpoint)
        open.push(connection)
        return { endpoint, connection }
      }
      const a = mk('a')
      const b = mk('b')
      await natsNodeOf(b.connection)!.ready
      expect(await a.connection.connect('b')).toBe(true)
      await b.endpoint.until(() => b.endpoint.ups().length === 1)
      await server.stop()
      // sent while the server is away: a is already down for b, so it is dropped at the sender
      await a.endpoint.until(() => a.endpoint.downs().length === 1, 2000)
      await b.endpoint.until(() => b.endpoint.downs().length === 1, 2000)
      expect(a.endpoint.events.at(-1)).toEqual({ _tag: 'down', node: 'b', why: 'disconnected' })
      a.connection.send('b', [numbered('b', 'stale' as unknown as number)])
      await server.start()
      await a.endpoint.until(() => a.endpoint.ups().length === 2, 5000)
      await b.endpoint.until(() => b.endpoint.ups().length === 2, 5000)
      a.connection.send('b', [numbered('b', 2)])
      await b.endpoint.until(() => b.endpoint.received().length >= 1)
      await sleep(50)
      expect(b.endpoint.received().map((e) => (e._tag === 'send' ? e.message : null))).toEqual([2])
      expect(a.endpoint.events.map((e) => e._tag)).toEqual(['up', 'down', 'up'])
    } finally {
      await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)))
      await server.dispose()
    }
  })
})
