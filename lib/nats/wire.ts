/**
 * What the NATS transport puts on the bus: subjects per node and the frames
 * (JSON arrays, UTF-8) sent on them.
 *
 * A node's identity on the bus is its name, its incarnation (`creation`, set
 * by the node layer) and its **session**: a number this transport renews each
 * time the node's own NATS connection comes back. Every data frame carries the
 * sender's session and the session of the receiver it was meant for, so a
 * frame from (or to) a session that has been declared lost is dropped.
 * (Internal to the NATS transport.)
 */
import type { Envelope } from '../Transport.js'
import { packEnvelopes, Reader } from '../internal/node/flat.js'

/** Who sent a frame. */
export interface Peer {
  readonly name: string
  readonly creation: number
  readonly session: number
}

/**
 * - `hello`: a node joined or came back (broadcast); everyone answers with `hi`;
 * - `beat`: a heartbeat (broadcast, every period);
 * - `bye`: a clean stop (broadcast): the node is lost now;
 * - `hi`: "I am up" (to one node, the answer to `hello` and to a probe);
 * - `gone`: "you (session `to`) are lost for me" (to one node): it renews its session;
 * - `data`: a batch of envelopes for session `to` of the receiving node.
 */
export type Frame =
  | { readonly _tag: 'hello' | 'beat' | 'bye' | 'hi'; readonly from: Peer }
  | { readonly _tag: 'gone'; readonly from: Peer; readonly to: number }
  | { readonly _tag: 'data'; readonly from: Peer; readonly to: number; readonly batch: ReadonlyArray<Envelope> }

const tags = ['hello', 'beat', 'bye', 'hi', 'gone', 'data'] as const

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A frame as bytes: `[tag, name, creation, session, to?, batch?]`, the batch
 * a flat array (`internal/node/flat.ts`: a `send` is `0, node, creation, id,
 * message`, with no key names to write and parse).
 */
export const encodeFrame = (frame: Frame): Uint8Array => {
  const head = [tags.indexOf(frame._tag), frame.from.name, frame.from.creation, frame.from.session]
  if (frame._tag === 'data') {
    const flat: Array<unknown> = []
    packEnvelopes(flat, frame.batch)
    head.push(frame.to, flat as never)
  } else if (frame._tag === 'gone') head.push(frame.to)
  return encoder.encode(JSON.stringify(head))
}

/** The start of every data frame `from` sends (`encodeData`'s first argument): made once per session. */
export const dataHead = (from: Peer): string => `[5,${JSON.stringify(from.name)},${from.creation},${from.session},`

/** The data frame for a batch, after its sender's `dataHead` (the hot path: one stringify). */
export const encodeData = (head: string, to: number, batch: ReadonlyArray<Envelope>): Uint8Array => {
  const flat: Array<unknown> = []
  packEnvelopes(flat, batch)
  return encoder.encode(`${head}${to},${JSON.stringify(flat)}]`)
}

const isInt = (u: unknown): u is number => typeof u === 'number' && Number.isSafeInteger(u)

/** A frame from bytes, or a string saying what was wrong. */
export const decodeFrame = (bytes: Uint8Array): Frame | string => {
  let u: unknown
  try {
    u = JSON.parse(decoder.decode(bytes))
  } catch (error) {
    return `not JSON (${String(error)})`
  }
  if (!Array.isArray(u) || u.length < 4) return 'not a frame'
  const [t, name, creation, session, to, batch] = u as ReadonlyArray<unknown>
  const tag = typeof t === 'number' ? tags[t] : undefined
  if (tag === undefined || typeof name !== 'string' || !isInt(creation) || !isInt(session)) return 'bad frame head'
  const from: Peer = { name, creation, session }
  switch (tag) {
    case 'data': {
      if (!isInt(to) || !Array.isArray(batch)) return 'bad data frame'
      try {
        return { _tag: 'data', from, to, batch: new Reader(batch, 0, 'NATS frame').envelopes() }
      } catch (error) {
        return `bad data frame (${String(error)})`
      }
    }
    case 'gone':
      return isInt(to) ? { _tag: 'gone', from, to } : 'bad gone frame'
    default:
      return { _tag: tag, from }
  }
}

/**
 * A node name as one subject token: NATS subjects split on `.` and give `*`,
 * `>` and whitespace a meaning, so anything but `[A-Za-z0-9_-]` is escaped as
 * `%XX` (a node named `a@host.example` is `a%40host%2Eexample`).
 */
export const nameToken = (name: string): string =>
  name.replace(/[^A-Za-z0-9_-]/g, (c) =>
    Array.from(encoder.encode(c), (b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('')
  )

/** The subjects of one cluster (`prefix` separates clusters on one server). */
export const subjects = (prefix: string) => {
  const nodes = new Map<string, string>()
  return {
    /** Broadcast: `hello`, `beat`, `bye`. */
    all: `${prefix}.all`,
    /** Frames for one node (`hi`, `gone`, `data`); made once per name. */
    node: (name: string): string => {
      let subject = nodes.get(name)
      if (subject === undefined) nodes.set(name, (subject = `${prefix}.node.${nameToken(name)}`))
      return subject
    },
    /** The liveness probe of one node (request/reply; no responders = its connection is gone). */
    probe: (name: string) => `${prefix}.probe.${nameToken(name)}`
  }
}
