/**
 * `lib/node/channel.ts`: a Node `MessagePort` as the port transport's port,
 * with `receiveNow` and `drain` (what is still queued, handed over at once:
 * Node may report a thread's exit before the messages it posted last).
 */
import { MessageChannel } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { MessageEventLike } from '../../lib/Port.js'
import { portOf } from '../../lib/node/channel.js'

describe('portOf (a worker_threads MessagePort)', () => {
  it('drain hands every queued message to the listeners, in order, at once', () => {
    const { port1, port2 } = new MessageChannel()
    const port = portOf(port1)
    const seen: Array<unknown> = []
    const listener = (event: MessageEventLike): void => void seen.push(event.data)
    port.addEventListener('message', listener)
    port.start?.()
    for (let i = 0; i < 5; i++) port2.postMessage(i)
    // no event has run yet: the five wait on the port
    expect(port.drain()).toBe(5)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(port.drain()).toBe(0)
    port.removeEventListener('message', listener)
    port2.postMessage('late')
    expect(port.drain()).toBe(1) // taken, and no listener left to hand it to
    expect(seen).toEqual([0, 1, 2, 3, 4])
    port1.close()
  })

  it('receiveNow takes one queued message, or says there is none', () => {
    const { port1, port2 } = new MessageChannel()
    const port = portOf(port1)
    expect(port.receiveNow?.()).toBeUndefined()
    port2.postMessage({ a: 1 })
    port2.postMessage('b')
    expect(port.receiveNow?.()).toEqual({ message: { a: 1 } })
    expect(port.receiveNow?.()).toEqual({ message: 'b' })
    expect(port.receiveNow?.()).toBeUndefined()
    port1.close()
  })
})
