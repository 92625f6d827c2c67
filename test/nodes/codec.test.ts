/**
 * The wire codec alone (`lib/internal/node/codec.ts`): what crosses comes
 * back equal, what cannot cross is refused with the path to it however deep
 * it lies, and an exit reason that cannot cross is described, never thrown
 * on (even when `String` cannot convert it).
 */
import { describe, expect, it } from 'vitest'
import { decode, encode, EncodeError, type Identities } from '../../lib/internal/node/codec.js'

const ids: Identities = {
  pidOut: () => ({ node: 'a', creation: 1, id: 1 }),
  refOut: () => ({ node: 'a', creation: 1, id: 1 }),
  pidIn: () => {
    throw new Error('no pids here')
  },
  refIn: () => {
    throw new Error('no refs here')
  }
}

/** `{ a: { a: ... leaf } }`, `depth` levels down. */
const nested = (depth: number, leaf: unknown): unknown => {
  let v = leaf
  for (let i = 0; i < depth; i++) v = { a: v }
  return v
}

const refusal = (value: unknown): string => {
  try {
    encode(value, ids, 'message')
  } catch (e) {
    if (e instanceof EncodeError) return e.message
    throw e
  }
  return 'encoded'
}

describe('the wire codec', () => {
  it('round-trips plain data, shallow and deep', () => {
    for (const v of [
      { $: 'pid', n: 'x', weird: [undefined, NaN, -0, Infinity] },
      [1, 'two', [true, null, { x: [] }]],
      nested(200, [1, { $: 2 }])
    ])
      expect(decode(encode(v, ids, 'message'), ids)).toEqual(v)
  })

  it('names the path of what cannot cross, however deep it lies', () => {
    expect(refusal(nested(3, () => 1))).toMatch(/a function \(anonymous\) at message\.a\.a\.a to/)
    expect(refusal(nested(100, [0, Symbol('s')]))).toMatch(
      new RegExp(`a symbol \\(Symbol\\(s\\)\\) at message${'\\.a'.repeat(100)}\\[1\\] to`)
    )
    const deep: Record<string, unknown> = {}
    const cycle = nested(80, deep)
    deep['back'] = cycle
    expect(refusal(cycle)).toMatch(new RegExp(`a cycle .* at message${'\\.a'.repeat(80)}\\.back to`))
  })

  it('refuses an object of a prototype that String cannot show; as an exit reason it crosses, described', () => {
    const odd = Object.create(Object.create(null) as object) as object
    expect(refusal({ odd })).toMatch(/an instance of a class at message\.odd to/)
    expect(encode({ odd }, ids, 'reason', true)).toEqual({
      odd: { $: 'opaque', v: '[an object whose toString throws]' }
    })
  })
})
