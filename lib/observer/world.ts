/**
 * What the observer knows about one runtime: the process table read on
 * demand (through `internal/introspect`), plus what only events tell —
 * who spawned whom and when, the last messages each process took, slices
 * run, recent exits and dead letters. Everything it keeps is bounded.
 *
 * One `World` per runtime, shared by every server on it and made only while
 * one is attached: until then the runtime has no subscriber and no hook.
 *
 * @internal
 */
import type { Subscription } from 'rxjs'
import { Exit, Pid, Rx } from '../index.js'
import type { Runtime } from '../index.js'
import type { Fiber } from '../internal/fiber.js'
import {
  fiberOf,
  linkedTo,
  linksOf,
  monitorsOf,
  peekMailbox,
  statusOf,
  waitingFor,
  watchersOf,
  type Status
} from '../internal/introspect.js'
import type { Kernel } from '../internal/kernel.js'
import type { PidImpl } from '../internal/pid.js'
import { show } from './show.js'

type Event = Runtime.Event

/** One row of the process tree, as the page gets it. @internal */
export interface Row {
  readonly id: number
  readonly pid: string
  readonly name?: string
  /** The process that spawned it (or, for one alive before the observer, its oldest older link). */
  readonly parent?: number
  readonly status: Status
  readonly mbox: number
  /** Slices run: each is up to the runtime's `budget` steps. */
  readonly slices: number
  /** Spawn time on the runtime's clock (ms); absent when it was spawned before the observer. */
  readonly spawned?: number
  readonly links: ReadonlyArray<number>
  readonly trap: boolean
}

/** What changed since the last tick. @internal */
export interface Delta {
  readonly now: number
  readonly up: ReadonlyArray<Row>
  readonly rm: ReadonlyArray<number>
  readonly exits: ReadonlyArray<ExitRow>
  readonly dead: ReadonlyArray<DeadRow>
  /** Exits and dead letters left out because too many came in one tick. */
  readonly skipped: number
}

/** @internal */
export interface ExitRow {
  readonly at: number
  readonly id: number
  readonly pid: string
  readonly name?: string
  readonly reason: string
  readonly normal: boolean
  readonly why: string
}

/** @internal */
export interface DeadRow {
  readonly at: number
  readonly to: string
  readonly reason: string
  readonly message: string
  readonly report?: ReadonlyArray<string>
}

/** A process's detail view. @internal */
export interface Detail {
  readonly row: Row
  readonly links: ReadonlyArray<string>
  readonly monitors: ReadonlyArray<string>
  readonly monitoredBy: ReadonlyArray<string>
  readonly waitingFor?: string
  /** The first waiting messages. */
  readonly queue: ReadonlyArray<string>
  /** The last messages it took, newest last. */
  readonly received: ReadonlyArray<string>
  readonly exit?: { readonly reason: string; readonly cause: string; readonly why: string }
}

/** Limits; each keeps memory bounded whatever happens in the runtime. @internal */
export interface Limits {
  /** Messages remembered per process. */
  readonly lastMessages: number
  /** How long an exited process stays in the tree (ms of runtime clock). */
  readonly keepExited: number
  /** Exited processes remembered for their detail view. */
  readonly maxExited: number
  /** Exits and dead letters sent to the page per tick. */
  readonly perTick: number
  /** Events kept for the live trace viewer. */
  readonly traceEvents: number
}

const DEFAULTS: Limits = { lastMessages: 8, keepExited: 3000, maxExited: 1000, perTick: 200, traceEvents: 5000 }

interface Meta {
  readonly pid: PidImpl
  /** The process while it lives (its name is read from it at exit). */
  fiber: Fiber | undefined
  readonly parent: number | undefined
  readonly spawned: number | undefined
  name: string | undefined
  /** What the observer calls a process it started itself (no registered name). */
  tag?: string
  slices: number
  /** Ring of the last messages taken. */
  readonly last: Array<unknown>
  lastNext: number
  exitedAt: number | undefined
}

