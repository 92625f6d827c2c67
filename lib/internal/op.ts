/**
 * The instruction set. Every `Effect` value is an `Op`: one class, one shape
 * (an opcode and three generic slots), so the run loop sees a monomorphic
 * object and dispatches with a `switch` on a small integer.
 *
 * Instructions double as stack frames: a `FlatMap` instruction is pushed as
 * the continuation of its own first slot.
 *
 * @internal
 */

/** i0: value */
export const SUCCEED = 0
/** i0: typed error */
export const FAIL = 1
/** i0: thunk */
export const SYNC = 2
/** i0: thunk returning an Op */
export const SUSPEND = 3
/** i0: effect, i1: a => b (a frame applied without allocating a new instruction) */
export const MAP = 4
/** i0: effect, i1: a => Op */
export const FLATMAP = 5
/** i0: effect, i1: e => Op (or undefined), i2: a => Op (or undefined) */
export const FOLD = 6
/** i0: effect, i1: reason => Op (the finalizer; runs on every outcome, uninterruptibly) */
export const ENSURE = 7
/** i0: register(resume, signal) */
export const ASYNC = 8
/** i0: effect: run with interruption deferred */
export const UNINTERRUPTIBLE = 9
/** i0: effect, i1: ms; succeeds with Option */
export const TIMEOUT = 10
/** i0: (fiber, i1, i2) => value: a synchronous primitive of the process host */
export const PRIM = 11
/** i0: (fiber, i1, i2) => Op: a primitive that continues with an instruction */
export const SYSCALL = 12
/** i0: one ON clause, several (an array), or `NO_CLAUSES` (after only); i1: after clause or undefined */
export const RECEIVE = 13
/** i0: thrown value: a defect */
export const DIE = 14
/** i0: exit reason, i1: the TIMEOUT frame it targets, or undefined for the whole process */
export const INTERRUPT = 15
// frames only
/** restores interruptibility when popped */
export const RESTORE = 16
/** i0: the saved outcome (an Op: SUCCEED, FAIL, DIE or INTERRUPT) to resume after a finalizer */
export const FINALIZED = 17
/** i0: the timer handle state of a running timeout (mutable box) */
export const TIMEOUT_FRAME = 18
/** yields the rest of the slice: the fiber goes to the back of the run queue */
export const YIELD = 19
/** i0: effect, i1: reason => Op: catches a typed failure or a defect (a throw), never an interruption */
export const CATCH = 20

/** i0: the generator function of an `Effect.gen`: each run calls it and drives the generator */
export const GEN = 21
// frames only
/** i0: the running generator of an `Effect.gen`; popped with a value, it resumes the generator with it */
export const GEN_FRAME = 22
/** i0: destination, i1: message: `Process.send` (the commonest primitive, run by the loop itself) */
export const SEND = 23
/**
 * i0: codec, i1: handler, i2: `true` when `codec.is` decides a match (`./clause.ts`). One receive
 * clause; alone, a whole receive (that clause and no `after`): `receive(on(codec, f))` is one object.
 */
export const ON = 24

const EffectTypeId: unique symbol = Symbol.for('fp-ts-actors/Effect') as never

/** @internal */
export class Op {
  declare readonly [EffectTypeId]: { readonly _E: () => unknown; readonly _A: () => unknown }
  constructor(
    readonly _op: number,
    readonly i0: unknown,
    readonly i1: unknown = undefined,
    readonly i2: unknown = undefined
  ) {}
  /** `yield* effect`: the shared `DELEGATE` while a fiber resumes a generator, else a `YieldStar` of its own. */
  [Symbol.iterator](): Iterator<Op, unknown, unknown> {
    return DELEGATE.free ? DELEGATE.take(this) : new YieldStar(this)
  }
}

/**
 * The iterator behind `yield* effect`: it yields the effect once, then returns
 * what the driver resumes the generator with. It is its own result object (one
 * allocation per `yield*`): `yield*` and the driver read `done` and `value` at
 * once, and every consumer has its own iterator, so two iterations of one
 * effect (an equality check walking it) do not meet.
 *
 * @internal
 */
class YieldStar implements IterableIterator<Op, unknown, unknown> {
  /** `undefined` until the first `next` (which yields the effect), `true` after the second. */
  done: boolean | undefined = undefined
  constructor(public value: unknown) {}
  next(a?: unknown): IteratorResult<Op, unknown> {
    if (this.done === undefined) this.done = false
    else {
      this.done = true
      this.value = a
    }
    return this as IteratorResult<Op, unknown>
  }
  return(a?: unknown): IteratorResult<Op, unknown> {
    return { done: true, value: a }
  }
  throw(e?: unknown): IteratorResult<Op, unknown> {
    throw e
  }
  [Symbol.iterator](): this {
    return this
  }
}

/**
 * The one iterator every `yield*` of a generator the run loop drives gets,
 * instead of a `YieldStar` each: no allocation per `yield*`, and a suspended
 * generator holds nothing of its own for it.
 *
 * It is sound because a `yield*` reads its iterator only at two moments, each
 * inside one call of the generator's `next` by the fiber: right after taking
 * it (the first `next` yields the effect, and the generator suspends) and
 * right after the fiber resumes the generator (the second `next` returns the
 * value). The fiber marks each resume (`resuming`): `free` until the
 * generator takes it, so it is handed out at most once per resume, and a
 * `yield*` outside a resume (another consumer iterating an effect) gets a
 * `YieldStar` of its own.
 *
 * @internal
 */
class Delegate extends YieldStar {
  /** It may be taken: the fiber is resuming a generator that has not taken it yet. */
  free = false

  constructor() {
    super(undefined)
  }

  /** A `yield*` takes it for `effect`: from here it is that `yield*`'s fresh `YieldStar`. */
  take(effect: Op): this {
    this.free = false
    this.done = undefined
    this.value = effect
    return this
  }

  /** Before a fiber resumes a generator: a `yield*` waiting on it gets the value back (its second `next`). */
  resuming(): void {
    this.free = true
    this.done = false
  }
}

/** @internal */
export const DELEGATE = new Delegate()

export const UNIT = new Op(SUCCEED, undefined)

/** The failure of a send (or a link) to a name nobody holds. */
export const noProcess = (dest: unknown): Op => new Op(FAIL, { _tag: 'NoProcess', dest })
