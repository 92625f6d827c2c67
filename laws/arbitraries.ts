/**
 * fast-check generators for `Effect` programs.
 *
 * A program is generated as a small syntax tree (`Node`) and then built into
 * an `Effect<string, number>` (`build`). The tree uses every constructor:
 * `succeed`, `fail`, `die`, `sync` (returning or throwing), `suspend`,
 * `yieldNow`, a `receive` against a pre-filled mailbox (the program sends
 * itself the message first, sometimes after an unrelated one that stays
 * queued), `flatMap`, `map`, `catchAll`, `mapError`, `either` and `ensuring`
 * (with a finalizer that has no side effect and never dies). Continuations
 * are `fc.func`s (see `func`), so they depend on the value they get.
 *
 * Built programs print as their tree in counterexamples.
 */
import * as fc from 'fast-check'
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { Effect, Process } from '../lib/index.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The programs the laws quantify over. */
export type Program = Effect.Effect<string, number>

/** A Kleisli arrow. */
export type Arrow = (a: number) => Program

/** A program's syntax tree. */
export type Node =
  | { readonly _tag: 'Succeed'; readonly value: number }
  | { readonly _tag: 'Fail'; readonly error: string }
  | { readonly _tag: 'Die'; readonly defect: string }
  | { readonly _tag: 'Sync'; readonly value: number }
  | { readonly _tag: 'SyncThrow'; readonly defect: string }
  | { readonly _tag: 'YieldNow'; readonly value: number }
  | { readonly _tag: 'Receive'; readonly value: number; readonly noise: boolean }
  | { readonly _tag: 'Suspend'; readonly body: Node }
  | { readonly _tag: 'FlatMap'; readonly self: Node; readonly f: (a: number) => Node }
  | { readonly _tag: 'Map'; readonly self: Node; readonly f: (a: number) => number }
  | { readonly _tag: 'CatchAll'; readonly self: Node; readonly h: (e: string) => Node }
  | { readonly _tag: 'MapError'; readonly self: Node; readonly f: (e: string) => string }
  | { readonly _tag: 'Either'; readonly self: Node; readonly onLeft: (e: string) => number }
  | { readonly _tag: 'Ensuring'; readonly self: Node; readonly finalizer: Node }

/** Every tag of `Node`. */
export const nodeTags: ReadonlyArray<Node['_tag']> = [
  'Succeed',
  'Fail',
  'Die',
  'Sync',
  'SyncThrow',
  'YieldNow',
  'Receive',
  'Suspend',
  'FlatMap',
  'Map',
  'CatchAll',
  'MapError',
  'Either',
  'Ensuring'
]

// -------------------------------------------------------------------------------------
// functions
// -------------------------------------------------------------------------------------

/**
 * `fc.func(out)`, made non-cloneable. An `fc.func` value records its calls
 * (to print them), so fast-check clones it, and everything built from it,
 * whenever a value is read again. fast-check 4.10.2 clones a tuple (and so a
 * record) wrongly when its last entries are not cloneable: it drops them
 * (`tupleMakeItCloneable` loops over the sparse array of cloneable entries
 * only), so `fc.tuple(fc.func(a), fc.integer())` clones to a 1-tuple. A frozen
 * wrapper stops the cloning; it prints as the `fc.func` it calls.
 */
export const func = <TArgs extends Array<unknown>, TOut>(
  out: fc.Arbitrary<TOut>
): fc.Arbitrary<(...args: TArgs) => TOut> =>
  fc.func<TArgs, TOut>(out).map((f) => {
    const g = (...args: TArgs): TOut => f(...args)
    Object.defineProperty(g, fc.toStringMethod, { value: () => fc.stringify(f) })
    return Object.freeze(g)
  })

// -------------------------------------------------------------------------------------
// values
// -------------------------------------------------------------------------------------

/** Success values: small integers. */
export const smallInt: fc.Arbitrary<number> = fc.integer({ min: -20, max: 20 })

/** Typed errors: small strings. */
export const smallString: fc.Arbitrary<string> = fc.string({ maxLength: 3 })

