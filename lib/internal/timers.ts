/**
 * The host clock's timers, kept in one list per duration with one host timer
 * per list (the way Node keeps its own): a receive `after` of 5000 ms, set
 * and cleared on every `GenServer.call`, is an append and an unlink here.
 *
 * Node's own lists are made when a duration's first timer is set and dropped
 * when its last one is cleared, so a timer set and cleared alone (a call's)
 * makes and drops a list each time (about 420 ns against 150 ns when another
 * timer of that duration keeps the list). These lists stay until their host
 * timer fires with nothing due; what keeps the process alive is that host
 * timer, referenced (Node's `ref`) only while the list holds a timer.
 *
 * @internal
 */

/** The host timer of a list (Node's `Timeout`; a number in browsers). */
type Handle = ReturnType<typeof setTimeout> & { readonly ref?: () => unknown; readonly unref?: () => unknown }

/** One timer: in its list until it fires or is cleared. @internal */
export class Timer {
  prev: Timer | undefined = undefined
  next: Timer | undefined = undefined
  /** In its list (not yet fired, not cleared). */
  pending = true
  constructor(
    readonly list: TimerList,
    /** When it is due, on `performance.now()`'s reading. */
    readonly due: number,
    readonly callback: () => void
  ) {}
}

/** The timers of one duration, oldest (soonest due) first. */
class TimerList {
  private head: Timer | undefined = undefined
  private tail: Timer | undefined = undefined
  /** The host timer: left armed when the list empties, unreferenced. */
  private handle: Handle | undefined = undefined

  constructor(private readonly ms: number) {}

  add(callback: () => void): Timer {
    const now = performance.now()
    const t = new Timer(this, now + this.ms, callback)
    const wasEmpty = this.head === undefined
    if (this.tail === undefined) this.head = t
    else {
      this.tail.next = t
      t.prev = this.tail
    }
    this.tail = t
    // the host timer fires no later than this one is due (it may fire earlier: the list re-arms then)
    if (this.handle === undefined) this.arm(this.ms)
    else if (wasEmpty) this.handle.ref?.()
    return t
  }

  remove(t: Timer): void {
    if (!t.pending) return
    t.pending = false
    const { prev, next } = t
    if (prev === undefined) this.head = next
    else prev.next = next
    if (next === undefined) this.tail = prev
    else next.prev = prev
    t.prev = t.next = undefined
    // nothing left to wait for: the process may exit; the host timer stays armed, for the next one
    if (this.head === undefined) this.handle?.unref?.()
  }

  private arm(ms: number): void {
    this.handle = setTimeout(this.fire, ms) as Handle
  }

  /**
   * The host timer fired: the timers due run, oldest first, after it is
   * armed again for the next one. A list left empty is dropped (a duration
   * no longer used keeps nothing).
   */
  private readonly fire = (): void => {
    this.handle = undefined
    const now = performance.now()
    const due: Array<Timer> = []
    while (this.head !== undefined && this.head.due <= now) {
      const t = this.head
      this.remove(t)
      due.push(t)
    }
    if (this.head !== undefined) this.arm(Math.max(1, Math.ceil(this.head.due - now)))
    else if (lists.get(this.ms) === this) lists.delete(this.ms)
    // as when each had a host timer of its own: one that throws does not keep the others from running
    let threw = false
    let error: unknown
    for (const t of due) {
      try {
        t.callback()
      } catch (e) {
        if (!threw) error = e
        threw = true
      }
    }
    if (threw) throw error
  }
}

/** The lists, by duration in whole ms. */
const lists = new Map<number, TimerList>()

/** A timer calling `callback` once, `ms` (whole, >= 0) from now or a little later. @internal */
export const setTimer = (ms: number, callback: () => void): Timer => {
  let list = lists.get(ms)
  if (list === undefined) lists.set(ms, (list = new TimerList(ms)))
  return list.add(callback)
}

/** Cancels `t` if it has not fired (clearing one twice, or after it fired, does nothing). @internal */
export const clearTimer = (t: Timer): void => t.list.remove(t)
