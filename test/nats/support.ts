/**
 * Helpers of the NATS suite: the run's server URL (from the global setup), a
 * `describe` that skips where there is no nats-server, and a recording
 * `Endpoint` to drive a transport without the node layer.
 */
import { describe, inject } from 'vitest'
import type { Endpoint, Envelope, NodeId } from '../../lib/Transport.js'

export const natsUrl: string = inject('natsUrl')

/** The NATS suite needs a real nats-server (see test/nats/global-setup.ts). */
export const describeNats = describe.skipIf(natsUrl === '')

export type Event =
  | { readonly _tag: 'up'; readonly node: NodeId }
  | { readonly _tag: 'down'; readonly node: string; readonly why: string }
  | { readonly _tag: 'receive'; readonly from: NodeId; readonly batch: ReadonlyArray<Envelope> }

export interface Recorder extends Endpoint {
  readonly events: Array<Event>
  /** Resolves when `pred` holds for the events (checked on each new event), rejects after `ms`. */
  readonly until: (pred: (events: ReadonlyArray<Event>) => boolean, ms?: number) => Promise<void>
  readonly ups: () => ReadonlyArray<string>
  readonly downs: () => ReadonlyArray<string>
  readonly received: () => ReadonlyArray<Envelope>
}

export const recorder = (name: string, creation = 1): Recorder => {
  const events: Array<Event> = []
  const watchers = new Set<() => void>()
  const push = (event: Event): void => {
    events.push(event)
    watchers.forEach((w) => w())
  }
  return {
    self: { name, creation },
    events,
    receive: (from, batch) => push({ _tag: 'receive', from, batch }),
    up: (node) => push({ _tag: 'up', node }),
    down: (node, why) => push({ _tag: 'down', node, why }),
    until: (pred, ms = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pred(events)) {
            watchers.delete(check)
            clearTimeout(timer)
            resolve()
          }
        }
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`${name}: condition not met in ${ms} ms; events: ${JSON.stringify(events).slice(0, 2000)}`))
        }, ms)
        watchers.add(check)
        check()
      }),
    ups: () => events.flatMap((e) => (e._tag === 'up' ? [e.node.name] : [])),
    downs: () => events.flatMap((e) => (e._tag === 'down' ? [e.node] : [])),
    received: () => events.flatMap((e) => (e._tag === 'receive' ? e.batch : []))
  }
}

/** A `send` envelope carrying `n`, for counting. */
export const numbered = (node: string, n: number): Envelope => ({
  _tag: 'send',
  to: { node, creation: 1, id: 1 },
  message: n
})

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

let prefixes = 0
/** A fresh subject prefix, so the tests of one file do not see each other's nodes. */
export const freshPrefix = (): string => `t${process.pid}x${++prefixes}`
