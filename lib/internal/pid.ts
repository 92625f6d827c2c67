/**
 * Runtime representations of pids and refs.
 *
 * @internal
 */

const inspect = Symbol.for('nodejs.util.inspect.custom')

/** @internal */
export class PidImpl {
  /** The live process behind this pid; cleared when it exits. @internal */
  _fiber: unknown
  /** How it ended, once it has (kept with the pid, so `why` can follow a chain). @internal */
  _exit: { readonly reason: unknown; readonly cause: unknown } | undefined = undefined
  constructor(
    readonly id: number,
    fiber: unknown
  ) {
    this._fiber = fiber
  }
  toString(): string {
    return `#PID<0.${this.id}.0>`
  }
  toJSON(): string {
    return this.toString()
  }
  [inspect](): string {
    return this.toString()
  }
}

/** @internal */
export class RefImpl {
  /** Numbered per runtime, so a deterministic run prints the same refs every time. */
  constructor(readonly id: number) {}
  toString(): string {
    return `#Reference<0.${this.id}>`
  }
  toJSON(): string {
    return this.toString()
  }
  [inspect](): string {
    return this.toString()
  }
}

/**
 * A pid of another node: its node's name and incarnation (`creation`) and
 * its number there. Made only by the node layer, interned per node, so the
 * same remote process is always the same object (pids compare by identity).
 * Local pids stay plain `PidImpl`s: the local hot path never sees this class.
 *
 * @internal
 */
export class RemotePid extends PidImpl {
  constructor(
    id: number,
    readonly node: string,
    readonly creation: number
  ) {
    super(id, undefined)
  }
  override toString(): string {
    return `#PID<${this.node}.${this.id}.${this.creation}>`
  }
}

/** A ref made on another node (a monitor ref it sent, a spawn request's ref): interned like `RemotePid`. @internal */
export class RemoteRef extends RefImpl {
  constructor(
    id: number,
    readonly node: string,
    readonly creation: number
  ) {
    super(id)
  }
  override toString(): string {
    return `#Reference<${this.node}.${this.id}.${this.creation}>`
  }
}
