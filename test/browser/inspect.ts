/**
 * What a page prints with `console.log`, carried to Node and formatted there by
 * `util.format`, so a page's output can be compared with the README's (Node's) text.
 *
 * `encode` runs in the page (no Node API): it turns a value into plain JSON-able data,
 * keeping what `util.inspect` shows (class names, `Map`s, `Set`s, `undefined`, the
 * `nodejs.util.inspect.custom` form of pids and refs). `decode` rebuilds look-alikes in Node.
 */

/** A value as carried from the page. */
export type Encoded =
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly v: string }
  | { readonly t: 'boolean'; readonly v: boolean }
  | { readonly t: 'bigint'; readonly v: string }
  | { readonly t: 'undefined' }
  | { readonly t: 'null' }
  | { readonly t: 'symbol'; readonly v: string }
  | { readonly t: 'function'; readonly v: string }
  | { readonly t: 'custom'; readonly v: string }
  | { readonly t: 'error'; readonly name: string; readonly message: string }
  | { readonly t: 'array'; readonly v: ReadonlyArray<Encoded> }
  | { readonly t: 'map'; readonly v: ReadonlyArray<readonly [Encoded, Encoded]> }
  | { readonly t: 'set'; readonly v: ReadonlyArray<Encoded> }
  | {
      readonly t: 'object'
      readonly ctor: string | undefined
      readonly v: ReadonlyArray<readonly [string, Encoded]>
    }
  | { readonly t: 'circular' }

const custom = Symbol.for('nodejs.util.inspect.custom')

/** The page side: `value` as data. */
export const encode = (value: unknown, seen: ReadonlyArray<unknown> = []): Encoded => {
  switch (typeof value) {
    case 'string':
      return { t: 'string', v: value }
    case 'number':
      return { t: 'number', v: Object.is(value, -0) ? '-0' : String(value) }
    case 'boolean':
      return { t: 'boolean', v: value }
    case 'bigint':
      return { t: 'bigint', v: String(value) }
    case 'undefined':
      return { t: 'undefined' }
    case 'symbol':
      return { t: 'symbol', v: value.description ?? '' }
    case 'function':
      return { t: 'function', v: value.name }
  }
  if (value === null || typeof value !== 'object') return { t: 'null' }
  if (seen.includes(value)) return { t: 'circular' }
  const inner = [...seen, value]
  const show = (value as { [custom]?: unknown })[custom]
  if (typeof show === 'function') return { t: 'custom', v: String(show.call(value)) }
  if (value instanceof Error) return { t: 'error', name: value.name, message: value.message }
  if (Array.isArray(value)) return { t: 'array', v: value.map((x) => encode(x, inner)) }
  if (value instanceof Map) {
    return { t: 'map', v: [...value].map(([k, x]) => [encode(k, inner), encode(x, inner)] as const) }
  }
  if (value instanceof Set) return { t: 'set', v: [...value].map((x) => encode(x, inner)) }
  const proto: unknown = Object.getPrototypeOf(value)
  const ctor =
    proto === null
      ? undefined
      : proto === Object.prototype
        ? 'Object'
        : (proto as { constructor?: { name?: string } }).constructor?.name
  return {
    t: 'object',
    ctor,
    v: Object.keys(value).map((k) => [k, encode((value as Record<string, unknown>)[k], inner)] as const)
  }
}

/** The Node side: a value that `util.inspect` shows as Node would have shown the original. */
export const decode = (e: Encoded): unknown => {
  switch (e.t) {
    case 'string':
    case 'boolean':
      return e.v
    case 'number':
      return Number(e.v)
    case 'bigint':
      return BigInt(e.v)
    case 'undefined':
      return undefined
    case 'null':
      return null
    case 'symbol':
      return Symbol(e.v)
    case 'function':
      return { [e.v]: () => {} }[e.v]
    case 'custom':
      return { [custom]: () => e.v }
    case 'error': {
      const error = new Error(e.message)
      error.name = e.name
      error.stack = `${e.name}: ${e.message}`
      return error
    }
    case 'array':
      return e.v.map(decode)
    case 'map':
      return new Map(e.v.map(([k, x]) => [decode(k), decode(x)]))
    case 'set':
      return new Set(e.v.map(decode))
    case 'circular':
      return '[Circular]'
    case 'object': {
      const entries = e.v.map(([k, x]) => [k, decode(x)] as const)
      if (e.ctor === 'Object') return Object.fromEntries(entries)
      const Named = class {}
      if (e.ctor !== undefined) Object.defineProperty(Named, 'name', { value: e.ctor })
      const target: Record<string, unknown> = e.ctor === undefined ? Object.create(null) : new Named()
      for (const [k, x] of entries) target[k] = x
      return target
    }
  }
}
