/**
 * Batches of envelopes as one flat array, the way the port and NATS
 * transports put them on the wire: the batch's length, then each envelope,
 * a `send` as `0, node, creation, id, message` and any other as `1, envelope`.
 * A `send` is nearly all of the traffic; flat, it costs a structured clone two
 * objects fewer, and JSON its five key names.
 *
 * @internal
 */
import type { Envelope, Wire } from '../../Transport.js'

/** Appends `batch` to `out`. @internal */
export const packEnvelopes = (out: Array<unknown>, batch: ReadonlyArray<Envelope>): void => {
  out.push(batch.length)
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]!
    if (e._tag === 'send') out.push(0, e.to.node, e.to.creation, e.to.id, e.message)
    else out.push(1, e)
  }
}

/** Reads a flat array from `at` on; throws a `TypeError` naming the item where it is not what was written. @internal */
export class Reader {
  constructor(
    private readonly m: ReadonlyArray<unknown>,
    public at: number,
    private readonly what: string
  ) {}

  get done(): boolean {
    return this.at >= this.m.length
  }

  private bad(): never {
    throw new TypeError(`${this.what}: malformed message at item ${this.at - 1}`)
  }

  item(): unknown {
    return this.m[this.at++]
  }

  str(): string {
    const v = this.m[this.at++]
    return typeof v === 'string' ? v : this.bad()
  }

  int(): number {
    const v = this.m[this.at++]
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.bad()
  }

  /** A batch written by `packEnvelopes`. */
  envelopes(): Array<Envelope> {
    const n = this.int()
    if (n < 0) this.bad()
    const out: Array<Envelope> = new Array<Envelope>(n)
    for (let k = 0; k < n; k++) {
      const kind = this.m[this.at++]
      if (kind === 0) {
        const node = this.str()
        const creation = this.int()
        const id = this.int()
        out[k] = { _tag: 'send', to: { node, creation, id }, message: this.m[this.at++] as Wire }
      } else if (kind === 1) {
        const e = this.m[this.at++]
        if (typeof e !== 'object' || e === null || typeof (e as { _tag?: unknown })._tag !== 'string') this.bad()
        out[k] = e as Envelope
      } else this.bad()
    }
    return out
  }
}
