/**
 * Any value as short text, safely: cycles, getters that throw, bigints,
 * functions, symbols and huge values all give a bounded string. The page
 * shows the result as text (never as HTML).
 *
 * @internal
 */

/** Longest text `show` returns. */
export const MAX_TEXT = 2000

const MAX_DEPTH = 6
const MAX_ITEMS = 50

/** `u` as bounded text, close to how Elixir's `inspect` would print it. @internal */
export const show = (u: unknown, max = MAX_TEXT): string => {
  const out: Array<string> = []
  let length = 0
  const seen = new Set<object>()
  const put = (s: string): boolean => {
    out.push(s)
    length += s.length
    return length < max
  }
  const go = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        return put(JSON.stringify(v.length > max ? v.slice(0, max) : v))
      case 'number':
      case 'boolean':
        return put(String(v))
      case 'bigint':
        return put(`${v}n`)
      case 'undefined':
        return put('undefined')
      case 'symbol':
        return put(v.toString())
      case 'function':
        return put(`[Function ${v.name || 'anonymous'}]`)
    }
    if (v === null) return put('null')
    const o = v as object
    if (seen.has(o)) return put('[Circular]')
    if (depth > MAX_DEPTH) return put('[…]')
    try {
      // pids, refs and anything else with its own text form
      const own = (o as { toJSON?: unknown }).toJSON
      if (typeof own === 'function' && !(o instanceof Date)) {
        const j: unknown = own.call(o)
        if (typeof j === 'string') return put(j)
      }
      if (o instanceof Error) return put(`%${o.name}{message: ${JSON.stringify(o.message)}}`)
      if (o instanceof Date) return put(Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString())
      seen.add(o)
      try {
        if (Array.isArray(o) || o instanceof Set) {
          const items = Array.isArray(o) ? (o as ReadonlyArray<unknown>) : [...(o as Set<unknown>)]
          if (!put(o instanceof Set ? 'Set[' : '[')) return false
          for (let i = 0; i < items.length; i++) {
            if (i >= MAX_ITEMS) return put(`, …${items.length - i} more]`)
            if (i > 0 && !put(', ')) return false
            if (!go(items[i], depth + 1)) return false
          }
          return put(']')
        }
        const entries: Array<readonly [unknown, unknown]> =
          o instanceof Map ? [...(o as Map<unknown, unknown>)] : Object.keys(o).map((k) => [k, prop(o, k)] as const)
        if (!put(o instanceof Map ? 'Map{' : '{')) return false
        for (let i = 0; i < entries.length; i++) {
          if (i >= MAX_ITEMS) return put(`, …${entries.length - i} more}`)
          const [k, val] = entries[i] as readonly [unknown, unknown]
          if (i > 0 && !put(', ')) return false
          if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) {
            if (!put(`${k}: `)) return false
          } else if (!go(k, depth + 1) || !put(': ')) return false
          if (!go(val, depth + 1)) return false
        }
        return put('}')
      } finally {
        seen.delete(o)
      }
    } catch (e) {
      return put(`[unprintable: ${e instanceof Error ? e.message : 'error'}]`)
    }
  }
  go(u, 0)
  const s = out.join('')
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

const prop = (o: object, k: string): unknown => {
  try {
    return (o as Record<string, unknown>)[k]
  } catch (e) {
    return `[getter threw: ${e instanceof Error ? e.message : 'error'}]`
  }
}
