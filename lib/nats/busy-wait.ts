/**
 * Busy waiting before sleeping, as BEAM's schedulers do (`+sbwt`): after
 * network traffic, the event loop is kept turning for a while instead of
 * going to sleep. (Worker threads poll their ports instead,
 * `internal/node/poller.ts`; a socket cannot be read from JavaScript but by
 * the event loop.)
 *
 * Each turn is one `setImmediate`: the loop polls for I/O without blocking,
 * runs what came in (a socket's data, timers, other immediates) and comes back
 * here. So nothing waits behind the spin; it only costs the CPU of an idle
 * loop turning, for at most `micros` microseconds after the last `poke`.
 *
 * Why it pays, measured rather than derived: on a 2-core virtual machine, two
 * nodes over a `nats-server` on loopback took 300 us per sequential round
 * trip, and 240 us with 50 us of busy waiting after each write, though the
 * answer comes long after the spin has ended. A node that sleeps the moment
 * it has written leaves its CPU idle, and the next wake-ups of the chain (the
 * server's, then its own) cost more on an idle virtual CPU
 * (`bench/README.md`, "NATS").
 *
 * A turn that comes later than `PREEMPTED_MS` after the one before, with no
 * traffic in between, means the thread was off the CPU (more runnable
 * threads than cores: spinning takes a core from one of them, perhaps the
 * server's): the spin ends, and the next pokes start none, 1, 2, 4 ... up to
 * 256 of them while spins keep being cut short (the worker threads' poller's
 * `BackOff`). A spin that runs to its end brings it back to 1.
 *
 * Internal to the NATS transport (Node: `setImmediate`).
 */
import { BackOff, PREEMPTED_MS } from '../internal/node/poller.js'

/** What the spin runs on (the host's, or a test's). */
export interface SpinHost {
  /** Milliseconds, monotonic. */
  readonly now: () => number
  /** Calls `f` once, on a later turn of the event loop (that polls I/O first). */
  readonly next: (f: () => void) => void
}

/** A busy wait: `poke` after traffic, `stop` when the connection closes. */
export interface BusyWait {
  /** Keeps the loop turning for the next `micros` microseconds (from now). */
  readonly poke: () => void
  /**
   * `poke` once the microtasks queued now have run: after a `publish`, whose
   * client writes the socket on a microtask, so that the time counts from the
   * write. Counted from the `publish` call instead, the spin lost most of its
   * gain (280 us per round trip against 240).
   */
  readonly pokeAfterWrite: () => void
  /** Ends the spin now; later pokes are ignored. */
  readonly stop: () => void
  /** Whether the loop is being kept turning now. */
  readonly spinning: () => boolean
}

const resolved = Promise.resolve()

const nodeHost = (): SpinHost => ({
  now: () => performance.now(),
  next: (f) => void setImmediate(f)
})

/** A busy wait of `micros` microseconds after each poke; `0` never spins. */
export const busyWait = (micros: number, host: SpinHost = nodeHost()): BusyWait => {
  const ms = micros / 1000
  let deadline = 0
  let spinning = false
  let stopped = micros <= 0
  let pokeQueued = false
  /** When the last turn ran. */
  let last = 0
  /** Traffic since the last turn: a late turn is this node's own work, not preemption. */
  let busy = false
  const backOff = new BackOff()

  const turn = (): void => {
    const now = host.now()
    if (stopped) {
      spinning = false
    } else if (now - last > PREEMPTED_MS && !busy) {
      spinning = false
      backOff.wasted()
    } else if (now < deadline) {
      last = now
      busy = false
      host.next(turn)
    } else {
      spinning = false
      backOff.paid()
    }
  }

  const poke = (): void => {
    pokeQueued = false
    if (stopped || (!spinning && backOff.skip())) return
    deadline = host.now() + ms
    // the work that poked delays the next turn: not preemption (so a new spin's first turn is never late)
    busy = true
    if (!spinning) {
      spinning = true
      host.next(turn)
    }
  }

  return {
    poke,
    pokeAfterWrite: () => {
      if (stopped || pokeQueued) return
      pokeQueued = true
      void resolved.then(poke)
    },
    stop: () => {
      stopped = true
    },
    spinning: () => spinning
  }
}
