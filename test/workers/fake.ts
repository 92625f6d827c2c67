/**
 * A stand-in for the node layer: an `Endpoint` that records what the
 * transport tells it, and envelopes to send.
 */
import type { Connection, Endpoint, Envelope, NodeId, Transport } from '../../lib/Transport.js'

export interface Fake {
  readonly self: NodeId
  readonly log: Array<string>
  readonly received: Array<{ readonly from: string; readonly batch: ReadonlyArray<Envelope> }>
  readonly connection: Connection
  /** Resolves once `predicate` holds on the log (checked after each event). */
  readonly until: (predicate: (log: ReadonlyArray<string>) => boolean) => Promise<void>
}

/** A `send` envelope carrying `message` to process `id` of `node`. */
export const mail = (node: NodeId, id: number, message: string | number): Envelope => ({
  _tag: 'send',
  to: { node: node.name, creation: node.creation, id },
  message
})

/** The messages of a list of batches, in order. */
export const messages = (batches: ReadonlyArray<{ readonly batch: ReadonlyArray<Envelope> }>) =>
  batches.flatMap(({ batch }) => batch.map((e) => (e._tag === 'send' ? e.message : e._tag)))

/** Attach a recording endpoint named `name` to `transport`. */
export const fake = (transport: Transport, name: string, creation = 1): Fake => {
  const log: Array<string> = []
  const received: Array<{ from: string; batch: ReadonlyArray<Envelope> }> = []
  const waiters: Array<() => void> = []
  const changed = (): void => {
    for (const w of waiters.splice(0)) w()
  }
  const self = { name, creation }
  const endpoint: Endpoint = {
    self,
    receive: (from, batch) => {
      received.push({ from: from.name, batch })
      log.push(`receive ${from.name} ${batch.length}`)
      changed()
    },
    up: (node) => {
      log.push(`up ${node.name}`)
      changed()
    },
    down: (node, why) => {
      log.push(`down ${node} ${why}`)
      changed()
    }
  }
  const connection = transport.attach(endpoint)
  const until = async (predicate: (log: ReadonlyArray<string>) => boolean): Promise<void> => {
    while (!predicate(log)) await new Promise<void>((resolve) => waiters.push(resolve))
  }
  return { self, log, received, connection, until }
}
