/**
 * The KV table under `Global` on a real nats-server: compare-and-set claims
 * (one winner of a race), the watched local copy, compare-and-set release,
 * and a clear error when cut off.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { afterEach, expect, it } from 'vitest'
import { GlobalError, keyOf, nameOf, openNameTable, type NameTable } from '../../lib/nats/names.js'
import { describeNats, freshPrefix, natsUrl, sleep } from './support.js'

const open: Array<NatsConnection> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)))
})

const table = async (bucket: string, connected: () => boolean = () => true): Promise<NameTable> => {
  const nc = await connect({ servers: natsUrl })
  open.push(nc)
  return openNameTable(nc, bucket, connected)
}

const pid = (node: string, id: number) => ({ node, creation: 1, id })

describeNats('the KV name table (needs nats-server)', () => {
  it('names of any text round-trip through KV keys', () => {
    for (const name of ['db', 'a.b', 'x y', 'ü=%*>', '']) expect(nameOf(keyOf(name))).toBe(name)
    expect(keyOf('a.b')).toMatch(/^[-/_=.a-zA-Z0-9]+$/)
  })

  it('two tables racing for 20 names: each name has exactly one owner, and both copies agree', async () => {
    const bucket = freshPrefix()
    const [a, b] = await Promise.all([table(bucket), table(bucket)])
    const names = Array.from({ length: 20 }, (_, i) => `name-${i}`)
    const results = await Promise.all(
      names.flatMap((n) => [
        a.claim(n, pid('a', 1)).then((ok) => ['a', ok] as const),
        b.claim(n, pid('b', 1)).then((ok) => ['b', ok] as const)
      ])
    )
    for (let i = 0; i < names.length; i++) {
      const [ra, rb] = [results[2 * i]!, results[2 * i + 1]!]
      expect([ra[1], rb[1]].filter(Boolean)).toHaveLength(1)
    }
    await sleep(100)
    for (const n of names) expect(a.whereis(n)?.owner).toEqual(b.whereis(n)?.owner)
  })

  it('a new table sees the names already there; release is a compare-and-set', async () => {
    const bucket = freshPrefix()
    const a = await table(bucket)
    expect(await a.claim('db', pid('a', 1))).toBe(true)
    const entry = a.whereis('db')!
    const b = await table(bucket)
    expect(b.whereis('db')).toEqual(entry)
    expect(await b.release('db', entry)).toBe(true)
    expect(await a.claim('db', pid('a', 2))).toBe(true) // free again
    expect(await b.release('db', entry)).toBe(false) // the old entry is gone: the new owner stays
    await sleep(100)
    expect(b.whereis('db')?.owner).toEqual(pid('a', 2))
  })

  it('a node cut off from NATS cannot register: a clear error', async () => {
    const t = await table(freshPrefix(), () => false)
    await expect(t.claim('db', pid('a', 1))).rejects.toThrow(GlobalError)
    await expect(t.claim('db', pid('a', 1))).rejects.toThrow(/cut off from NATS/)
  })
})
