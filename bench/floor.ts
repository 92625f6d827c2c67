/**
 * The floor: the smallest correct plain-TypeScript process runtime the
 * workloads can run on, to measure fp-ts-actors against.
 *
 * ```ts
 * const rt = new Floor()
 * const p = rt.spawn((self) => rt.receive(self, (m) => ...)) // a process: a mailbox + a continuation
 * rt.send(p, message)                                        // queue it; wake p through the run queue
 * ```
 *
 * What it keeps of the real thing, so the comparison is honest:
 * - a process is a mailbox (an array with head and tail indices, no `shift()`;
 *   an emptied mailbox reuses its slots instead of reallocating) and a
 *   continuation (the callback waiting for the next message);
 * - `send` only appends to the mailbox; a receiver waiting for a message is
 *   made ready and put on the run queue, never called inline by the sender;
 * - ready processes sit in a ring-buffer run queue, drained in a loop; each
 *   runs a bounded slice (at most `budget` messages), then goes to the back
 *   of the queue if it still has work;
 * - the drain yields to the event loop (one `setImmediate`) after about
 *   10 ms, as the production runtime does.
 *
 * What it leaves out (the floor has no use for it): typed receive (codecs),
 * selective receive (receive is FIFO), a process table, pids, links,
 * monitors, exit signals, finalizers, interruption, timers, events.
 */

/** A floor process. */
export class Proc {
  /** Messages not yet taken: `mbox[head..tail]`. */
  mbox: Array<unknown> = []
  head = 0
  tail = 0
  /** The continuation waiting for the next message; `undefined` when the process is not receiving. */
  k: ((message: unknown) => void) | undefined = undefined
  /** The code to run first in the next slice: the start of the process, or where it yielded. */
  init: ((self: Proc) => void) | undefined
  /** In the run queue. */
  queued = false
  constructor(init: (self: Proc) => void) {
    this.init = init
  }
}

export class Floor {
  private buf: Array<Proc | undefined> = new Array(1024)
  private mask = 1023
  private qhead = 0
  private qtail = 0
  private requested = false
  private draining = false

  /** @param budget messages a process may take in one slice before the next ready process runs */
  constructor(private readonly budget = 500) {}

  /** Starts a process running `init`; it runs from the run queue, not inline. */
  spawn(init: (self: Proc) => void): Proc {
    const p = new Proc(init)
    this.schedule(p)
    return p
  }

  /** Appends `message` to `p`'s mailbox; if `p` waits in a receive, makes it ready. */
  send(p: Proc, message: unknown): void {
    p.mbox[p.tail++] = message
    if (p.k !== undefined) this.schedule(p)
  }

  /** Called by a running process: `k` takes the next message (FIFO) when there is one. */
  receive(self: Proc, k: (message: unknown) => void): void {
    self.k = k
  }

  /**
   * Called by a running process that has more to do: `k` runs in a later
   * slice, after the processes ready now (what the production runtime's step
   * budget does to a long-running process).
   */
  yield(self: Proc, k: (self: Proc) => void): void {
    self.init = k
    this.schedule(self)
  }

  private schedule(p: Proc): void {
    if (p.queued) return
    p.queued = true
    this.buf[this.qtail] = p
    this.qtail = (this.qtail + 1) & this.mask
    if (this.qtail === this.qhead) this.grow()
    if (!this.draining && !this.requested) {
      this.requested = true
      setImmediate(this.drain)
    }
  }

  private grow(): void {
    const old = this.buf
    const grown: Array<Proc | undefined> = new Array(old.length * 2)
    for (let i = 0; i < old.length; i++) grown[i] = old[(this.qhead + i) & this.mask]
    this.qhead = 0
    this.qtail = old.length
    this.buf = grown
    this.mask = grown.length - 1
  }

  private pop(): Proc | undefined {
    if (this.qhead === this.qtail) return undefined
    const p = this.buf[this.qhead]
    this.buf[this.qhead] = undefined
    this.qhead = (this.qhead + 1) & this.mask
    return p
  }

  /** One slice of `p`: its start (or where it yielded), then messages while it receives, at most `budget`. */
  private run(p: Proc): void {
    const init = p.init
    if (init !== undefined) {
      p.init = undefined
      init(p)
      if (p.init !== undefined) return // it yielded: it is queued again
    }
    let n = this.budget
    for (;;) {
      const k = p.k
      const m = p.mbox
      if (k === undefined || p.head === p.tail) return
      if (--n < 0) {
        this.schedule(p)
        return
      }
      const msg = m[p.head]
      m[p.head++] = undefined
      if (p.head === p.tail) {
        // empty: reuse the slots (no reallocation per message), unless a burst left a large array behind
        p.head = 0
        p.tail = 0
        if (m.length > 1024) p.mbox = []
      } else if (p.head > 1024 && p.head * 2 > p.tail) {
        // drop the consumed prefix so a mailbox that never empties does not grow forever
        p.mbox = m.slice(p.head, p.tail)
        p.tail -= p.head
        p.head = 0
      }
      p.k = undefined
      k(msg)
    }
  }

  /** Drains the run queue for about 10 ms, then yields to the event loop. */
  private readonly drain = (): void => {
    this.requested = false
    this.draining = true
    const start = performance.now()
    let n = 0
    try {
      for (;;) {
        const p = this.pop()
        if (p === undefined) break
        p.queued = false
        this.run(p)
        if ((++n & 127) === 0 && performance.now() - start > 10) break
      }
    } finally {
      this.draining = false
    }
    if (this.qhead !== this.qtail && !this.requested) {
      this.requested = true
      setImmediate(this.drain)
    }
  }
}
