/**
 * A `worker_threads` `MessagePort` as the port transport's `PortLike`, with
 * what only Node has: `receiveNow` (the transport busy-waits on it) and
 * `drain`.
 *
 * @internal
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import type { MessageEventLike, PortLike } from '../Port.js'

/**
 * The main thread's end of a worker's channel as a port that can be polled,
 * and `drain`: the messages still queued on it, handed to its listeners (at
 * the thread's `exit`, which Node may report before them). Returns how many.
 *
 * @internal
 */
export const portOf = (port: MessagePort): PortLike & { readonly drain: () => number } => {
  const listeners = new Set<(event: MessageEventLike) => void>()
  return {
    postMessage: (message) => port.postMessage(message),
    addEventListener: (_type, listener) => {
      listeners.add(listener)
      port.addEventListener('message', listener)
    },
    removeEventListener: (_type, listener) => {
      listeners.delete(listener)
      port.removeEventListener('message', listener)
    },
    start: () => port.start(),
    receiveNow: () => receiveMessageOnPort(port),
    drain: () => {
      let n = 0
      for (let next = receiveMessageOnPort(port); next !== undefined; next = receiveMessageOnPort(port)) {
        n++
        for (const listener of [...listeners]) listener({ type: 'message', data: next.message })
      }
      return n
    }
  }
}
