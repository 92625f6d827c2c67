/**
 * GenServer: a process that holds a state and serves synchronous calls,
 * asynchronous casts and plain messages, written with the process primitives
 * only (spawn, send, receive, monitor, alias, trapExit).
 *
 * ```ts
 * interface Behaviour<Arg, S, Req, Rep, E> {
 *   init(arg): Effect<E, InitResult<S>>                             // ok(state) | stopWith(reason) | ignore
 *   handleCall?(request, from, state): Effect<E, CallResult<S, Rep>> // replyWith(r, s) | noReply(s)
 *                                                                    // | stopWith(reason, s, r?)
 *   handleCast?(request, state): Effect<E, NoReplyResult<S>>        // noReply(s) | stopWith(reason, s)
 *   handleInfo?(message, state): Effect<E, NoReplyResult<S>>        // any other message, EXITs and DOWNs included
 *   terminate?(reason, state): Effect<unknown, unknown>
 * }
 * ```
 *
 * `start`/`startLink` run `init` in the new process before they return, as
 * Elixir's do: they succeed with the pid, or fail with a `Start.StartError`
 * (`InitFailed`, `Ignore`, `AlreadyStarted` for a taken `name`).
 *
 * `call` sends the request with a one-shot reply alias (`Process.alias`) and
 * monitors the server while it waits: it fails with `Exit.Exiting` carrying
 * `CallExit{ reason, call: 'GenServer.call', args: [server, request, timeout] }`
 * when the server is not there (`noproc`), exits (its reason), does not answer
 * in time (`timeout`; the alias is deactivated, so a late reply is a dead
 * letter and never reaches the mailbox), or is the caller (`calling_self`).
 *
 * Exit signals follow Elixir: a server that traps exits and gets
 * `{ EXIT, parent, reason }` from its parent (the caller of `startLink`) runs
 * `terminate(reason)` and exits with `reason`; an `EXIT` from anyone else goes
 * to `handleInfo`. A server that does not trap exits is simply killed by a
 * signal and `terminate` does not run. A callback that fails or throws runs
 * `terminate` with that reason, then the server exits with it.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 *
 * const counter: GenServer.Behaviour<number, number, 'get', number> = {
 *   init: (n) => Effect.succeed(GenServer.ok(n)),
 *   handleCall: (_req, _from, n) => Effect.succeed(GenServer.replyWith(n, n)),
 *   handleCast: (_req, n) => Effect.succeed(GenServer.noReply(n + 1))
 * }
 * const program = Effect.gen(function* () {
 *   const pid = yield* GenServer.startLink(counter, 41)
 *   yield* GenServer.cast(pid, 'inc')
 *   return yield* GenServer.call<number>(pid, 'get') // 42
 * })
 *
 * @since 0.1.0
 */
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import type { Option } from 'fp-ts/lib/Option.js'
import * as Effect from './Effect.js'
import * as Exit from './Exit.js'
import type { NodeName, Pid, Ref } from './Pid.js'
import * as Process from './Process.js'
import * as Start from './Start.js'
import { describe, checkServer, checkMs, checkStartOptions } from './internal/check.js'
import { guard } from './internal/guard.js'
import { exitCall, sendQuietly } from './internal/otp.js'
import { isViaName, resolveVia } from './internal/via.js'
import type { Via } from './Via.js'
import * as Node from './Node.js'

declare const FromTypeId: unique symbol
declare const ProtocolTypeId: unique symbol
declare const ReplyTypeId: unique symbol

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A server: its pid, the name it is registered under, or a `{ via, key }` name.
 * A `{ name, node }` names a server registered on another node.
 * Calls through a `Server` are not checked against the server's protocol (the
 * reply type is given by the caller); through a typed `GenServer` handle they are.
 *
 * @category model
 * @since 0.1.0
 */
export type Server = Pid<unknown> | string | Via | NodeName

/**
 * The protocol of a server as its handle carries it (phantom: no such field
 * exists at run time).
 *
 * @category model
 * @since 0.1.0
 */
export interface Protocol<in Req, out Rep, in Cast> {
  readonly call: (request: Req) => Rep
  readonly cast: (request: Cast) => void
}

/**
 * A running server, typed by its protocol: `call` takes only a `Req` and
 * answers a `Rep` (the reply of that request, see `Call`), `cast` takes only
 * a `Cast`. `start` and `startLink` give one; it is a `Pid`, so `link`,
 * `monitor` and `Process.exit` take it as well.
 *
 * @category model
 * @since 0.1.0
 */