/** Defects (thrown values): small strings, marked so they never look like an error. */
export const defectValue: fc.Arbitrary<string> = fc.string({ maxLength: 2 }).map((s) => `defect:${s}`)

/** `number => number`. */
export const arbFn: fc.Arbitrary<(a: number) => number> = func<[number], number>(smallInt)

/** `string => string`, for errors. */
export const arbErrFn: fc.Arbitrary<(e: string) => string> = func<[string], string>(smallString)

// -------------------------------------------------------------------------------------
// building
// -------------------------------------------------------------------------------------

/** The program sends itself `value` (after an unrelated string when `noise`), then receives a number. */
export const receiveSelf = (value: number, noise: boolean): Program =>
  pipe(
    Process.self,
    Effect.flatMap((me): Effect.Effect<Process.NoProcess, void> =>
      pipe(
        noise ? Process.send(me, 'noise') : Effect.unit,
        Effect.flatMap(() => Process.send(me, value))
      )
    ),
    Effect.mapError((e) => e._tag),
    Effect.flatMap(() => Process.receive(t.number))
  )

const thrower = (defect: string) => (): number => {
  throw defect
}

/** Interprets a syntax tree as an `Effect` (a fresh one each time). */
export const build = (node: Node): Program => {
  switch (node._tag) {
    case 'Succeed':
      return Effect.succeed(node.value)
    case 'Fail':
      return Effect.fail(node.error)
    case 'Die':
      return Effect.die(node.defect)
    case 'Sync': {
      const value = node.value
      return Effect.sync(() => value)
    }
    case 'SyncThrow':
      return Effect.sync(thrower(node.defect))
    case 'YieldNow':
      return Effect.as(Effect.yieldNow, node.value)
    case 'Receive':
      return receiveSelf(node.value, node.noise)
    case 'Suspend': {
      const body = node.body
      return Effect.suspend(() => build(body))
    }
    case 'FlatMap': {
      const f = node.f
      return Effect.flatMap(build(node.self), (a) => build(f(a)))
    }
    case 'Map':
      return Effect.map(build(node.self), node.f)
    case 'CatchAll': {
      const h = node.h
      return Effect.catchAll(build(node.self), (e) => build(h(e)))
    }
    case 'MapError':
      return Effect.mapError(build(node.self), node.f)
    case 'Either':
      return Effect.map(
        Effect.either(build(node.self)),
        E.match(node.onLeft, (a) => a)
      )
    case 'Ensuring':
      // the finalizer never dies (see `nodeAt`), and `either` makes its error type `never`
      return Effect.ensuring(build(node.self), Effect.either(build(node.finalizer)))
  }
}

/** Makes fast-check print `effect` as `label()` in counterexamples. */
export const labelled = <E, A>(effect: Effect.Effect<E, A>, label: () => string): Effect.Effect<E, A> =>
  Object.defineProperty(effect, fc.toStringMethod, { value: label, configurable: true })

/** Builds a tree into a program that prints as its tree. */
export const toProgram = (node: Node): Program => labelled(build(node), () => fc.stringify(node))

// -------------------------------------------------------------------------------------
// generators
// -------------------------------------------------------------------------------------

/** Options of `nodeAt`. */
export interface NodeOptions {
  /** Nesting depth of the combinators (0: leaves only). */
  readonly depth: number
  /** Whether `die` and throwing `sync` may appear. */
  readonly defects: boolean
}

