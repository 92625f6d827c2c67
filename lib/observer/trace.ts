/**
 * A runtime's trace as a self-describing JSON file the trace viewer reads:
 * one flat record per event, every value already rendered as bounded text,
 * and a reply sent through an alias drawn to the process that took it.
 *
 * @internal
 */
import { Exit } from '../index.js'
import type { Runtime } from '../index.js'
import type { TraceFile, TraceRecord } from './types.js'
import { show } from './show.js'

type Event = Runtime.Event

/** How far ahead a send through an alias looks for the receive that took it. */
const LOOKAHEAD = 2000

const dest = (d: unknown): string => (typeof d === 'string' ? JSON.stringify(d) : String(d))

/** Encodes `events` (the last `max` of them). @internal */
export const encodeTrace = (
  events: ReadonlyArray<Event>,
  meta: Omit<TraceFile, 'format' | 'version' | 'events' | 'dropped'> = {},
  max = 20_000
): TraceFile => {
  const start = Math.max(0, events.length - max)
  const out: Array<TraceRecord> = []
  for (let i = start; i < events.length; i++) out.push(record(events, i))
  return {
    format: 'fp-ts-actors/trace',
    version: 1,
    ...meta,
    ...(start > 0 ? { dropped: start } : {}),
    events: out
  }
}

const record = (events: ReadonlyArray<Event>, i: number): TraceRecord => {
  const e = events[i] as Event
  switch (e._tag) {
    case 'Spawn':
      return e.parent === undefined
        ? { tag: e._tag, pid: String(e.pid), text: 'spawned' }
        : { tag: e._tag, pid: String(e.pid), from: String(e.parent), to: String(e.pid), text: `spawned by ${e.parent}` }
    case 'Exit': {
      const normal = e.reason._tag === 'Normal'
      const text = `exit ${Exit.format(e.reason)}${e.cause._tag === 'Returned' ? '' : ` (${Exit.formatCause(e.cause)})`}`
      return normal ? { tag: e._tag, pid: String(e.pid), text } : { tag: e._tag, pid: String(e.pid), text, bad: true }
    }
    case 'Link':
    case 'Unlink':
      return {
        tag: e._tag,
        pid: String(e.from),
        from: String(e.from),
        to: String(e.to),
        text: e._tag === 'Link' ? 'link' : 'unlink'
      }
    case 'Monitor':
      return {
        tag: e._tag,
        pid: String(e.watcher),
        from: String(e.watcher),
        to: dest(e.target),
        text: `monitor ${dest(e.target)}`
      }
    case 'Down':
      return { tag: e._tag, pid: String(e.watcher), text: `DOWN ${Exit.format(e.reason)}` }
    case 'Send': {
      const to = typeof e.to === 'object' && e.to !== null && !isPid(e.to) ? takerOf(events, i) : undefined
      const r = { tag: e._tag, to: to ?? dest(e.to), text: show(e.message, 500) }
      return e.from === undefined ? r : { ...r, pid: String(e.from), from: String(e.from) }
    }
    case 'Receive':
      return { tag: e._tag, pid: String(e.pid), text: show(e.message, 500) }
    case 'DeadLetter': {
      const l = e.letter
      const report = l.report === undefined ? '' : `: ${l.report.join('; ')}`
      return {
        tag: e._tag,
        to: dest(l.to),
        text: `dead letter (${l.reason}) to ${dest(l.to)}: ${show(l.message, 500)}${report}`,
        bad: true
      }
    }
    case 'Error':
      return {
        tag: e._tag,
        pid: String(e.pid),
        text: `${e.where} failed: ${show(e.error instanceof Error ? e.error.message : e.error, 500)}`,
        bad: true
      }
  }
}

const isPid = (u: object): boolean => String(u).startsWith('#PID<')

/** The process that received the message sent at `i` (a send through a reply alias names no pid). */
const takerOf = (events: ReadonlyArray<Event>, i: number): string | undefined => {
  const m = (events[i] as Extract<Event, { _tag: 'Send' }>).message
  const end = Math.min(events.length, i + LOOKAHEAD)
  for (let j = i + 1; j < end; j++) {
    const e = events[j] as Event
    if (e._tag === 'Receive' && e.message === m) return String(e.pid)
  }
  return undefined
}

/**
 * JSON for a `<script type="application/json">` element: no `<` can close
 * the element early, whatever the messages contain.
 *
 * @internal
 */
export const scriptJson = (u: unknown): string =>
  JSON.stringify(u)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