export interface GenServer<in Req, out Rep, in Cast = never> extends Pid<unknown> {
  readonly [ProtocolTypeId]: Protocol<Req, Rep, Cast>
}

/**
 * Marks a request type with the type of its reply, so that `call` infers the
 * reply per request (as Effect's `Request<E, A>` does). Phantom: an object
 * literal of the request type needs no such field.
 *
 * @example
 * import * as t from 'io-ts'
 * import { GenServer } from 'fp-ts-actors'
 * const Get = t.type({ _tag: t.literal('Get'), key: t.string })
 * type Get = t.TypeOf<typeof Get> & GenServer.Call<number | undefined>
 *
 * @category model
 * @since 0.1.0
 */
export interface Call<out R> {
  readonly [ReplyTypeId]?: () => R
}

/**
 * The reply type of request `Q` to a server of protocol `Req`: the `Call<R>`
 * of the protocol member `Q` belongs to, else the server's `Rep`.
 *
 * @category model
 * @since 0.1.0
 */
export type ReplyOf<Req, Rep, Q> = Req extends unknown
  ? Q extends Req
    ? Req extends { readonly [ReplyTypeId]?: () => infer R }
      ? unknown extends R
        ? Rep
        : R
      : Rep
    : never
  : never

declare const UnspecifiedTypeId: unique symbol
/** The reply type of an untyped `call` whose caller gave none. */
type Unspecified = typeof UnspecifiedTypeId

/** A handle with no protocol: a plain pid, or a server started from an untyped behaviour. */
type Untyped = Pid<unknown> & { readonly [ProtocolTypeId]?: Protocol<unknown, unknown, unknown> }

/**
 * Who waits for the reply of a call (Elixir's `from`): answer it with
 * `replyWith` from `handleCall`, or later with `reply(from, value)` from any
 * process.
 *
 * @category model
 * @since 0.1.0
 */
export interface From<in R> {
  readonly [FromTypeId]: (r: R) => void
  /** The calling process. */
  readonly pid: Pid<unknown>
}

/**
 * What `init` answers: start with a state, stop with a reason (the start
 * fails with `InitFailed(reason)`), or `Ignore`.
 *
 * @category model
 * @since 0.1.0
 */
export type InitResult<S> =
  | { readonly _tag: 'Ok'; readonly state: S }
  | { readonly _tag: 'Stop'; readonly reason: Exit.Reason }
  | { readonly _tag: 'Ignore' }

/**
 * What `handleCall` answers: reply now, reply later (`reply(from, r)`), or
 * stop (replying first when `reply` is given).
 *
 * @category model
 * @since 0.1.0
 */
export type CallResult<S, R> =
  | { readonly _tag: 'Reply'; readonly reply: R; readonly state: S }
  | { readonly _tag: 'NoReply'; readonly state: S }
  | { readonly _tag: 'Stop'; readonly reason: Exit.Reason; readonly state: S; readonly reply?: R }

/**
 * What `handleCast` and `handleInfo` answer: go on with a state, or stop.
 *
 * @category model
 * @since 0.1.0
 */
export type NoReplyResult<S> =
  | { readonly _tag: 'NoReply'; readonly state: S }
  | { readonly _tag: 'Stop'; readonly reason: Exit.Reason; readonly state: S }

/**
 * The callbacks of a server. `Req` is the type of the call requests (not
 * checked at run time: decode it in `handleCall` if callers are untrusted),
 * `Rep` the type of the replies, `E` the typed failure of the callbacks (a
 * failure stops the server with that reason, after `terminate`).
 *
 * @category model
 * @since 0.1.0
 */
export interface Behaviour<Arg, S, Req = unknown, Rep = unknown, E = unknown, Cast = unknown> {
  readonly init: (arg: Arg) => Effect.Effect<E, InitResult<S>>
  /**
   * Checks each call's request at run time before `handleCall` sees it. A
   * request it rejects is answered with the rejection: the *caller's* `call`
   * fails with `CallExit{ reason: { rejected: report } }` and the server goes
   * on. Without it, requests are trusted (their type is checked at compile
   * time only).
   */
  readonly requests?: t.Decoder<unknown, Req>
  /** Default: the server crashes (Elixir: "no handle_call/3 clause was provided"). */
  readonly handleCall?: (request: Req, from: From<Rep>, state: S) => Effect.Effect<E, CallResult<S, Rep>>
  /** Default: the server crashes (Elixir: "no handle_cast/2 clause was provided"). */
  readonly handleCast?: (request: Cast, state: S) => Effect.Effect<E, NoReplyResult<S>>
  /** Any other message, EXIT messages of a trapping server included (except its parent's). Default: ignored. */
  readonly handleInfo?: (message: unknown, state: S) => Effect.Effect<E, NoReplyResult<S>>
  /** Runs when the server stops by itself, crashes, or (trapping exits) gets its parent's exit signal. */
  readonly terminate?: (reason: Exit.Reason, state: S) => Effect.Effect<unknown, unknown>
}

