// "Floor" actor runtime: the smallest correct process/mailbox/scheduler we could
// write for the Erlang process semantics on one JS thread. No promise per
// message: a process is a chain of receive continuations; a run queue of
// ready processes is drained in a loop; the loop yields to the event loop
// (setImmediate) every SLICE process steps so timers and I/O still run.
//
// Semantics kept: spawn (body runs later, not inside the caller), asynchronous
// send, FIFO mailbox, selective receive (optional match predicate; unmatched
// messages stay in order), receive timeouts, process exit when a step returns
// without registering a new receive, monitors (a DOWN message on exit).

/** Growable ring buffer (power-of-two capacity). */
export class Ring<T> {
  buf: (T | undefined)[]
  head = 0
  len = 0
  mask: number
  constructor(cap = 4) {
    this.buf = new Array(cap)
    this.mask = cap - 1
  }
  push(x: T): void {
    if (this.len === this.buf.length) this.grow()
    this.buf[(this.head + this.len) & this.mask] = x
    this.len++
  }
  shift(): T {
    const x = this.buf[this.head] as T
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.len--
    return x
  }
  /** index (offset from head) of the first element satisfying f, or -1 */
  find(f: (x: T) => boolean): number {
    for (let i = 0; i < this.len; i++) if (f(this.buf[(this.head + i) & this.mask] as T)) return i
    return -1
  }
  removeAt(i: number): T {
    if (i === 0) return this.shift()
    const m = this.mask
    const x = this.buf[(this.head + i) & m] as T
    for (let j = i; j < this.len - 1; j++) this.buf[(this.head + j) & m] = this.buf[(this.head + j + 1) & m]
    this.buf[(this.head + this.len - 1) & m] = undefined
    this.len--
    return x
  }
  private grow(): void {
    const old = this.buf,
      cap = old.length,
      nb = new Array<T | undefined>(cap * 2)
    for (let i = 0; i < this.len; i++) nb[i] = old[(this.head + i) & (cap - 1)]
    this.buf = nb
    this.head = 0
    this.mask = cap * 2 - 1
  }
}

export type Cont = (msg: any) => void
export type Match = (msg: any) => boolean

export class Proc {
  mb: Ring<unknown> | null = null // allocated on first message
  k: Cont | null = null // waiting receive continuation
  match: Match | null = null // selective receive predicate
  start: ((self: Proc) => void) | null // body, until the process first runs
  after = -1 // receive timeout in ms, -1 = none
  timer: ReturnType<typeof setTimeout> | null = null
  onTimeout: (() => void) | null = null
  timedOut = false
  queued = false
  alive = true
  watchers: Proc[] | null = null
  constructor(body: (self: Proc) => void) {
    this.start = body
  }
}

export class Down {
  constructor(readonly pid: Proc) {}
}

const SLICE = 20_000 // process steps per event-loop turn
const BUDGET = 200 // messages one process may handle per step (like reductions)

const runq = new Ring<Proc>(1024)
let current: Proc | null = null
let draining = false
let scheduled = false

const kick = (): void => {
  if (!draining && !scheduled) {
    scheduled = true
    setImmediate(drain)
  }
}

const wake = (p: Proc): void => {
  p.queued = true
  runq.push(p)
  kick()
}

function drain(): void {
  scheduled = false
  draining = true
  let steps = 0
  while (runq.len > 0) {
    const p = runq.shift()
    p.queued = false
    step(p)
    if (++steps >= SLICE && runq.len > 0) {
      draining = false
      kick()
      return
    }
  }
  draining = false
}

function step(p: Proc): void {
  if (!p.alive) return
  current = p
  const body = p.start
  if (body !== null) {
    p.start = null
    body(p)
    if (p.k === null) return exit(p)
  }
  for (let budget = BUDGET; p.k !== null; budget--) {
    if (budget === 0) {
      // out of budget with a continuation set: go to the back of the run queue
      wake(p)
      break
    }
    const k: Cont = p.k
    if (p.timedOut) {
      const t = p.onTimeout!
      p.timedOut = false
      p.onTimeout = null
      p.after = -1
      p.k = null
      p.match = null
      t()
    } else {
      const mb = p.mb
      let i = -1
      if (mb !== null && mb.len > 0) i = p.match === null ? 0 : mb.find(p.match)
      if (i < 0) {
        // nothing (matching) yet: stay blocked; arm the receive timeout if any
        if (p.after >= 0 && p.timer === null) armTimer(p)
        break
      }
      const msg = mb!.removeAt(i)
      p.k = null
      p.match = null
      if (p.after >= 0) {
        if (p.timer !== null) clearTimeout(p.timer)
        p.timer = null
        p.after = -1
        p.onTimeout = null
      }
      k(msg)
    }
    if (p.k === null) return exit(p)
  }
  current = null
}

function exit(p: Proc): void {
  current = null
  p.alive = false
  p.mb = null
  const ws = p.watchers
  if (ws !== null) {
    p.watchers = null
    const d = new Down(p)
    for (let i = 0; i < ws.length; i++) send(ws[i], d)
  }
}

/** Start a process; `body` runs on a later scheduler step, never inside the caller. */
export function spawn(body: (self: Proc) => void): Proc {
  const p = new Proc(body)
  wake(p)
  return p
}

/** Asynchronous send; messages to dead processes are dropped. */
export function send(to: Proc, msg: unknown): void {
  if (!to.alive) return
  let mb = to.mb
  if (mb === null) mb = to.mb = new Ring(4)
  mb.push(msg)
  if (to.k !== null && !to.queued && to !== current && (to.match === null || to.match(msg))) wake(to)
}

/**
 * Wait for the next (matching) message and continue with k(msg). Must be the
 * last thing a process step does. With `after` ms, onTimeout runs instead if no
 * matching message arrives in time.
 */
export function receive(self: Proc, k: Cont, match: Match | null = null, after?: number, onTimeout?: () => void): void {
  self.k = k
  self.match = match
  if (after !== undefined) {
    self.after = after
    self.onTimeout = onTimeout!
  }
  if (self === current) return // the running step loop looks at the mailbox itself
  const mb = self.mb
  if (mb !== null && mb.len > 0 && (match === null || mb.find(match) >= 0)) {
    if (!self.queued) wake(self)
  } else if (self.after >= 0) {
    armTimer(self)
  }
}

function armTimer(self: Proc): void {
  self.timer = setTimeout(() => {
    self.timer = null
    if (self.k !== null && self.onTimeout !== null) {
      self.timedOut = true
      if (!self.queued) wake(self)
    }
  }, self.after)
}

/** watcher gets a Down message when target exits (at once if it is already dead). */
export function monitor(target: Proc, watcher: Proc): void {
  if (!target.alive) return send(watcher, new Down(target))
  ;(target.watchers ??= []).push(watcher)
}
