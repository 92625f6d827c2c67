/**
 * A table that hands out one object per key for as long as anyone holds it:
 * the node layer's pids and refs come back from the wire as the same objects
 * (pids compare by identity), and the table forgets an object once it is
 * garbage.
 *
 * @internal
 */

/** @internal */
export class Interner<T extends object> {
  private readonly table = new Map<string | number, WeakRef<T>>()
  private readonly registry = new FinalizationRegistry<string | number>((key) => {
    const r = this.table.get(key)
    if (r !== undefined && r.deref() === undefined) this.table.delete(key)
  })

  /** The object kept for `key`, if any. */
  find(key: string | number): T | undefined {
    return this.table.get(key)?.deref()
  }

  /** The object kept for `key`, or a new one from `make` (then kept). */
  get(key: string | number, make: () => T): T {
    const v = this.table.get(key)?.deref()
    if (v !== undefined) return v
    const made = make()
    this.keep(key, made)
    return made
  }

  /** Keeps `value` for `key` (if nothing live is kept for it yet). */
  keep(key: string | number, value: T): void {
    const r = this.table.get(key)
    if (r !== undefined && r.deref() !== undefined) return
    this.table.set(key, new WeakRef(value))
    this.registry.register(value, key)
  }
}
