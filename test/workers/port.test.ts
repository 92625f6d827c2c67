/**
 * The port transport with recording endpoints over `MessageChannel`s (no
 * threads, no Node API): joining, relaying, batching, order, loss and stop.
 */
import { describe, expect, it } from 'vitest'
import { Port } from '../../lib/index.js'
import type { MessageEventLike, PortLike } from '../../lib/Port.js'
import { pack } from '../../lib/internal/node/port.js'
import { fake, mail, messages } from './fake.js'

const channel = () => {
  const { port1, port2 } = new MessageChannel()
  return { hubSide: port1, peerSide: port2, close: () => port1.close() }
}

/** A hub with node `main` and `n` peers `w1..wn`, each on its own channel. */
const cluster = async (n: number) => {
  const hub = Port.hub()
  const main = fake(hub, 'main')
  const peers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const ch = channel()
      const member = hub.adopt(ch.hubSide)
      const transport = Port.peer(ch.peerSide)
      const node = fake(transport, `w${i + 1}`)
      await transport.joined
      await member.joined
      return { ch, member, transport, node }
    })
  )
  const close = () => peers.forEach((p) => p.ch.close())
  return { hub, main, peers, close }
}

describe('Port transport (MessageChannel)', () => {
  it('a joining node is up for everyone, and everyone is up for it', async () => {
    const { hub, main, peers, close } = await cluster(2)
    await peers[1]!.node.until((log) => log.includes('up w1') && log.includes('up main'))
    await main.until((log) => log.includes('up w2'))
    await peers[0]!.node.until((log) => log.includes('up w2'))
    expect(main.log).toEqual(['up w1', 'up w2'])
    expect(peers[0]!.node.log).toEqual(['up main', 'up w2'])
    expect(hub.nodes().map((n) => n.name)).toEqual(['main', 'w1', 'w2'])
    expect(await main.connection.connect('w2')).toBe(true)
    expect(await peers[0]!.node.connection.connect('w2')).toBe(true)
    expect(await peers[0]!.node.connection.connect('nowhere')).toBe(false)
    close()
  })

  it('sends in one drain are one postMessage per destination, in order', async () => {
    const { hub, main, peers, close } = await cluster(1)
    const w1 = peers[0]!
    const before = hub.stats().posts
    for (let i = 0; i < 100; i++) main.connection.send('w1', [mail(w1.node.self, 1, i)])
    await w1.node.until((log) => log.filter((l) => l.startsWith('receive')).length >= 1)
    expect(hub.stats().posts - before).toBe(1)
    expect(w1.node.received).toHaveLength(1)
    expect(messages(w1.node.received)).toEqual(Array.from({ length: 100 }, (_, i) => i))
    close()
  })

  it('workers reach each other through the hub, FIFO per pair', async () => {
    const { main, peers, close } = await cluster(2)
    const [w1, w2] = [peers[0]!, peers[1]!]
    await w1.node.until((log) => log.includes('up w2'))
    for (let round = 0; round < 5; round++) {
      w1.node.connection.send('w2', [mail(w2.node.self, 1, `a${round}`), mail(w2.node.self, 1, `b${round}`)])
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    await w2.node.until(() => messages(w2.node.received).length === 10)
    expect(messages(w2.node.received)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4'])
    expect(w2.node.received.every((r) => r.from === 'w1')).toBe(true)
    expect(main.received).toEqual([])
    close()
  })

  it('a lost port: its last batches arrive, then one down, for every node', async () => {
    const { main, peers, close } = await cluster(2)
    const [w1, w2] = [peers[0]!, peers[1]!]
    await w1.node.until((log) => log.includes('up w2'))
    w1.node.connection.send('main', [mail(main.self, 1, 'last')])
    w1.node.connection.send('w2', [mail(w2.node.self, 1, 'last')])
    // the hub has read what w1 posted before it hears w1 is gone (as Node's worker 'exit' does)
    await main.until((log) => log.includes('receive w1 1'))
    w1.member.lost('exited')
    w1.member.lost('exited again')
    expect(await w1.member.down).toBe('exited')
    await w2.node.until((log) => log.includes('down w1 exited'))
    await main.until((log) => log.includes('down w1 exited'))
    expect(main.log.filter((l) => l.includes('w1'))).toEqual(['up w1', 'receive w1 1', 'down w1 exited'])
    expect(w2.node.log.filter((l) => l.includes('w1'))).toEqual(['up w1', 'receive w1 1', 'down w1 exited'])
    expect(await main.connection.connect('w1')).toBe(false)
    close()
  })

  it('a peer that closes is down with stopped at once; sends to it are dropped', async () => {
    const { hub, main, peers, close } = await cluster(2)
    await peers[1]!.node.until((log) => log.includes('up w1'))
    await peers[0]!.node.connection.close()
    await main.until((log) => log.includes('down w1 stopped'))
    await peers[1]!.node.until((log) => log.includes('down w1 stopped'))
    expect(await peers[0]!.member.down).toBe('stopped')
    main.connection.send('w1', [mail(peers[0]!.node.self, 1, 'late')])
    expect(hub.nodes().map((n) => n.name)).toEqual(['main', 'w2'])
    close()
  })

  it('the hub node closing asks every peer to stop', async () => {
    const ch = channel()
    const hub = Port.hub()
    const main = fake(hub, 'main')
    const stops: Array<string> = []
    const transport = Port.peer(ch.peerSide, { onStop: () => stops.push('stop') })
    const w1 = fake(transport, 'w1')
    hub.adopt(ch.hubSide)
    await transport.joined
    await main.connection.close()
    await w1.until((log) => log.includes('down main stopped'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(stops).toEqual(['stop'])
    ch.close()
  })

  it('a second node with a name already up is refused', async () => {
    const { close } = await cluster(1)
    const hub = Port.hub()
    fake(hub, 'main')
    const ch = channel()
    const member = hub.adopt(ch.hubSide)
    const transport = Port.peer(ch.peerSide)
    fake(transport, 'main')
    await expect(transport.joined).rejects.toThrow('already up')
    await expect(member.joined).rejects.toThrow('a node named main is already up')
    expect(() => fake(hub, 'main')).toThrow('a node named main is already up on this hub')
    ch.close()
    close()
  })

  it('connect waits for a port that has not said hello yet', async () => {
    const hub = Port.hub()
    const main = fake(hub, 'main')
    const ch = channel()
    hub.adopt(ch.hubSide)
    const connecting = main.connection.connect('late')
    const transport = Port.peer(ch.peerSide)
    setTimeout(() => fake(transport, 'late'), 20)
    expect(await connecting).toBe(true)
    expect(main.log).toEqual(['up late'])
    ch.close()
  })

  it('messages that are not ours on a shared port are ignored', async () => {
    const { main, peers, close } = await cluster(1)
    peers[0]!.ch.peerSide.postMessage({ hello: 'page' })
    peers[0]!.ch.peerSide.postMessage('text')
    peers[0]!.node.connection.send('main', [mail(main.self, 1, 'ours')])
    await main.until((log) => log.includes('receive w1 1'))
    expect(messages(main.received)).toEqual(['ours'])
    close()
  })
})

/** A port the test drives: `emit` is an event, `queued` is what `receiveNow` hands out (counted). */
const pollable = () => {
  const listeners: Array<(event: MessageEventLike) => void> = []
  const queued: Array<unknown> = []
  const posted: Array<unknown> = []
  let polls = 0
  const port: PortLike = {
    postMessage: (message) => void posted.push(message),
    addEventListener: (_type, listener) => void listeners.push(listener),
    removeEventListener: () => undefined,
    receiveNow: () => {
      polls++
      return queued.length > 0 ? { message: queued.shift() } : undefined
    }
  }
  const emit = (data: unknown): void => listeners.forEach((l) => l({ type: 'message', data }))
  return { port, queued, posted, emit, polls: () => polls }
}

describe('busy waiting on a port that can be polled (receiveNow)', () => {
  const w1 = { name: 'w1', creation: 1 }
  const hello = pack([['h', w1]])
  const toMain = (n: number) => pack([['t', 'main', [mail({ name: 'main', creation: 1 }, 1, n)]]])

  it('after a message, what is queued on the port is taken at once, in order, in the same event', () => {
    const hub = Port.hub({ busyWaitMicros: 200 })
    const main = fake(hub, 'main')
    const p = pollable()
    hub.adopt(p.port)
    p.queued.push(toMain(1), toMain(2))
    p.emit(hello)
    // no await: both batches were handled inside the hello's event
    expect(p.queued).toEqual([])
    expect(messages(main.received)).toEqual([1, 2])
    expect(p.polls()).toBeGreaterThanOrEqual(3) // two taken, then polled until the wait ran out
    void main.connection.close()
  })

  it("a hub polls all its ports together: what waits on another port than the message's is taken too", () => {
    const hub = Port.hub({ busyWaitMicros: 200 })
    const main = fake(hub, 'main')
    const [p1, p2] = [pollable(), pollable()]
    hub.adopt(p1.port)
    hub.adopt(p2.port)
    p2.queued.push(pack([['h', { name: 'w2', creation: 1 }]]), pack([['t', 'main', [mail(main.self, 1, 'from w2')]]]))
    p1.queued.push(toMain(0), toMain(1))
    p1.emit(hello)
    // one event on w1's port: w1's next messages and both of w2's were taken in it
    expect(p2.queued).toEqual([])
    expect(messages(main.received)).toEqual([0, 1, 'from w2'])
    void main.connection.close()
  })

  it('busyWaitMicros 0: the port is never polled', () => {
    const hub = Port.hub({ busyWaitMicros: 0 })
    const main = fake(hub, 'main')
    const p = pollable()
    hub.adopt(p.port)
    p.queued.push(toMain(1))
    p.emit(hello)
    expect(p.polls()).toBe(0)
    expect(p.queued).toHaveLength(1)
    p.emit(p.queued.shift())
    expect(messages(main.received)).toEqual([1])
    void main.connection.close()
  })

  it('a peer polls its port too, and stops when it leaves', async () => {
    const p = pollable()
    const transport = Port.peer(p.port, { busyWaitMicros: 200 })
    const node = fake(transport, 'w1')
    p.queued.push(pack([['u', { name: 'main', creation: 1 }]]), pack([['w']]))
    p.emit(pack([['u', { name: 'w2', creation: 1 }]]))
    expect(node.log).toEqual(['up w2', 'up main'])
    await transport.joined
    await node.connection.close()
    const polls = p.polls()
    p.queued.push(pack([['u', { name: 'w3', creation: 1 }]]))
    p.emit(pack([['u', { name: 'w4', creation: 1 }]]))
    expect(p.polls()).toBe(polls)
    expect(node.log).toEqual(['up w2', 'up main'])
  })

  it('a busyWaitMicros that is not a finite number >= 0 is refused, naming it', () => {
    expect(() => Port.hub({ busyWaitMicros: -1 })).toThrow(
      'Port.hub: busyWaitMicros must be a finite number of microseconds >= 0, got number -1'
    )
    expect(() => Port.peer(pollable().port, { busyWaitMicros: Number.NaN })).toThrow(
      'Port.peer: busyWaitMicros must be a finite number of microseconds >= 0, got number NaN'
    )
    expect(() => Port.hub({ busyWaitMicros: Infinity })).toThrow(TypeError)
    expect(() => Port.hub(null as never)).toThrow('Port.hub: options must be an object, got object null')
  })
})
