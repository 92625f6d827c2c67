/**
 * A process's links, monitors, reply aliases and `sendAfter` timers: kept by
 * the kernel (their only writer), made on first use.
 *
 * @internal
 */
import { RefImpl, type PidImpl } from './pid.js'

/**
 * A ref in one of a process's lists (the monitors it holds, its active
 * aliases): the list runs through the refs themselves, newest first, so
 * adding and removing one touches no table.
 *
 * @internal
 */
export class ListedRef<T extends ListedRef<T>> extends RefImpl {
  prev: T | undefined = undefined
  next: T | undefined = undefined
}

/** `r` put at the head of the list that starts at `head`: the new head. */
const pushed = <T extends ListedRef<T>>(head: T | undefined, r: T): T => {
  r.next = head
  if (head !== undefined) head.prev = r
  return r
}

/** `r` taken out of the list that starts at `head`: the list's head after. */
const without = <T extends ListedRef<T>>(head: T | undefined, r: T): T | undefined => {
  const { prev, next } = r
  if (prev !== undefined) prev.next = next
  if (next !== undefined) next.prev = prev
  r.prev = r.next = undefined
  return prev === undefined ? next : head
}

/**
 * A monitor between two processes of one runtime. Its ref is the monitor
 * itself: one object, held by both ends' tables, knowing both ends while it
 * lasts (the kernel lets go of them when it ends, so a ref kept by a user
 * keeps no process alive).
 *
 * @internal
 */
export class Monitor<F> extends ListedRef<Monitor<F>> {
  constructor(
    id: number,
    /** Who monitors (gets the DOWN). */
    public watcher: F | undefined,
    /** The process monitored. */
    public target: F | undefined,
    /** What the watcher monitored: the pid, or the name it gave. */
    readonly what: PidImpl | string
  ) {
    super(id)
  }
}

/**
 * A reply alias (`Process.alias`): the ref knows the process it stands for
 * while it is active, so sending to it and deactivating it touch no table.
 * The owner's active aliases are a list through the aliases themselves
 * (`Relations.aliases`), so its exit deactivates them all and a ref kept
 * by a user keeps no process alive.
 *
 * @internal
 */
export class AliasRef<F> extends ListedRef<AliasRef<F>> {
  constructor(
    id: number,
    /** The process a message sent to it goes to; `undefined` once inactive. */
    public owner: F | undefined,
    /** It deactivates itself when a message goes through it. */
    readonly oneShot: boolean
  ) {
    super(id)
  }
}

/** Per-process link and monitor tables: the object and each table are made on first use. @internal */
export class Relations<F> {
  /** Linked processes (a set: links are idempotent). */
  links: Set<F> | undefined = undefined
  /**
   * Monitors this process holds, newest first: a list through the monitors
   * themselves (a parent monitoring 100,000 children hashes into no table).
   */
  held: Monitor<F> | undefined = undefined
  /**
   * Monitors on this process but the oldest while it is the only one, which
   * the process keeps itself (`Fiber.watchedBy`): a process watched once
   * (`spawnMonitor`, a call) makes no `Relations` for it.
   */
  watchers: Set<Monitor<F>> | undefined = undefined
  /** Active reply aliases of this process, newest first: a list through the aliases themselves. */
  aliases: AliasRef<F> | undefined = undefined
  /** `sendAfter` timers aimed at this process, cancelled when it exits (as Erlang's); made on first use. */
  timers: Set<object> | undefined = undefined

  /** `m` is held by this process (it is the watcher). */
  hold(m: Monitor<F>): void {
    this.held = pushed(this.held, m)
  }

  /** `m`, held by this process, is gone. */
  release(m: Monitor<F>): void {
    if (m.prev === undefined && this.held !== m) return // not held here (already released)
    this.held = without(this.held, m)
  }

  /** `a` is an active alias of this process. */
  addAlias(a: AliasRef<F>): void {
    this.aliases = pushed(this.aliases, a)
  }

  /** `a`, an active alias of this process, is inactive now. */
  dropAlias(a: AliasRef<F>): void {
    this.aliases = without(this.aliases, a)
    a.owner = undefined
  }

  /** The monitors this process holds, oldest first (a copy). */
  heldMonitors(): Array<Monitor<F>> {
    const out: Array<Monitor<F>> = []
    for (let m = this.held; m !== undefined; m = m.next) out.push(m)
    return out.reverse()
  }
}