/** A bounded ring of values. @internal */
export class Ring<A> {
  private readonly items: Array<A> = []
  private next = 0
  total = 0
  constructor(readonly size: number) {}
  push(a: A): void {
    this.total++
    if (this.items.length < this.size) this.items.push(a)
    else {
      this.items[this.next] = a
      this.next = (this.next + 1) % this.size
    }
  }
  toArray(): Array<A> {
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)]
  }
}

const worlds = new WeakMap<Kernel, World>()

/** The world of `kernel`, attached on first use; `release` detaches it when its last user leaves. @internal */
export const acquire = (rt: Runtime.Runtime, kernel: Kernel, limits: Partial<Limits> = {}): World => {
  let w = worlds.get(kernel)
  if (w === undefined) {
    w = new World(rt, kernel, { ...DEFAULTS, ...limits })
    worlds.set(kernel, w)
  }
  w.users++
  return w
}

/** @internal */
export const release = (w: World): void => {
  if (--w.users > 0) return
  w.detach()
  worlds.delete(w.kernel)
}

/** @internal */
export class World {
  users = 0
  private readonly live = new Map<number, Meta>()
  private readonly exited = new Map<number, Meta>()
  private readonly sent = new Map<number, Row>()
  private pendingExits: Array<{ at: number; pid: PidImpl; name: string | undefined }> = []
  private pendingDead: Array<{ at: number; letter: Runtime.DeadLetter }> = []
  private skipped = 0
  readonly trace: Ring<Event>
  private readonly sub: Subscription
  private readonly prevOnSlice: Kernel['onSlice']

  constructor(
    readonly rt: Runtime.Runtime,
    readonly kernel: Kernel,
    readonly limits: Limits
  ) {
    this.trace = new Ring(limits.traceEvents)
    this.sub = kernel.events.subscribe((e) => {
      // an observer's bug must never reach the process that caused the event
      try {
        this.on(e)
      } catch {
        // dropped: the page shows less, the runtime goes on
      }
    })
    this.prevOnSlice = kernel.onSlice
    const prev = this.prevOnSlice
    kernel.onSlice =
      prev === undefined
        ? (f) => this.slice(f)
        : (f) => {
            prev(f)
            this.slice(f)
          }
  }

  private slice(f: Fiber): void {
    const id = f.pid.id
    const m = this.live.get(id) ?? this.exited.get(id) ?? (f.pid._fiber === f ? this.metaOf(f) : undefined)
    if (m !== undefined) m.slices++
  }

  detach(): void {
    this.sub.unsubscribe()
    this.kernel.onSlice = this.prevOnSlice
    this.live.clear()
    this.exited.clear()
    this.sent.clear()
  }

  get now(): number {
    return this.kernel.clock.now()
  }

  private on(e: Event): void {
    this.trace.push(e)
    switch (e._tag) {
      case 'Spawn': {
        const pid = Pid.fromPid(e.pid)
        this.live.set(pid.id, {
          pid,
          fiber: pid._fiber as Fiber | undefined,
          parent: e.parent === undefined ? undefined : Pid.fromPid(e.parent).id,
          spawned: this.now,
          name: undefined,
          slices: 0,
          last: [],
          lastNext: 0,
          exitedAt: undefined
        })
        return
      }
      case 'Receive': {
        const m = this.live.get(Pid.fromPid(e.pid).id)
        if (m === undefined) return
        if (m.last.length < this.limits.lastMessages) m.last.push(e.message)
        else {
          m.last[m.lastNext] = e.message
          m.lastNext = (m.lastNext + 1) % this.limits.lastMessages
        }
        return
      }
      case 'Exit': {
        const pid = Pid.fromPid(e.pid)
        const m = this.live.get(pid.id)
        if (m !== undefined) {
          if (m.fiber !== undefined) m.name = m.fiber.name
          m.fiber = undefined
          this.live.delete(pid.id)
          m.exitedAt = this.now
          this.exited.set(pid.id, m)
          if (this.exited.size > this.limits.maxExited) {
            const oldest = this.exited.keys().next()
            if (oldest.done !== true) this.exited.delete(oldest.value)
          }
        }
        if (this.pendingExits.length < this.limits.perTick) this.pendingExits.push({ at: this.now, pid, name: m?.name })
        else this.skipped++
        return
      }
      case 'DeadLetter':
        if (this.pendingDead.length < this.limits.perTick) this.pendingDead.push({ at: this.now, letter: e.letter })
        else this.skipped++
        return
      default:
        return
    }
  }

