/**
 * The port transport's wire: ops packed into one flat array come back equal,
 * a message that is not ours is ignored, and a malformed one of ours is an
 * error naming where it broke (never a half-applied batch).
 */
import { describe, expect, it } from 'vitest'
import { KEY, opsOf, pack, type Op } from '../../lib/internal/node/port.js'
import type { Envelope } from '../../lib/Transport.js'

const a = { name: 'a', creation: 1 }
const batch: Array<Envelope> = [
  {
    _tag: 'send',
    to: { node: 'b', creation: 2, id: 7 },
    message: { from: { $: 'pid', n: 'a', c: 1, i: 3 }, xs: [1, 'x'] }
  },
  { _tag: 'link', from: { node: 'a', creation: 1, id: 3 }, to: { node: 'b', creation: 2, id: 7 } },
  { _tag: 'send', to: { node: 'b', creation: 2, id: 8 }, message: null }
]

describe('port wire', () => {
  it('every op round-trips through one flat array', () => {
    const ops: Array<Op> = [
      ['h', a],
      ['u', { name: 'b', creation: 2 }],
      ['w'],
      ['t', 'b', batch],
      ['f', a, batch],
      ['t', 'c', []],
      ['d', 'c', 'exited'],
      ['x', 'no'],
      ['b', 'stopped'],
      ['s']
    ]
    const packed = pack(ops)
    expect(packed.every((item) => typeof item !== 'object' || item === null || !Array.isArray(item))).toBe(true)
    expect(opsOf(structuredClone(packed))).toEqual(ops)
  })

  it('a message that is not ours is ignored; a malformed one of ours is an error naming the item', () => {
    expect(opsOf({ hello: 1 })).toBeUndefined()
    expect(opsOf(['someone else', 'h'])).toBeUndefined()
    expect(() => opsOf([KEY, 'h', 'a'])).toThrow(/malformed message at item 3/)
    expect(() => opsOf([KEY, 't', 'b', 1, 9])).toThrow(/malformed message at item 4/)
    expect(() => opsOf([KEY, 'q'])).toThrow(/malformed message at item 1/)
  })
})
