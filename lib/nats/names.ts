/**
 * The table under cluster-wide names: a NATS key-value bucket (JetStream)
 * whose keys are names and whose values are their owners (a pid on the
 * wire). A name is taken with `create` (compare-and-set on "no such key"),
 * so of two nodes racing for it exactly one wins; an owner is removed with
 * a delete on the revision it was read at, so a survivor cleaning up a lost
 * node never removes a name taken again since. Every node watches the bucket
 * into a local map, which `whereis` reads without a round trip.
 *
 * Internal to `Global`: it speaks wire pids, `Global` speaks pids.
 */
import type { NatsConnection } from '@nats-io/transport-node'
import { Kvm, type KV } from '@nats-io/kv'
import type { WirePid } from '../Transport.js'

/** A name's owner and the bucket revision it was written at. */
export interface Entry {
  readonly owner: WirePid
  readonly revision: number
}

/** The bucket as a table of names. */
export interface NameTable {
  /** The owner of `name` in the local copy, if any. */
  readonly whereis: (name: string) => Entry | undefined
  /** Every name in the local copy. */
  readonly entries: () => ReadonlyMap<string, Entry>
  /** Takes `name` for `owner`: `true` if it was free, `false` if someone holds it. Rejects when cut off. */
  readonly claim: (name: string, owner: WirePid) => Promise<boolean>
  /** Frees `name` if `entry` is still its current entry (a compare-and-set delete). */
  readonly release: (name: string, entry: Entry) => Promise<boolean>
  /** Called after each change of the local copy (a name taken, a name freed). */
  readonly subscribe: (listener: (name: string, entry: Entry | undefined) => void) => () => void
  readonly close: () => Promise<void>
}

/** Why a name could not be taken or freed: this node is cut off from NATS, or the server said no. */
export class GlobalError extends Error {
  override readonly name = 'GlobalError'
}

/**
 * A name as a KV key: keys allow `[-/_=.a-zA-Z0-9]`, and `.` splits tokens,
 * so anything else (and `=`, `.`) is escaped as `=XX` per UTF-8 byte.
 */
export const keyOf = (name: string): string =>
  'n.' +
  name.replace(/[^A-Za-z0-9_-]/g, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => '=' + b.toString(16).toUpperCase().padStart(2, '0')).join('')
  )

/** The name of a KV key made by `keyOf`. */
export const nameOf = (key: string): string => {
  const body = key.startsWith('n.') ? key.slice(2) : key
  const bytes: Array<number> = []
  let out = ''
  const flush = (): void => {
    if (bytes.length > 0) out += new TextDecoder().decode(new Uint8Array(bytes.splice(0)))
  }
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '=') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      flush()
      out += body[i]
    }
  }
  flush()
  return out
}

const isWirePid = (u: unknown): u is WirePid =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as WirePid).node === 'string' &&
  Number.isSafeInteger((u as WirePid).creation) &&
  Number.isSafeInteger((u as WirePid).id)

const ownerOf = (value: Uint8Array): WirePid | undefined => {
  try {
    const u: unknown = JSON.parse(new TextDecoder().decode(value))
    return isWirePid(u) ? { node: u.node, creation: u.creation, id: u.id } : undefined
  } catch {
    return undefined
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Opens (or creates) the bucket and starts the watch; resolves once the local copy holds the bucket as it was. */
export const openNameTable = async (
  nc: NatsConnection,
  bucket: string,
  connected: () => boolean
): Promise<NameTable> => {
  let kv: KV
  try {
    kv = await new Kvm(nc).create(bucket, { history: 1 })
  } catch (error) {
    throw new GlobalError(
      `Global: cannot open the key-value bucket ${bucket} (the server needs JetStream: nats-server -js): ${message(error)}`
    )
  }
  const table = new Map<string, Entry>()
  const listeners = new Set<(name: string, entry: Entry | undefined) => void>()
  /** The highest revision seen per key, deletes included, so an older read never overwrites a newer one. */
  const seen = new Map<string, number>()
  const apply = (key: string, revision: number, entry: Entry | undefined): void => {
    if ((seen.get(key) ?? 0) >= revision) return
    seen.set(key, revision)
    const name = nameOf(key)
    const before = table.get(name)
    if (entry === undefined) table.delete(name)
    else table.set(name, entry)
    if (before?.revision !== entry?.revision)
      listeners.forEach((l) => {
        try {
          l(name, entry)
        } catch {
          // a listener that throws does not stop the others
        }
      })
  }
  const fromKv = (e: { key: string; revision: number; operation: string; value: Uint8Array }): void => {
    const owner = e.operation === 'PUT' ? ownerOf(e.value) : undefined
    apply(e.key, e.revision, owner === undefined ? undefined : { owner, revision: e.revision })
  }
  const watch = await kv.watch({ key: 'n.>' })
  void (async () => {
    for await (const e of watch) fromKv(e)
  })().catch(() => undefined)
  // the bucket as it is now, merged with the watch by revision
  const keys = await kv.keys('n.>')
  for await (const key of keys) {
    const e = await kv.get(key)
    if (e !== null) fromKv(e)
  }

  const cutOff = (what: string): GlobalError =>
    new GlobalError(`Global: cannot ${what}: this node is cut off from NATS, so the cluster cannot agree on it`)

  return {
    whereis: (name) => table.get(name),
    entries: () => table,
    claim: async (name, owner) => {
      if (!connected()) throw cutOff(`register ${JSON.stringify(name)}`)
      const key = keyOf(name)
      try {
        const revision = await kv.create(key, JSON.stringify(owner))
        apply(key, revision, { owner, revision })
        return true
      } catch (error) {
        if (!connected()) throw cutOff(`register ${JSON.stringify(name)}`)
        const current = await kv.get(key).catch(() => null)
        if (current !== null && current.operation === 'PUT') {
          fromKv(current)
          return false
        }
        throw new GlobalError(`Global: cannot register ${JSON.stringify(name)}: ${message(error)}`)
      }
    },
    release: async (name, entry) => {
      if (!connected()) throw cutOff(`unregister ${JSON.stringify(name)}`)
      const key = keyOf(name)
      try {
        await kv.delete(key, { previousSeq: entry.revision })
        // the delete's own revision is not returned; the watch brings it, and the table forgets the name now
        seen.set(key, Math.max(seen.get(key) ?? 0, entry.revision))
        if (table.get(name)?.revision === entry.revision) {
          table.delete(name)
          listeners.forEach((l) => l(name, undefined))
        }
        return true
      } catch {
        return false
      }
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: async () => {
      watch.stop()
      listeners.clear()
    }
  }
}