// -------------------------------------------------------------------------------------
// callback results
// -------------------------------------------------------------------------------------

/**
 * `init` result: start with `state` (Elixir's `{:ok, state}`).
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const init = (n: number) => Effect.succeed(GenServer.ok(n))
 *
 * @category callback results
 * @since 0.1.0
 */
export const ok = <S>(state: S): { readonly _tag: 'Ok'; readonly state: S } => ({ _tag: 'Ok', state })

/**
 * `init` result: do not start (Elixir's `:ignore`); the start fails with `Start.StartError` `Ignore`.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const init = () => Effect.succeed(GenServer.ignore)
 *
 * @category callback results
 * @since 0.1.0
 */
export const ignore: { readonly _tag: 'Ignore' } = { _tag: 'Ignore' }

/**
 * `handleCall` result: reply `reply` and go on with `state` (Elixir's `{:reply, reply, state}`).
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const handleCall = (_req: 'get', _from: GenServer.From<number>, n: number) =>
 *   Effect.succeed(GenServer.replyWith(n, n))
 *
 * @category callback results
 * @since 0.1.0
 */
export const replyWith = <R, S>(
  reply: R,
  state: S
): { readonly _tag: 'Reply'; readonly reply: R; readonly state: S } => ({
  _tag: 'Reply',
  reply,
  state
})

/**
 * `handleCall`, `handleCast` or `handleInfo` result: go on with `state`
 * (Elixir's `{:noreply, state}`); a call then waits for `reply(from, r)`.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const handleCast = (_req: unknown, n: number) => Effect.succeed(GenServer.noReply(n + 1))
 *
 * @category callback results
 * @since 0.1.0
 */
export const noReply = <S>(state: S): { readonly _tag: 'NoReply'; readonly state: S } => ({ _tag: 'NoReply', state })

/**
 * Stop result: from `init` (`stopWith(reason)`), from the handlers
 * (`stopWith(reason, state)`), or from `handleCall` replying first
 * (`stopWith(reason, state, reply)`). `terminate(reason, state)` runs, then the
 * server exits with `reason`.
 *
 * @example
 * import { Effect, Exit, GenServer } from 'fp-ts-actors'
 * const handleCast = (_req: unknown, n: number) => Effect.succeed(GenServer.stopWith(Exit.normal, n))
 *
 * @category callback results
 * @since 0.1.0
 */
export function stopWith(reason: Exit.Reason): { readonly _tag: 'Stop'; readonly reason: Exit.Reason }
export function stopWith<S>(
  reason: Exit.Reason,
  state: S
): { readonly _tag: 'Stop'; readonly reason: Exit.Reason; readonly state: S }
export function stopWith<S, R>(
  reason: Exit.Reason,
  state: S,
  reply: R
): { readonly _tag: 'Stop'; readonly reason: Exit.Reason; readonly state: S; readonly reply: R }
export function stopWith(reason: Exit.Reason, ...rest: ReadonlyArray<unknown>): { readonly _tag: 'Stop' } {
  if (rest.length === 0) return { _tag: 'Stop', reason } as never
  if (rest.length === 1) return { _tag: 'Stop', reason, state: rest[0] } as never
  return { _tag: 'Stop', reason, state: rest[0], reply: rest[1] } as never
}

// -------------------------------------------------------------------------------------
// internals: messages and matching
// -------------------------------------------------------------------------------------

interface FromImpl {
  readonly pid: Pid<unknown>
  readonly alias: Ref
}

const FromCodec = t.type({ pid: Process.pid, alias: Process.ref })
const CallMsg = t.type({ _tag: t.literal('GenServer.Call'), from: FromCodec, request: t.unknown })
const CastMsg = t.type({ _tag: t.literal('GenServer.Cast'), request: t.unknown })
const StopMsg = t.type({ _tag: t.literal('GenServer.Stop'), reason: Exit.reason })

interface ReplyMsg {
  readonly _tag: 'GenServer.Reply'
  readonly ref: Ref
  readonly reply: unknown
  /** The io-ts report, when `behaviour.requests` rejected the request. */
  readonly rejected?: ReadonlyArray<string>
}
interface AckMsg {
  readonly _tag: 'GenServer.Ack'
  readonly ref: Ref
  readonly result: 'ok' | Start.StartError
}

