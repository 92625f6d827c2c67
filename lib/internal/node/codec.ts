/**
 * Values to and from the wire: messages, exit reasons and spawn arguments
 * become JSON-safe `Wire` trees, with pids, refs and the values JSON cannot
 * hold tagged, and come back as equal values (pids and refs as the same
 * objects, through the node's tables).
 *
 * A tagged value is an object with a `$` key:
 *
 * - `{ $: 'pid', n, c, i }` / `{ $: 'ref', n, c, i }`: a pid / ref (node, creation, number);
 * - `{ $: 'u' }`: `undefined`; `{ $: 'num', v }`: `NaN`, `Infinity`, `-Infinity`, `-0`;
 * - `{ $: 'err', name, message }`: an `Error` (revived as an `Error`);
 * - `{ $: 'obj', v }`: a user object that has a `$` key of its own (escaped);
 * - `{ $: 'opaque', v }`: in an exit reason only, a value that cannot cross
 *   (a function, a class instance...), replaced by its description.
 *
 * A message that cannot cross (a function, a symbol, a bigint, a cycle, a
 * class instance other than `Error`, a pid of another runtime) throws an
 * `EncodeError` naming the path, before anything is sent.
 *
 * @internal
 */
import type { Wire, WirePid, WireRef } from '../../Transport.js'
import { PidImpl, RefImpl } from '../pid.js'
import { safeString } from '../show.js'

/** How the node layer names its pids and refs on the wire, and revives them. @internal */
export interface Identities {
  readonly pidOut: (p: PidImpl) => WirePid
  readonly refOut: (r: RefImpl) => WireRef
  readonly pidIn: (w: WirePid) => PidImpl
  readonly refIn: (w: WireRef) => RefImpl
}

/** A value that cannot cross between nodes; `path` says where it is (`message.items[2].f`). @internal */
export class EncodeError extends Error {
  constructor(
    readonly path: string,
    readonly what: string
  ) {
    super(
      `cannot send ${what} at ${path} to another node: only data crosses (null, booleans, numbers, strings, arrays, plain objects, Errors, pids and refs)`
    )
    this.name = 'EncodeError'
  }
}

const describe = (u: unknown): string => {
  if (typeof u === 'function') return `a function (${u.name || 'anonymous'})`
  if (typeof u === 'symbol') return `a symbol (${String(u)})`
  if (typeof u === 'bigint') return `a bigint (${String(u)}n)`
  const ctor = (Object.getPrototypeOf(u) as { constructor?: { name?: string } } | null)?.constructor?.name
  return `an instance of ${ctor ?? 'a class'}`
}

const key = (path: string, k: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`

/**
 * `value` as a `Wire` tree. Strict (a message, spawn arguments): what cannot
 * cross throws an `EncodeError`. Lenient (an exit reason: a process that
 * dies cannot be refused): it crosses as `{ $: 'opaque' }` with its description.
 *
 * @internal
 */
export const encode = (value: unknown, ids: Identities, root: string, lenient = false): Wire => {
  // the objects from the root down to the current one, and the keys taken: the path is spelled out only on an error
  const path: Array<object> = []
  const keys: Array<string | number> = []
  const at = (): string => keys.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : key(p, k)), root)
  const go = (u: unknown): Wire => {
    switch (typeof u) {
      case 'string':
      case 'boolean':
        return u
      case 'number':
        if (Number.isFinite(u) && !Object.is(u, -0)) return u
        return { $: 'num', v: Object.is(u, -0) ? '-0' : String(u) }
      case 'undefined':
        return { $: 'u' }
      case 'object': {
        if (u === null) return null
        if (u instanceof PidImpl) {
          const w = ids.pidOut(u)
          return { $: 'pid', n: w.node, c: w.creation, i: w.id }
        }
        if (u instanceof RefImpl) {
          const w = ids.refOut(u)
          return { $: 'ref', n: w.node, c: w.creation, i: w.id }
        }
        if (path.includes(u)) {
          if (lenient) return { $: 'opaque', v: '[cycle]' }
          throw new EncodeError(at(), 'a cycle (a value that contains itself)')
        }
        if (Array.isArray(u)) {
          path.push(u)
          const out: Array<Wire> = new Array<Wire>(u.length)
          for (let i = 0; i < u.length; i++) {
            keys.push(i)
            out[i] = go(u[i])
            keys.pop()
          }
          path.pop()
          return out
        }
        if (u instanceof Error) return { $: 'err', name: u.name, message: u.message }
        const proto = Object.getPrototypeOf(u) as unknown
        if (proto !== Object.prototype && proto !== null) {
          if (lenient) return { $: 'opaque', v: safeString(u) }
          throw new EncodeError(at(), describe(u))
        }
        if (Object.getOwnPropertySymbols(u).length > 0) {
          if (lenient) return { $: 'opaque', v: '[object with symbol keys]' }
          throw new EncodeError(at(), 'an object with symbol keys')
        }
        path.push(u)
        const out: Record<string, Wire> = {}
        let escaped = false
        for (const k in u) {
          if (!Object.prototype.hasOwnProperty.call(u, k)) continue
          if (k === '$') escaped = true
          keys.push(k)
          out[k] = go((u as Record<string, unknown>)[k])
          keys.pop()
        }
        path.pop()
        return escaped ? { $: 'obj', v: out } : out
      }
      default:
        if (lenient) return { $: 'opaque', v: safeString(u) }
        throw new EncodeError(at(), describe(u))
    }
  }
  return go(value)
}

const num = (v: Wire | undefined): number => (v === '-0' ? -0 : Number(v))

/** Throws a `TypeError` for a tree that `encode` could not have made (a broken peer). */
const bad = (what: string): never => {
  throw new TypeError(`node wire: malformed ${what}`)
}

/**
 * The value a `Wire` tree stands for: pids and refs through `ids` (so equal
 * pids are the same object), everything else rebuilt.
 *
 * @internal
 */
export const decode = (wire: Wire, ids: Identities): unknown => {
  const go = (w: Wire): unknown => {
    if (typeof w !== 'object' || w === null) return w
    if (Array.isArray(w)) return (w as ReadonlyArray<Wire>).map(go)
    const o = w as { readonly [key: string]: Wire }
    const tag = o['$']
    if (tag === undefined) {
      const out: Record<string, unknown> = {}
      for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = go(o[k] as Wire)
      return out
    }
    switch (tag) {
      case 'pid':
      case 'ref': {
        const n = o['n']
        const c = o['c']
        const i = o['i']
        if (typeof n !== 'string' || typeof c !== 'number' || typeof i !== 'number') return bad(tag)
        const id = { node: n, creation: c, id: i }
        return tag === 'pid' ? ids.pidIn(id) : ids.refIn(id)
      }
      case 'u':
        return undefined
      case 'num':
        return num(o['v'])
      case 'err': {
        const e = new Error(String(o['message']))
        e.name = String(o['name'])
        return e
      }
      case 'obj': {
        const v = o['v']
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('escaped object')
        const out: Record<string, unknown> = {}
        for (const k of Object.keys(v)) out[k] = go((v as { readonly [key: string]: Wire })[k] as Wire)
        return out
      }
      case 'opaque':
        return String(o['v'])
      default:
        return bad(`tag ${JSON.stringify(tag)}`)
    }
  }
  return go(wire)
}
