/**
 * A process's mailbox and the selective-receive scan over it.
 *
 * Messages live in `buf[head .. tail)`, oldest first; a message taken from the
 * middle (a selective receive) leaves a `HOLE` there, skipped by every scan and
 * dropped when the head passes it or the buffer is compacted. The buffer's
 * slots are reused whenever the mailbox empties, so a process that takes its
 * messages as they come allocates nothing per message.
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

/** @internal */
export class Mailbox {
  private buf: Array<unknown>
  private head = 0
  private tail = 1
  /** Where the waiting receive's scan resumes: messages before it matched none of its clauses. */
  cursor = 0

  /** A mailbox made by its first message. */
  constructor(first: unknown) {
    this.buf = [first]
  }

  /** Number of messages waiting. */
  get size(): number {
    let n = 0
    for (let i = this.head; i < this.tail; i++) if (this.buf[i] !== HOLE) n++
    return n
  }

  /** The messages waiting, oldest first (a copy). */
  messages(): Array<unknown> {
    const out: Array<unknown> = []
    for (let i = this.head; i < this.tail; i++) if (this.buf[i] !== HOLE) out.push(this.buf[i])
    return out
  }

  push(message: unknown): void {
    this.buf[this.tail++] = message
  }

  /** The index of the first waiting message `pred` accepts (oldest first), or -1. */
  indexOf(pred: (m: unknown) => boolean): number {
    const b = this.buf
    for (let i = this.head; i < this.tail; i++) if (b[i] !== HOLE && pred(b[i])) return i
    return -1
  }

  at(i: number): unknown {
    return this.buf[i]
  }

  /**
   * Selective receive: takes the first message (from `from`, oldest first)
   * that a clause matches, trying the clauses in order for each message, and
   * returns it decoded, with the clause's handler in `handler` and the message
   * as it came in `taken`. `NO_MATCH` when none matches: `cursor` is then the end.
   */
  select(clauses: Clauses, from: number): unknown {
    const b = this.buf
    const tail = this.tail
    for (let i = from; i < tail; i++) {
      const msg = b[i]
      if (msg === HOLE) continue
      if (!Array.isArray(clauses)) {
        const v = decode(clauses as OnClause, msg)
        if (v !== NO_MATCH) return this.took(i, clauses as OnClause, v)
        continue
      }
      for (let c = 0; c < clauses.length; c++) {
        const clause = clauses[c] as OnClause
        const v = decode(clause, msg)
        if (v !== NO_MATCH) return this.took(i, clause, v)
      }
    }
    this.cursor = tail
    return NO_MATCH
  }

  /** The handler of the clause the last successful `select` matched, and the message it took (read at once). */
  handler: ((m: unknown) => Op) | undefined = undefined
  taken: unknown = undefined

  private took(i: number, clause: OnClause, decoded: unknown): unknown {
    this.handler = clause.i1 as (m: unknown) => Op
    this.taken = this.buf[i]
    this.take(i)
    return decoded
  }

  /** The first live message's index (where a fresh receive starts). */
  get first(): number {
    return this.head
  }

  get isEmpty(): boolean {
    return this.head === this.tail
  }

  /** Removes the message at `i`. */
  take(i: number): void {
    const b = this.buf
    if (i !== this.head) {
      b[i] = HOLE
      return
    }
    b[i] = undefined
    let h = i + 1
    const tail = this.tail
    while (h < tail && b[h] === HOLE) b[h++] = undefined
    if (h === tail) {
      // empty: reuse the slots (a big buffer left by a burst is let go)
      if (tail > 1024) this.buf = []
      this.head = this.tail = this.cursor = 0
    } else {
      this.head = h
      if (h > 1024 && h * 2 > tail) this.compact()
    }
  }

  /** Moves the live messages to the front, dropping holes, keeping the cursor on the same message. */
  private compact(): void {
    const b = this.buf
    const tail = this.tail
    let w = 0
    let cursor = -1
    for (let i = this.head; i < tail; i++) {
      if (i === this.cursor) cursor = w
      const msg = b[i]
      if (msg !== HOLE) b[w++] = msg
    }
    this.cursor = cursor === -1 ? w : cursor
    b.length = w
    this.head = 0
    this.tail = w
  }
}

/** `select`'s answer when no message matches. */
export const NO_MATCH: unique symbol = Symbol('no match')

/** `msg` as `clause` decodes it, or `NO_MATCH`. */
export const decode = (clause: OnClause, msg: unknown): unknown => {
  if (clause.i2 === true) return (clause.i0 as { is: (u: unknown) => boolean }).is(msg) ? msg : NO_MATCH
  const v = (clause.i0 as Decoder<unknown, unknown>).decode(msg)
  return v._tag === 'Left' ? NO_MATCH : v.right
}