const hasTagAndRef = (u: unknown, tag: string, ref: Ref): boolean =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === tag && (u as { ref?: unknown }).ref === ref

const replyOf = (alias: Ref): t.Type<ReplyMsg> =>
  guard('GenServer.Reply', (u): u is ReplyMsg => hasTagAndRef(u, 'GenServer.Reply', alias))

const ackOf = (ref: Ref): t.Type<AckMsg> =>
  guard('GenServer.Ack', (u): u is AckMsg => hasTagAndRef(u, 'GenServer.Ack', ref))

const callingSelf = Exit.custom('calling_self')

const resolve = (server: Server): Effect.Effect<never, Option<Pid<unknown>>> =>
  typeof server === 'string'
    ? Process.whereis(server)
    : isViaName(server)
      ? Effect.sync(() => O.fromNullable(resolveVia(server) as Pid<unknown> | undefined))
      : // a pid, or a `{ name, node }`: monitor and send take it as it is
        Effect.succeed(O.some(server as Pid<unknown>))

/** Why a call ends when its server goes DOWN: a lost node is `{ nodedown: node }` (as Erlang's gen:call). */
const callDown = (server: Server, down: Exit.Down): Exit.Reason => {
  if (!Node.isNoconnection(down.reason)) return down.reason
  const node = typeof down.pid === 'string' ? (server as { readonly node?: string }).node : Node.of(down.pid)
  return node === undefined ? down.reason : Node.nodedown(node)
}

const RESULT_TAGS: ReadonlySet<unknown> = new Set(['Reply', 'NoReply', 'Stop'])

const isResult = (u: unknown): u is CallResult<unknown, unknown> => {
  if (typeof u !== 'object' || u === null || !('state' in u)) return false
  const tag = (u as { _tag?: unknown })._tag
  return RESULT_TAGS.has(tag) && (tag !== 'Stop' || Exit.reason.is((u as { reason?: unknown }).reason))
}

const badReturn = (value: unknown): Exit.Reason => Exit.custom({ bad_return_value: value })

/** Reasons are equal for `stop`: the same object, or the same tag and fields. */
const sameReason = (a: Exit.Reason, b: Exit.Reason): boolean => {
  if (a === b || (a._tag === 'Normal' && b._tag === 'Normal')) return true
  if (a._tag !== b._tag) return false
  try {
    return JSON.stringify(a) === JSON.stringify(b)
  } catch {
    return false
  }
}

// -------------------------------------------------------------------------------------
// the server process
// -------------------------------------------------------------------------------------

const claimName = (name: string | Via, me: Pid<unknown>): Effect.Effect<never, Option<Pid<unknown>>> =>
  typeof name !== 'string'
    ? // a name service claims it for the calling process (Elixir's via register_name)
      Effect.map(name.via.claim(name.key), (ok) =>
        ok ? O.none : O.fromNullable(resolveVia(name) as Pid<unknown> | undefined)
      )
    : Effect.matchEffect(
        Process.register(name, me),
        () =>
          Effect.flatMap(Process.whereis(name), (holder) =>
            O.isSome(holder) ? Effect.succeed(holder) : claimName(name, me)
          ),
        () => Effect.succeed(O.none)
      )