  /** The record of a live process, made on first sight for one spawned before the observer. */
  private metaOf(f: Fiber): Meta {
    let m = this.live.get(f.pid.id)
    if (m === undefined) {
      // spawned before the observer: its parent is unknown; a supervisor links its children, so take the oldest older link
      let parent: number | undefined
      for (const l of linksOf(f))
        if (l.pid.id < f.pid.id && (parent === undefined || l.pid.id < parent)) parent = l.pid.id
      m = {
        pid: f.pid,
        fiber: f,
        parent,
        spawned: undefined,
        name: f.name,
        slices: 0,
        last: [],
        lastNext: 0,
        exitedAt: undefined
      }
      this.live.set(f.pid.id, m)
    }
    return m
  }

  private rowOf(f: Fiber): Row {
    const m = this.metaOf(f)
    m.name = f.name
    return this.row(
      m,
      statusOf(f),
      f.mailboxSize,
      linksOf(f).map((l) => l.pid.id),
      f.trapExit
    )
  }

  private row(m: Meta, status: Status, mbox: number, links: ReadonlyArray<number>, trap: boolean): Row {
    return {
      id: m.pid.id,
      pid: String(m.pid),
      ...(m.name === undefined ? (m.tag === undefined ? {} : { name: m.tag }) : { name: m.name }),
      ...(m.parent === undefined ? {} : { parent: m.parent }),
      status,
      mbox,
      slices: m.slices,
      ...(m.spawned === undefined ? {} : { spawned: m.spawned }),
      links,
      trap
    }
  }

  /** The last exits and dead letters sent, for a page that opens now. */
  readonly recentExits = new Ring<ExitRow>(100)
  readonly recentDead = new Ring<DeadRow>(100)

  /** The rows as last sent (the tree a new page starts from; the next deltas apply to it). */
  rows(): ReadonlyArray<Row> {
    return [...this.sent.values()]
  }

  /** What changed since the last tick; the rows sent are remembered to diff against. */
  tick(): Delta {
    const up: Array<Row> = []
    const rm: Array<number> = []
    const seen = new Set<number>()
    for (const f of this.kernel.liveFibers()) {
      const m = this.metaOf(f)
      m.name = f.name
      const id = f.pid.id
      seen.add(id)
      const prev = this.sent.get(id)
      const status = statusOf(f)
      const mbox = f.mailboxSize
      if (
        prev !== undefined &&
        prev.status === status &&
        prev.mbox === mbox &&
        prev.slices === m.slices &&
        prev.name === (m.name ?? m.tag) &&
        prev.trap === f.trapExit &&
        sameLinks(prev.links, linkedTo(f))
      )
        continue
      const r = this.row(
        m,
        status,
        mbox,
        linksOf(f).map((l) => l.pid.id),
        f.trapExit
      )
      this.sent.set(id, r)
      up.push(r)
    }
    const now = this.now
    for (const m of this.exited.values()) {
      if (m.exitedAt === undefined || now - m.exitedAt > this.limits.keepExited) continue
      const id = m.pid.id
      seen.add(id)
      const prev = this.sent.get(id)
      if (prev !== undefined && prev.status === 'exited') continue
      const r = this.row(m, 'exited', 0, [], prev?.trap ?? false)
      this.sent.set(id, r)
      up.push(r)
    }
    for (const id of this.sent.keys())
      if (!seen.has(id)) {
        this.sent.delete(id)
        rm.push(id)
      }
    const exits = this.pendingExits.map(({ at, pid, name }) => this.exitRow(at, pid, name))
    const dead = this.pendingDead.map(({ at, letter }) => deadRow(at, letter))
    const skipped = this.skipped
    for (const e of exits) this.recentExits.push(e)
    for (const d of dead) this.recentDead.push(d)
    this.pendingExits = []
    this.pendingDead = []
    this.skipped = 0
    return { now, up, rm, exits, dead, skipped }
  }

