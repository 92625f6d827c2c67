/**
 * Process identities and unique references.
 *
 * ```ts
 * interface Pid<M> // a process that accepts messages of type M (phantom)
 * interface Ref    // a unique reference (makeRef, monitor refs)
 * ```
 *
 * Pids and refs are opaque objects compared by identity. They travel inside
 * messages: the `pid` and `ref` io-ts codecs recognise them, so a request can
 * carry the pid to reply to.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Pid } from 'fp-ts-actors'
 * const Get = t.type({ _tag: t.literal('Get'), replyTo: Pid.pid })
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import type { Type } from 'io-ts'
import type { Eq as Eq_ } from 'fp-ts/lib/Eq.js'
import { PidImpl, RefImpl } from './internal/pid.js'
import { safeString } from './internal/show.js'

declare const PidTypeId: unique symbol
declare const RefTypeId: unique symbol

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A process identity; `M` is the message type it accepts (phantom).
 *
 * @category model
 * @since 0.1.0
 */
export interface Pid<out M = unknown> {
  readonly [PidTypeId]: { readonly _M: () => M }
}

/**
 * A unique reference (`Process.makeRef`, monitor refs).
 *
 * @category model
 * @since 0.1.0
 */
export interface Ref {
  readonly [RefTypeId]: 'Ref'
}

/**
 * A name kept by a name service: the shape `Via.Via` names have, as far as
 * sending needs it (`whereis` resolves the key to a pid).
 *
 * @category model
 * @since 0.2.0
 */
export interface ViaName {
  readonly via: { whereis(key: never): Pid<unknown> | undefined }
  readonly key: unknown
}

/**
 * A name registered on a node (Erlang's `{name, node}`): `send` and
 * `monitor` reach whatever process has that name there.
 *
 * @category model
 * @since 0.3.0
 */
export interface NodeName {
  readonly name: string
  readonly node: string
}

/**
 * Where a message can be sent: a pid, a registered name, a reply alias
 * (a `Ref` made by `Process.alias`), a `{ via, key }` name (see `Via`), or a
 * `{ name, node }` name on a node (see `Node`).
 *
 * @category model
 * @since 0.1.0
 */
export type Dest<M = unknown> = Pid<M> | string | Ref | ViaName | NodeName

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/**
 * io-ts codec for pids, so messages can carry them.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Pid } from 'fp-ts-actors'
 * const Ping = t.type({ _tag: t.literal('Ping'), from: Pid.pid })
 *
 * @category codecs
 * @since 0.1.0
 */
export const pid: Type<Pid<unknown>, Pid<unknown>, unknown> = new t.Type<Pid<unknown>, Pid<unknown>, unknown>(
  'Pid',
  (u): u is Pid<unknown> => u instanceof PidImpl,
  (u, c) => (u instanceof PidImpl ? t.success(u as never) : t.failure(u, c)),
  t.identity
)

/**
 * io-ts codec for refs.
 *
 * @example
 * import * as t from 'io-ts'
 * import { Pid } from 'fp-ts-actors'
 * const Reply = t.type({ ref: Pid.ref, value: t.number })
 *
 * @category codecs
 * @since 0.1.0
 */
export const ref: Type<Ref, Ref, unknown> = new t.Type<Ref, Ref, unknown>(
  'Ref',
  (u): u is Ref => u instanceof RefImpl,
  (u, c) => (u instanceof RefImpl ? t.success(u as never) : t.failure(u, c)),
  t.identity
)

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Pids are equal when they name the same process.
 *
 * @example
 * import { Pid } from 'fp-ts-actors'
 * declare const a: Pid.Pid
 * Pid.Eq.equals(a, a) // true
 *
 * @category instances
 * @since 0.1.0
 */
export const Eq: Eq_<Pid<unknown>> = { equals: (x, y) => x === y }

/**
 * Refs are equal when they are the same reference.
 *
 * @example
 * import { Pid } from 'fp-ts-actors'
 * declare const r: Pid.Ref
 * Pid.RefEq.equals(r, r) // true
 *
 * @category instances
 * @since 0.1.0
 */
export const RefEq: Eq_<Ref> = { equals: (x, y) => x === y }

/**
 * A readable form: `#PID<0.12.0>` (Elixir's inspect form).
 *
 * @example
 * import { Pid } from 'fp-ts-actors'
 * declare const p: Pid.Pid
 * Pid.show(p) // '#PID<0.12.0>'
 *
 * @category instances
 * @since 0.1.0
 */
export const show = (p: Pid<unknown> | Ref): string => safeString(p)

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

/**
 * A pid an interpreter made, as programs see it: `Pid<M>` is a typed view of a `PidImpl`.
 *
 * @internal
 */
export const toPid = <M = unknown>(p: PidImpl): Pid<M> => p as unknown as Pid<M>

/**
 * The interpreter's pid behind a `Pid`.
 *
 * @internal
 */
export const fromPid = (p: Pid<unknown>): PidImpl => p as unknown as PidImpl

/**
 * A ref an interpreter made, as programs see it.
 *
 * @internal
 */
export const toRef = (r: RefImpl): Ref => r as unknown as Ref

/**
 * The interpreter's ref behind a `Ref`.
 *
 * @internal
 */
export const fromRef = (r: Ref): RefImpl => r as unknown as RefImpl