const serve = <Arg, S, Req, Rep, E, Cast>(
  b: Behaviour<Arg, S, Req, Rep, E, Cast>,
  arg: Arg,
  starter: Pid<unknown>,
  ack: Ref,
  linked: boolean,
  name: string | Via | undefined
): Effect.Effect<unknown, void> =>
  Effect.suspend(() => {
    // the state of this run of the server, kept for `terminate` after a crash
    let state = undefined as S
    let running = false
    let terminated = false
    let parent: Pid<unknown> = starter

    const terminate = (reason: Exit.Reason, s: S): Effect.Effect<never, Exit.Reason> => {
      terminated = true
      if (b.terminate === undefined) return Effect.succeed(reason)
      const t = b.terminate
      return Effect.match(
        Effect.suspend(() => t(reason, s)),
        (e) => Exit.reasonOf(e),
        () => reason
      )
    }

    const stop = (reason: Exit.Reason, s: S): Effect.Effect<Exit.Exiting, never> =>
      Effect.flatMap(terminate(reason, s), (r) => Process.exit(r))

    const answer = (from: FromImpl, value: unknown): Effect.Effect<never, void> =>
      sendQuietly(from.alias, { _tag: 'GenServer.Reply', ref: from.alias, reply: value } satisfies ReplyMsg)

    const handle = (
      run: () => Effect.Effect<E, unknown>,
      s: S,
      from: FromImpl | undefined
    ): Effect.Effect<Exit.Exiting, never> =>
      Effect.flatMap(Effect.either(Effect.suspend(run)), (r) => {
        if (E.isLeft(r)) return stop(Exit.reasonOf(r.left), s)
        const res = r.right
        if (!isResult(res)) return stop(badReturn(res), s)
        switch (res._tag) {
          case 'Reply':
            if (from === undefined) return stop(badReturn(res), s)
            return Effect.flatMap(answer(from, res.reply), () => loop(res.state as S))
          case 'NoReply':
            return loop(res.state as S)
          case 'Stop':
            if (from !== undefined && 'reply' in res) {
              const reply = res.reply
              return Effect.flatMap(terminate(res.reason, res.state as S), (reason) =>
                Effect.flatMap(answer(from, reply), () => Process.exit(reason))
              )
            }
            return stop(res.reason, res.state as S)
        }
      })

    const info = (message: unknown, s: S): Effect.Effect<Exit.Exiting, never> => {
      const h = b.handleInfo
      return h === undefined ? loop(s) : handle(() => h(message, s), s, undefined)
    }

    /** A call: the request is checked by the behaviour's codec, if it has one (a rejected request fails the caller). */
    const call = (m: t.TypeOf<typeof CallMsg>, s: S): Effect.Effect<Exit.Exiting, never> => {
      const h = b.handleCall
      if (h === undefined) return Effect.die(new Error('attempted to call a GenServer but no handleCall was provided'))
      const codec = b.requests
      if (codec === undefined) return handle(() => h(m.request as Req, m.from as unknown as From<Rep>, s), s, m.from)
      const decoded = codec.decode(m.request)
      if (decoded._tag === 'Left') {
        const alias = m.from.alias
        const rejected = PathReporter.report(decoded)
        const msg: ReplyMsg = { _tag: 'GenServer.Reply', ref: alias, reply: undefined, rejected }
        return Effect.flatMap(sendQuietly(alias, msg), () => loop(s))
      }
      const request = decoded.right
      return handle(() => h(request, m.from as unknown as From<Rep>, s), s, m.from)
    }

    const cast = (m: t.TypeOf<typeof CastMsg>, s: S): Effect.Effect<Exit.Exiting, never> => {
      const h = b.handleCast
      if (h === undefined) return Effect.die(new Error('attempted to cast a GenServer but no handleCast was provided'))
      return handle(() => h(m.request as Cast, s), s, undefined)
    }

    /**
     * Waits for the next message: a call, a cast, a stop, the parent's exit
     * signal, or anything else (`handleInfo`). One receive for the whole run:
     * its handlers read the state `loop` set (no clauses built per message).
     */
    const next: Effect.Effect<Exit.Exiting, never> = Process.receive(
      Process.on(CallMsg, (m) => call(m, state)),
      Process.on(CastMsg, (m) => cast(m, state)),
      Process.on(StopMsg, (m) => stop(m.reason, state)),
      Process.on(Exit.ExitSignal, (m) => (m.from === parent ? stop(m.reason, state) : info(m, state))),
      Process.on(t.unknown, (m) => info(m, state))
    )
    const loop = (s: S): Effect.Effect<Exit.Exiting, never> => {
      state = s
      return next
    }

    const body = Effect.gen(function* () {
      const me = yield* Process.self
      if (!linked) parent = me
      if (name !== undefined) {
        const holder = yield* claimName(name, me)
        if (O.isSome(holder)) {
          yield* sendQuietly(starter, { _tag: 'GenServer.Ack', ref: ack, result: Start.alreadyStarted(holder.value) })
          return
        }
      }
      const init = yield* Effect.either(Effect.suspend(() => b.init(arg)))
      if (E.isLeft(init)) return yield* Process.exit(Exit.reasonOf(init.left))
      const r: unknown = init.right
      const tag = typeof r === 'object' && r !== null ? (r as { _tag?: unknown })._tag : undefined
      if (tag === 'Ok' && 'state' in (r as object)) {
        running = true
        state = (r as { state: S }).state
        yield* sendQuietly(starter, { _tag: 'GenServer.Ack', ref: ack, result: 'ok' } satisfies AckMsg)
        return yield* loop(state)
      }
      if (tag === 'Ignore') {
        yield* sendQuietly(starter, { _tag: 'GenServer.Ack', ref: ack, result: Start.ignore } satisfies AckMsg)
        return
      }
      const reason = (r as { reason?: unknown }).reason
      return yield* Process.exit(tag === 'Stop' && Exit.reason.is(reason) ? reason : badReturn(r))
    })

    // a callback that threw (a defect) ends the process; run `terminate` then, unless the
    // process is dying of an exit signal (not trapping exits): Elixir skips it in that case
    return Effect.onExit(body, (reason) =>
      !running || terminated
        ? Effect.unit
        : Effect.flatMap(Process.self, (me) =>
            Effect.flatMap(Process.isAlive(me), (alive) =>
              alive ? Effect.asUnit(terminate(reason, state)) : Effect.unit
            )
          )
    )
  })