  private exitRow(at: number, pid: PidImpl, name: string | undefined): ExitRow {
    const done = pid._exit as { reason: Exit.Reason; cause: Exit.Cause } | undefined
    const reason = done === undefined ? '?' : Exit.format(done.reason)
    return {
      at,
      id: pid.id,
      pid: String(pid),
      ...(name === undefined ? {} : { name }),
      reason,
      normal: done?.reason._tag === 'Normal',
      why: this.why(pid)
    }
  }

  private why(pid: PidImpl): string {
    let text = ''
    const names = (p: Pid.Pid<unknown>): string | undefined => {
      const id = Pid.fromPid(p).id
      const m = this.live.get(id) ?? this.exited.get(id)
      const n = m?.name ?? m?.tag
      return n === undefined ? undefined : `${String(p)} (${n})`
    }
    Rx.why(this.rt, Pid.toPid(pid))
      .subscribe({ next: (chain) => (text = Rx.formatWhy(chain, { name: names })), error: () => {} })
      .unsubscribe()
    return text
  }

  /** A process's detail, live or recently exited; `undefined` when it is not known. */
  detail(id: number): Detail | undefined {
    const f = fiberOf(this.kernel, id)
    if (f !== undefined) {
      const m = this.metaOf(f)
      const w = waitingFor(f)
      return {
        row: this.rowOf(f),
        links: linksOf(f).map(label),
        monitors: monitorsOf(f).map((t) => (typeof t === 'string' ? JSON.stringify(t) : this.label(t))),
        monitoredBy: watchersOf(f).map((p) => this.label(p)),
        ...(w === undefined ? {} : { waitingFor: w }),
        queue: peekMailbox(f, 10).map((x) => show(x, 500)),
        received: lastOf(m).map((x) => show(x, 500))
      }
    }
    const m = this.exited.get(id)
    if (m === undefined) return undefined
    const done = m.pid._exit as { reason: Exit.Reason; cause: Exit.Cause } | undefined
    return {
      row: this.row(m, 'exited', 0, [], false),
      links: [],
      monitors: [],
      monitoredBy: [],
      queue: [],
      received: lastOf(m).map((x) => show(x, 500)),
      ...(done === undefined
        ? {}
        : {
            exit: { reason: Exit.format(done.reason), cause: Exit.formatCause(done.cause), why: this.why(m.pid) }
          })
    }
  }

  private label(p: PidImpl): string {
    const m = this.live.get(p.id) ?? this.exited.get(p.id)
    const n = m?.name ?? m?.tag
    return n === undefined ? String(p) : `${String(p)} (${n})`
  }

  /** Names a process the observer started (shown where its registered name would be). */
  tag(pid: PidImpl, tag: string): void {
    const m = this.live.get(pid.id) ?? this.exited.get(pid.id)
    if (m !== undefined) m.tag = tag
  }

  /** The live process with pid number `id`. */
  pidOf(id: number): PidImpl | undefined {
    return fiberOf(this.kernel, id)?.pid
  }
}

const label = (f: Fiber): string => (f.name === undefined ? String(f.pid) : `${String(f.pid)} (${f.name})`)

const lastOf = (m: Meta): Array<unknown> => [...m.last.slice(m.lastNext), ...m.last.slice(0, m.lastNext)]

const deadRow = (at: number, l: Runtime.DeadLetter): DeadRow => ({
  at,
  to: typeof l.to === 'string' ? JSON.stringify(l.to) : String(l.to),
  reason: l.reason,
  message: show(l.message, 500),
  ...(l.report === undefined ? {} : { report: l.report.slice(0, 20).map((s) => s.slice(0, 500)) })
})

const sameLinks = (sent: ReadonlyArray<number>, now: ReadonlySet<Fiber>): boolean => {
  if (now.size !== sent.length) return false
  let i = 0
  for (const l of now) if (l.pid.id !== sent[i++]) return false
  return true
}
