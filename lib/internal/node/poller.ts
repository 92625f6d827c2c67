/**
 * Busy waiting: after a thread handled a message from one of its ports, it
 * polls its ports for the next one for a short while before it sleeps, as
 * the BEAM's schedulers do (`+sbwt`). A reply taken that way costs no
 * wake-up of the thread, which on two cores costs about what the work of a
 * round trip does on each side (a bare `MessageChannel` ping-pong between
 * two threads: about 19 us per round trip sleeping, about 3 us polling).
 * The price is CPU: a message that no other follows costs up to the wait.
 *
 * Only ports that can be polled take part (`PortLike.receiveNow`, Node's
 * `receiveMessageOnPort`); uses no Node API itself.
 *
 * @internal
 */
import { describe } from '../check.js'

/** How long, by default, a thread polls its ports after handling a message, in microseconds. @internal */
export const BUSY_WAIT_MICROS = 50

/** The most a run of busy waiting keeps the thread from its event loop (timers, I/O), in ms. */
const POLL_MS = 1

/** A pass over the ports that took nothing yet lasted this long (ms): the thread was preempted. @internal */
export const PREEMPTED_MS = 0.05

/** The most messages handled without waiting after wasted waits. */
const MAX_SKIP = 256

/**
 * The back-off of busy waiting, shared by this poller and the NATS
 * transport's busy wait: after a wait that was wasted, the next 1, 2, 4 ...
 * up to `MAX_SKIP` chances to wait are let go, doubling while waits keep
 * being wasted; a wait that pays brings it back to 1.
 *
 * @internal
 */
export class BackOff {
  /** Chances to wait still to let go. */
  private skipping = 0
  /** How many to let go after the next wasted wait. */
  private penalty = 1

  /** Whether to let this chance to wait go (it is counted). */
  skip(): boolean {
    if (this.skipping === 0) return false
    this.skipping--
    return true
  }

  /** A wait paid. */
  paid(): void {
    this.penalty = 1
  }

  /** A wait was wasted. */
  wasted(): void {
    this.skipping = this.penalty
    this.penalty = Math.min(this.penalty * 2, MAX_SKIP)
  }
}

/** `busyWaitMicros` as given to `what`, checked: a finite number >= 0 (`undefined`: the default). @internal */
export const busyWaitOf = (what: string, busyWaitMicros: unknown): number => {
  if (busyWaitMicros === undefined) return BUSY_WAIT_MICROS
  if (typeof busyWaitMicros !== 'number' || !(busyWaitMicros >= 0) || busyWaitMicros === Infinity) {
    throw new TypeError(
      `${what}: busyWaitMicros must be a finite number of microseconds >= 0, got ${describe(busyWaitMicros)}`
    )
  }
  return busyWaitMicros
}

/** A port as the poller sees it: take its next queued message, or `undefined`; hand one over. */
interface Polled {
  readonly receiveNow: () => { readonly message: unknown } | undefined
  readonly take: (message: unknown) => void
}

/** A port polled, until it is removed (`gone`, seen by a pass that started before). */
interface Member {
  readonly polled: Polled
  gone: boolean
}

/**
 * The ports of one thread polled together (a hub's adopted ports, a peer's
 * one): a reply that comes on another port than the message just handled
 * (a worker answering another through the hub) is taken too, and no port
 * waits behind another for more than one pass.
 */
export class Poller {
  /** Replaced, not changed, on `add` and removal: a pass iterates the array it started with. */
  private members: ReadonlyArray<Member> = []
  private polling = false
  private readonly waitMs: number
  /** Messages to handle without busy waiting, after waits were wasted. */
  private readonly backOff = new BackOff()

  constructor(
    busyWaitMicros: number,
    /** The clock, in ms (tests give one of their own). */
    private readonly now: () => number = () => performance.now()
  ) {
    this.waitMs = busyWaitMicros / 1000
  }

  /** Poll `member` with the others; returns how to stop. */
  add(polled: Polled): () => void {
    if (this.waitMs === 0) return () => undefined
    const member: Member = { polled, gone: false }
    this.members = [...this.members, member]
    return () => {
      member.gone = true
      this.members = this.members.filter((m) => m !== member)
    }
  }

  /**
   * A message was just handled: poll every member, round and round, until
   * none had anything for `waitMs` since the last one taken, or `POLL_MS` in
   * all. Re-entered (a message handled while polling): nothing.
   *
   * A wait is wasted when it took nothing, or when the thread was off the
   * CPU during it (a pass that took nothing lasted over `PREEMPTED_MS`: the
   * machine has more runnable threads than cores, and spinning takes a core
   * from one of them, perhaps the one that would answer). After a wasted
   * wait the next messages are handled without waiting, 1, 2, 4 ... up to
   * `MAX_SKIP` of them while waits keep being wasted; a wait that pays
   * brings it back to 1. So a loaded machine sees little spinning, and a
   * conversation that replies quickly sees it all the time.
   */
  run(): void {
    if (this.polling || this.members.length === 0) return
    if (this.backOff.skip()) return
    this.polling = true
    let paid = false
    try {
      const start = this.now()
      const end = start + POLL_MS
      let until = start + this.waitMs
      let last = start
      for (;;) {
        const members = this.members
        if (members.length === 0) return
        let took = false
        for (let i = 0; i < members.length; i++) {
          const m = members[i]!
          if (m.gone) continue // removed while this pass ran
          const next = m.polled.receiveNow()
          if (next === undefined) continue
          took = true
          m.polled.take(next.message)
        }
        const now = this.now()
        if (took) {
          paid = true
          until = now + this.waitMs
        } else if (now - last > PREEMPTED_MS) {
          paid = false
          return
        } else if (now > until) return
        if (now > end) return
        last = now
      }
    } finally {
      this.polling = false
      if (paid) this.backOff.paid()
      else this.backOff.wasted()
    }
  }
}