// -------------------------------------------------------------------------------------
// starting
// -------------------------------------------------------------------------------------

const checkBehaviour = (where: string, b: unknown): void => {
  if (typeof b !== 'object' || b === null || typeof (b as { init?: unknown }).init !== 'function') {
    throw new TypeError(`${where}: expected a behaviour with an init function, got ${describe(b)}`)
  }
  for (const k of ['handleCall', 'handleCast', 'handleInfo', 'terminate']) {
    const f = (b as Record<string, unknown>)[k]
    if (f !== undefined && typeof f !== 'function') {
      throw new TypeError(`${where}: behaviour.${k} must be a function, got ${describe(f)}`)
    }
  }
}

const startWith = <Arg, S, Req, Rep, E, Cast>(
  where: string,
  linked: boolean,
  b: Behaviour<Arg, S, Req, Rep, E, Cast>,
  arg: Arg,
  options: Start.Options | undefined
): Effect.Effect<Start.StartError, GenServer<Req, Rep, Cast>> => {
  checkBehaviour(where, b)
  checkStartOptions(where, options)
  return startChecked(b, arg, linked, options?.name) as Effect.Effect<Start.StartError, GenServer<Req, Rep, Cast>>
}

/** `startWith` once its arguments are checked (its generator function made once: see `Effect.fn`). */
const startChecked = Effect.fn(function* <Arg, S, Req, Rep, E, Cast>(
  b: Behaviour<Arg, S, Req, Rep, E, Cast>,
  arg: Arg,
  linked: boolean,
  name: string | Via | undefined
) {
  const me = yield* Process.self
  const ack = yield* Process.makeRef
  const program = serve(b, arg, me, ack, linked, name)
  // spawned and monitored in one step: an init that dies at once still gives its own reason, not noproc
  const [pid, mref] = yield* Process.spawnMonitor(program, { link: linked })
  return yield* Process.receive(
    Process.on(ackOf(ack), (m) =>
      Effect.flatMap(Process.demonitor(mref, { flush: true }), () =>
        m.result === 'ok' ? Effect.succeed(pid as GenServer<Req, Rep, Cast>) : Effect.fail(m.result)
      )
    ),
    Process.on(Exit.downOf(mref), (m) => Effect.fail(Start.initFailed(m.reason)))
  )
})

/**
 * Starts a server, not linked to the caller: `init(arg)` runs in the new
 * process before `start` returns. Fails with `InitFailed(reason)` when init
 * stops or crashes, `Ignore`, or `AlreadyStarted(pid)` when `options.name` is
 * taken.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const pid = GenServer.start({ init: (n: number) => Effect.succeed(GenServer.ok(n)) }, 0, { name: 'counter' })
 *
 * @category starting
 * @since 0.1.0
 */
export const start = <Arg, S, Req, Rep, E, Cast>(
  behaviour: Behaviour<Arg, S, Req, Rep, E, Cast>,
  arg: Arg,
  options?: Start.Options
): Effect.Effect<Start.StartError, GenServer<Req, Rep, Cast>> =>
  startWith('GenServer.start', false, behaviour, arg, options)

/**
 * Like `start`, and links the server to the caller, which becomes its parent:
 * a crash of the server kills a caller that does not trap exits, and when a
 * server that traps exits gets its parent's exit signal it runs `terminate`
 * and exits with that reason. As in Elixir, init stopping with `reason` also
 * sends `reason` through the link.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const pid = GenServer.startLink({ init: (n: number) => Effect.succeed(GenServer.ok(n)) }, 0)
 *
 * @category starting
 * @since 0.1.0
 */
export const startLink = <Arg, S, Req, Rep, E, Cast>(
  behaviour: Behaviour<Arg, S, Req, Rep, E, Cast>,
  arg: Arg,
  options?: Start.Options
): Effect.Effect<Start.StartError, GenServer<Req, Rep, Cast>> =>
  startWith('GenServer.startLink', true, behaviour, arg, options)

// -------------------------------------------------------------------------------------
// client
// -------------------------------------------------------------------------------------