const leaves = (defects: boolean): fc.Arbitrary<Node> => {
  const safe: Array<fc.WeightedArbitrary<Node>> = [
    { weight: 4, arbitrary: smallInt.map((value) => ({ _tag: 'Succeed', value }) as const) },
    { weight: 3, arbitrary: smallString.map((error) => ({ _tag: 'Fail', error }) as const) },
    { weight: 1, arbitrary: smallInt.map((value) => ({ _tag: 'Sync', value }) as const) },
    { weight: 1, arbitrary: smallInt.map((value) => ({ _tag: 'YieldNow', value }) as const) },
    {
      weight: 1,
      arbitrary: fc.record({ value: smallInt, noise: fc.boolean() }).map((r) => ({ _tag: 'Receive', ...r }) as const)
    }
  ]
  if (!defects) return fc.oneof(...safe)
  return fc.oneof(
    ...safe,
    { weight: 1, arbitrary: defectValue.map((defect) => ({ _tag: 'Die', defect }) as const) },
    { weight: 1, arbitrary: defectValue.map((defect) => ({ _tag: 'SyncThrow', defect }) as const) }
  )
}

const cache = new Map<string, fc.Arbitrary<Node>>()

/** Syntax trees of at most `depth` nested combinators. */
export const nodeAt = (options: NodeOptions): fc.Arbitrary<Node> => {
  const key = `${options.depth}/${options.defects}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const leaf = leaves(options.defects)
  let arb: fc.Arbitrary<Node>
  if (options.depth <= 0) {
    arb = leaf
  } else {
    const sub = nodeAt({ depth: options.depth - 1, defects: options.defects })
    const finalizer = nodeAt({ depth: options.depth - 1, defects: false })
    arb = fc.oneof(
      { weight: 6, arbitrary: leaf },
      { weight: 1, arbitrary: sub.map((body) => ({ _tag: 'Suspend', body }) as const) },
      {
        weight: 3,
        arbitrary: fc
          .record({ self: sub, f: func<[number], Node>(sub) })
          .map((r) => ({ _tag: 'FlatMap', ...r }) as const)
      },
      { weight: 2, arbitrary: fc.record({ self: sub, f: arbFn }).map((r) => ({ _tag: 'Map', ...r }) as const) },
      {
        weight: 2,
        arbitrary: fc
          .record({ self: sub, h: func<[string], Node>(sub) })
          .map((r) => ({ _tag: 'CatchAll', ...r }) as const)
      },
      { weight: 1, arbitrary: fc.record({ self: sub, f: arbErrFn }).map((r) => ({ _tag: 'MapError', ...r }) as const) },
      {
        weight: 1,
        arbitrary: fc
          .record({ self: sub, onLeft: func<[string], number>(smallInt) })
          .map((r) => ({ _tag: 'Either', ...r }) as const)
      },
      { weight: 1, arbitrary: fc.record({ self: sub, finalizer }).map((r) => ({ _tag: 'Ensuring', ...r }) as const) }
    )
  }
  cache.set(key, arb)
  return arb
}

/** Programs of at most `depth` nested combinators (defects included unless `defects: false`). */
export const programAt = (options: NodeOptions): fc.Arbitrary<Program> => nodeAt(options).map(toProgram)

/** The default program generator: depth 3, defects included. */
export const arbNode: fc.Arbitrary<Node> = nodeAt({ depth: 3, defects: true })

/** Programs from every constructor, defects included. */
export const arbProgram: fc.Arbitrary<Program> = arbNode.map(toProgram)

/** Programs that never die (for finalizers). */
export const arbSafeProgram: fc.Arbitrary<Program> = programAt({ depth: 2, defects: false })

/** Kleisli arrows `number => Program`. */
export const arbArrow: fc.Arbitrary<Arrow> = func<[number], Program>(programAt({ depth: 2, defects: true }))

/** Error handlers `string => Program`. */
export const arbHandler: fc.Arbitrary<(e: string) => Program> = func<[string], Program>(
  programAt({ depth: 2, defects: true })
)

/** Programs whose value is a function (for `ap`): a program, and a function of its value and the argument. */
export const arbFnProgram: fc.Arbitrary<Effect.Effect<string, (a: number) => number>> = fc
  .tuple(arbNode, func<[number, number], number>(smallInt))
  .map(([node, g]) =>
    labelled(
      Effect.map(build(node), (n) => (a: number) => g(n, a)),
      () => `map(${fc.stringify(node)}, (n) => (a) => g(n, a)) with g = ${fc.stringify(g)}`
    )
  )
