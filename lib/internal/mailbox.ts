/**
 * A process's mailbox and the selective-receive scan over it.
 *
 * Messages are numbered in arrival order and live at `[head .. tail)`,
 * oldest first; a message taken from the middle (a selective receive) leaves
 * a `HOLE` there, skipped by every scan and dropped when the head passes it.
 *
 * They are kept in chunks of `CHUNK` slots (message `i` is slot
 * `(i - origin) & MASK` of chunk `(i - origin) >> SHIFT`), not in one array:
 * a mailbox that fills with a million messages before its process reads them
 * (a fan-in) never copies them into an ever larger array, nor makes the
 * collector place one (growing one array to a million slots costs about 30
 * ms on a 2-core machine, filling chunks of 1,024 about 5), and a chunk the
 * head has passed is let go. The first chunk starts with the first message
 * and grows as an ordinary array, so a small mailbox stays small; whenever
 * the mailbox empties its numbering starts again in that chunk, so a process
 * that takes its messages as they come allocates nothing per message.
 *
 * A receive that waits keeps `cursor`: the messages before it were already
 * tried against that receive's clauses, so each message is decoded once per
 * receive however long the mailbox grows.
 *
 * @internal
 */
import type { Decoder } from 'io-ts'
import type { Clauses, OnClause } from './clause.js'
import type { Op } from './op.js'

/** A removed message in the middle of the mailbox. */
const HOLE: unique symbol = Symbol('hole')

/** No message: the inline slot of a process without a `Mailbox` is empty (see `./waits.ts`). */
export const EMPTY: unique symbol = Symbol('empty')

const SHIFT = 10
/** Slots per chunk. */
const CHUNK = 1 << SHIFT
const MASK = CHUNK - 1

/** @internal */
export class Mailbox {
  /** The chunks, oldest first; those before `live` are gone (`undefined`): the head has passed them. */
  private chunks: Array<Array<unknown> | undefined>
  /** The first chunk still held. */
  private live = 0
  /** The number of the first slot of `chunks[0]`. */
  private origin = 0
  private head = 0
  private tail = 1
  /** Where the waiting receive's scan resumes: messages before it matched none of its clauses. */
  cursor = 0

  /** A mailbox made by its first message. */
  constructor(first: unknown) {
    this.chunks = [[first]]
  }

  /** The message (or `HOLE`) numbered `i`, which lies in `[head .. tail)`. */
  at(i: number): unknown {
    const k = i - this.origin
    return (this.chunks[k >> SHIFT] as Array<unknown>)[k & MASK]
  }

  private set(i: number, value: unknown): void {
    const k = i - this.origin
    ;(this.chunks[k >> SHIFT] as Array<unknown>)[k & MASK] = value
  }

  /** Number of messages waiting. */
  get size(): number {
    let n = 0
    for (let i = this.head; i < this.tail; i++) if (this.at(i) !== HOLE) n++
    return n
  }

  /** The messages waiting, oldest first (a copy). */
  messages(): Array<unknown> {
    const out: Array<unknown> = []
    for (let i = this.head; i < this.tail; i++) {
      const m = this.at(i)
      if (m !== HOLE) out.push(m)
    }
    return out
  }

  push(message: unknown): void {
    const k = this.tail++ - this.origin
    const chunk = this.chunks[k >> SHIFT]
    if (chunk !== undefined) chunk[k & MASK] = message
    else this.chunks.push(fresh(message))
  }

  /** The number of the first waiting message `pred` accepts (oldest first), or -1. */
  indexOf(pred: (m: unknown) => boolean): number {
    for (let i = this.head; i < this.tail; i++) {
      const m = this.at(i)
      if (m !== HOLE && pred(m)) return i
    }
    return -1
  }

  /**
   * Selective receive: takes the first message (from `from`, oldest first)
   * that a clause matches, trying the clauses in order for each message, and
   * returns it decoded, with the clause's handler in `handler` and the message
   * as it came in `taken`. `NO_MATCH` when none matches: `cursor` is then the end.
   */
  select(clauses: Clauses, from: number): unknown {
    const tail = this.tail
    // a cursor the head has passed (a message taken by something else meanwhile) starts at the head
    for (let i = from > this.head ? from : this.head; i < tail; i++) {
      const msg = this.at(i)
      if (msg === HOLE) continue
      if (!Array.isArray(clauses)) {
        const v = decode(clauses as OnClause, msg)
        if (v !== NO_MATCH) return this.took(i, msg, clauses as OnClause, v)
        continue
      }
      for (let c = 0; c < clauses.length; c++) {
        const clause = clauses[c] as OnClause
        const v = decode(clause, msg)
        if (v !== NO_MATCH) return this.took(i, msg, clause, v)
      }
    }
    this.cursor = tail
    return NO_MATCH
  }

  /** The handler of the clause the last successful `select` matched, and the message it took (read at once). */
  handler: ((m: unknown) => Op) | undefined = undefined
  taken: unknown = undefined

  /** `message`, numbered `i`, was matched by `clause` (decoded: `decoded`): it is taken. */
  private took(i: number, message: unknown, clause: OnClause, decoded: unknown): unknown {
    this.handler = clause.i1 as (m: unknown) => Op
    this.taken = message
    this.take(i)
    return decoded
  }

  /** The first live message's number (where a fresh receive starts). */
  get first(): number {
    return this.head
  }

  get isEmpty(): boolean {
    return this.head === this.tail
  }

  /** Removes the message numbered `i`. */
  take(i: number): void {
    if (i !== this.head) {
      this.set(i, HOLE)
      return
    }
    this.set(i, undefined)
    let h = i + 1
    const tail = this.tail
    while (h < tail && this.at(h) === HOLE) this.set(h++, undefined)
    if (h === tail) this.emptied()
    else {
      this.head = h
      const k = (h - this.origin) >> SHIFT
      if (k > this.live) this.passed(k)
    }
  }

  /** Every message has been taken: the numbering starts again in the first chunk, if it is the only one. */
  private emptied(): void {
    if (this.chunks.length > 1) {
      this.chunks = [[]]
      this.live = 0
    }
    this.origin = this.head = this.tail = this.cursor = 0
  }

  /** The head is in chunk `k`: the chunks before it go; the list of chunks sheds them when they are half of it. */
  private passed(k: number): void {
    const chunks = this.chunks
    for (let j = this.live; j < k; j++) chunks[j] = undefined
    this.live = k
    if (k >= 16 && k * 2 >= chunks.length) {
      chunks.splice(0, k)
      this.origin += k << SHIFT
      this.live = 0
    }
  }
}

/** A chunk after the first, holding `message` in its first slot (its slots made at once, of one kind). */
const fresh = (message: unknown): Array<unknown> => {
  const chunk = new Array<unknown>(CHUNK).fill(undefined)
  chunk[0] = message
  return chunk
}

/** `select`'s answer when no message matches. */
export const NO_MATCH: unique symbol = Symbol('no match')

/** `msg` as `clause` decodes it, or `NO_MATCH`. */
export const decode = (clause: OnClause, msg: unknown): unknown => {
  if (clause.i2 === true) return (clause.i0 as { is: (u: unknown) => boolean }).is(msg) ? msg : NO_MATCH
  const v = (clause.i0 as Decoder<unknown, unknown>).decode(msg)
  return v._tag === 'Left' ? NO_MATCH : v.right
}