/**
 * Sends `request` and waits for the reply (default 5000 ms; `Infinity` waits
 * forever). Through a typed handle (`GenServer<Req, Rep>`, from `start` or
 * `startLink`) a request that is not a `Req` does not compile, and the reply
 * type is inferred per request (`ReplyOf`); by name or plain pid, give the
 * reply type: `call<number>('counter', 'get')`.
 *
 * The reply comes through a one-shot alias and the server is monitored
 * meanwhile. Fails with `Exit.Exiting` carrying
 * `CallExit{ reason, call: 'GenServer.call', args: [server, request, timeout] }`:
 * `noproc` (no such server), the server's exit reason, `timeout` (the alias is
 * deactivated first, so a late reply becomes a dead letter), `calling_self`, or
 * `{ rejected: report }` when the server's `requests` codec rejected the
 * request (the server goes on). Uncaught, the caller exits with that reason, as in Elixir.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const n = GenServer.call<number>('counter', 'get', 1000) // Effect<Exit.Exiting, number>
 * const orZero = Effect.catchAll(n, () => Effect.succeed(0))
 *
 * @category client
 * @since 0.1.0
 */
export function call<Req, Rep, const Q extends Req>(
  server: GenServer<Req, Rep, never>,
  request: Q,
  timeout?: number
): Effect.Effect<Exit.Exiting, ReplyOf<Req, Rep, Q>>
export function call<R = Unspecified>(
  server: [R] extends [Unspecified] ? Untyped | string | Via | NodeName : Server,
  request: unknown,
  timeout?: number
): Effect.Effect<Exit.Exiting, [R] extends [Unspecified] ? unknown : R>
export function call<R>(server: Server, request: unknown, timeout: number = 5000): Effect.Effect<Exit.Exiting, R> {
  checkServer('GenServer.call', server)
  checkMs('GenServer.call', timeout)
  return callWith(server, request, timeout) as Effect.Effect<Exit.Exiting, R>
}

/** `call` once its arguments are checked (its generator function made once: see `Effect.fn`). */
const callWith = Effect.fn(function* (server: Server, request: unknown, timeout: number) {
  const args = [server, request, timeout] as const
  const target = yield* resolve(server)
  if (O.isNone(target)) return yield* exitCall(Exit.noproc, 'GenServer.call', args)
  const pid = target.value
  const me = yield* Process.self
  if (pid === me) return yield* exitCall(callingSelf, 'GenServer.call', args)
  const alias = yield* Process.alias({ oneShot: true })
  const mref = yield* Process.monitor(pid)
  const from: FromImpl = { pid: me, alias }
  yield* sendQuietly(pid, { _tag: 'GenServer.Call', from, request })
  return yield* Process.receive(
    Process.on(replyOf(alias), (m) =>
      Effect.flatMap(Process.demonitor(mref, { flush: true }), () =>
        m.rejected === undefined
          ? Effect.succeed(m.reply)
          : exitCall(Exit.custom({ rejected: m.rejected }), 'GenServer.call', args)
      )
    ),
    Process.on(Exit.downOf(mref), (m) =>
      Effect.flatMap(Process.unalias(alias), () => exitCall(callDown(server, m), 'GenServer.call', args))
    ),
    Process.after(timeout, () =>
      Effect.flatMap(Process.demonitor(mref, { flush: true }), () =>
        Effect.flatMap(Process.unalias(alias), (active) =>
          active
            ? exitCall(Exit.timeout, 'GenServer.call', args)
            : // the one-shot alias was used: the reply is in the mailbox already
              Process.receive(
                Process.on(replyOf(alias), (m) => Effect.succeed(m.reply)),
                Process.after(0, () => exitCall(Exit.timeout, 'GenServer.call', args))
              )
        )
      )
    )
  )
})

/**
 * Sends `request` to the server's `handleCast` and returns at once. Never
 * fails, whatever the target (a dead pid or an unknown name included).
 *
 * @example
 * import { GenServer } from 'fp-ts-actors'
 * const inc = GenServer.cast('counter', 'inc')
 *
 * @category client
 * @since 0.1.0
 */
export function cast<Cast>(server: GenServer<never, unknown, Cast>, request: NoInfer<Cast>): Effect.Effect<never, void>
export function cast(server: Untyped | string | Via | NodeName, request: unknown): Effect.Effect<never, void>
export function cast(server: Server, request: unknown): Effect.Effect<never, void> {
  checkServer('GenServer.cast', server)
  return sendQuietly(server, { _tag: 'GenServer.Cast', request })
}

