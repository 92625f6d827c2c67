/**
 * `emptied` (`lib/internal/emptied.ts`): how the node layer and the port and
 * NATS transports empty the tables they fill per drain, by replacing them,
 * since `clear()` on a table that reached the old generation drags every
 * later table, and what it held, into the old generation too.
 */
import { describe, expect, it } from 'vitest'
import { emptied } from '../../lib/internal/emptied.js'

describe('emptied', () => {
  it('keeps an empty table', () => {
    const m = new Map<string, number>()
    const s = new Set<number>()
    expect(emptied(m)).toBe(m)
    expect(emptied(s)).toBe(s)
  })

  it('replaces a table that holds something by a new empty one of its kind, leaving the old one as it was', () => {
    const m = new Map([['a', 1]])
    const s = new Set([1, 2])
    const m2 = emptied(m)
    const s2 = emptied(s)
    expect(m2).not.toBe(m)
    expect(m2).toBeInstanceOf(Map)
    expect(m2.size).toBe(0)
    expect(s2).not.toBe(s)
    expect(s2).toBeInstanceOf(Set)
    expect(s2.size).toBe(0)
    // the old tables are not cleared (a caller iterating one, as the NATS flush does, is not cut short)
    expect([...m]).toEqual([['a', 1]])
    expect([...s]).toEqual([1, 2])
  })
})