/**
 * Answers a call whose `handleCall` returned `noReply` (a deferred reply);
 * any process may send it. A reply to a caller that gave up is a dead letter.
 *
 * @example
 * import { Effect, GenServer } from 'fp-ts-actors'
 * const handleCall = (_req: 'later', from: GenServer.From<string>, s: number) =>
 *   Effect.as(GenServer.reply(from, 'done'), GenServer.noReply(s))
 *
 * @category client
 * @since 0.1.0
 */
export const reply = <R>(from: From<R>, value: R): Effect.Effect<never, void> => {
  if (!FromCodec.is(from))
    throw new TypeError(`GenServer.reply: expected the \`from\` of a handleCall, got ${describe(from)}`)
  const alias = (from as unknown as FromImpl).alias
  return sendQuietly(alias, { _tag: 'GenServer.Reply', ref: alias, reply: value } satisfies ReplyMsg)
}

/**
 * Stops the server with `reason` (default `normal`): it runs `terminate` and
 * exits; `stop` returns once it has exited (default timeout `Infinity`).
 * Fails with a `CallExit{ call: 'GenServer.stop', args: [server, reason, timeout] }`
 * when there is no such server (`noproc`), it exits with another reason, it is
 * the caller (`calling_self`) or the time runs out (`timeout`). A server linked
 * to the caller kills it when `reason` is not `normal` (and it does not trap exits).
 *
 * @example
 * import { Exit, GenServer } from 'fp-ts-actors'
 * const bye = GenServer.stop('counter', Exit.shutdown, 1000)
 *
 * @category client
 * @since 0.1.0
 */
export const stop = (
  server: Server,
  reason: Exit.Reason = Exit.normal,
  timeout: number = Infinity
): Effect.Effect<Exit.Exiting, void> => {
  checkServer('GenServer.stop', server)
  checkMs('GenServer.stop', timeout)
  if (!Exit.reason.is(reason)) throw new TypeError(`GenServer.stop: expected an exit reason, got ${describe(reason)}`)
  return stopChecked(server, reason, timeout)
}

/** `stop` once its arguments are checked (its generator function made once: see `Effect.fn`). */
const stopChecked = Effect.fn(function* (server: Server, reason: Exit.Reason, timeout: number) {
  const args = [server, reason, timeout] as const
  const target = yield* resolve(server)
  if (O.isNone(target)) return yield* exitCall(Exit.noproc, 'GenServer.stop', args)
  const pid = target.value
  const me = yield* Process.self
  if (pid === me) return yield* exitCall(callingSelf, 'GenServer.stop', args)
  const mref = yield* Process.monitor(pid)
  yield* sendQuietly(pid, { _tag: 'GenServer.Stop', reason })
  return yield* Process.receive(
    Process.on(Exit.downOf(mref), (m) =>
      sameReason(m.reason, reason) ? Effect.unit : exitCall(m.reason, 'GenServer.stop', args)
    ),
    Process.after(timeout, () =>
      Effect.flatMap(Process.demonitor(mref, { flush: true }), () => exitCall(Exit.timeout, 'GenServer.stop', args))
    )
  )
})

/**
 * The pid of a server given by pid or name (`none` when no process has that name).
 *
 * @example
 * import { GenServer } from 'fp-ts-actors'
 * const where = GenServer.whereis('counter') // Effect<never, Option<Pid>>
 *
 * @category client
 * @since 0.1.0
 */
export const whereis = (server: Server): Effect.Effect<never, Option<Pid<unknown>>> => {
  checkServer('GenServer.whereis', server)
  return resolve(server)
}

// -------------------------------------------------------------------------------------
// child specs
// -------------------------------------------------------------------------------------

/**
 * The child spec that starts this server under a supervisor (Elixir's
 * `child_spec/1` of `use GenServer`): id its name (or `'GenServer'`).
 *
 * @example
 * import { Effect, GenServer, Supervisor } from 'fp-ts-actors'
 * const counter = { init: (n: number) => Effect.succeed(GenServer.ok(n)) }
 * const tree = Supervisor.startLink([GenServer.childSpec(counter, 0, { name: 'counter' })], { strategy: 'one_for_one' })
 *
 * @category starting
 * @since 0.2.0
 */
export const childSpec = <Arg, S, Req, Rep, E>(
  behaviour: Behaviour<Arg, S, Req, Rep, E>,
  arg: Arg,
  options?: Start.Options
): { readonly id: string; readonly start: Effect.Effect<Start.StartError, Pid<unknown>> } => ({
  id: typeof options?.name === 'string' ? options.name : 'GenServer',
  start: startLink(behaviour, arg, options)
})
