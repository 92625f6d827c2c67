/**
 * Laws of the `Effect` fp-ts instances, checked by interpretation: each law's
 * two sides are run as processes and must end with the same exit reason.
 * The programs come from every constructor (see `arbitraries.ts`), so the
 * laws are checked on failing, dying, yielding and receiving programs, not
 * only on `of`.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { identity } from 'fp-ts/lib/function.js'
import { Effect, Exit, Runtime } from '../lib/index.js'
import {
  arbArrow,
  arbErrFn,
  arbFn,
  arbFnProgram,
  arbHandler,
  arbNode,
  arbProgram,
  arbSafeProgram,
  build,
  defectValue,
  nodeTags,
  smallInt,
  smallString,
  type Node,
  type Program
} from './arbitraries.js'
import { checkLaw, expectEquivalent, expectExit, runExit } from './helpers.js'

// the instances under test (not the pipeable functions)
const { map } = Effect.Functor
const { ap } = Effect.Apply
const { of } = Effect.Applicative
const { chain } = Effect.Chain
const { throwError } = Effect.MonadThrow
const { bimap, mapLeft } = Effect.Bifunctor

const compose =
  <A, B, C>(g: (b: B) => C, f: (a: A) => B) =>
  (a: A): C =>
    g(f(a))

// -------------------------------------------------------------------------------------
// the generators
// -------------------------------------------------------------------------------------

describe('the program generator', () => {
  const reachable = (node: Node, out: Set<string>): void => {
    out.add(node._tag)
    switch (node._tag) {
      case 'Suspend':
        return reachable(node.body, out)
      case 'FlatMap':
        reachable(node.self, out)
        return reachable(node.f(0), out)
      case 'CatchAll':
        reachable(node.self, out)
        return reachable(node.h(''), out)
      case 'Ensuring':
        reachable(node.self, out)
        return reachable(node.finalizer, out)
      case 'Map':
      case 'MapError':
      case 'Either':
        return reachable(node.self, out)
      default:
        return
    }
  }

  it('uses every constructor', () => {
    const seen = new Set<string>()
    for (const node of fc.sample(arbNode, { numRuns: 300, seed: 42 })) reachable(node, seen)
    expect([...seen].sort()).toEqual([...nodeTags].sort())
  })

  it('produces values, typed failures and defects', async () => {
    const tags = new Set<string>()
    for (const node of fc.sample(arbNode, { numRuns: 200, seed: 7 })) tags.add((await runExit(build(node)))._tag)
    expect([...tags].sort()).toEqual(['Defect', 'Failure', 'Normal'])
  })

  it('builds reusable descriptions: running a program twice gives the same exit', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(fa, fa)
      })
    )
  })

  it('the equivalence can fail: catchAll(fa, h) ≡ fa is refuted, by a differing exit', async () => {
    const error: unknown = await fc
      .assert(
        fc.asyncProperty(arbProgram, arbHandler, async (fa, h) => {
          await expectEquivalent(Effect.catchAll(fa, h), fa)
        }),
        { numRuns: 200, seed: 1 }
      )
      .then(
        () => undefined,
        (e: unknown) => e
      )
    expect(error).toBeInstanceOf(Error)
    expect(String(error instanceof Error ? error.cause : undefined)).toMatch(/to deeply equal/)
  })
})

// -------------------------------------------------------------------------------------
// Functor
// -------------------------------------------------------------------------------------

describe('Functor', () => {
  it('identity: map(fa, id) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(map(fa, identity), fa)
      })
    )
  })

  it('composition: map(fa, g ∘ f) ≡ map(map(fa, f), g)', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbFn, arbFn, async (fa, f, g) => {
        await expectEquivalent(map(fa, compose(g, f)), map(map(fa, f), g))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// Apply / Applicative
// -------------------------------------------------------------------------------------

describe('Apply', () => {
  it('associative composition: ap(ap(map(fbc, bc => ab => bc ∘ ab), fab), fa) ≡ ap(fbc, ap(fab, fa))', async () => {
    await checkLaw(
      fc.asyncProperty(arbFnProgram, arbFnProgram, arbProgram, async (fbc, fab, fa) => {
        const left = ap(
          ap(
            map(fbc, (bc) => (ab: (a: number) => number) => compose(bc, ab)),
            fab
          ),
          fa
        )
        await expectEquivalent(left, ap(fbc, ap(fab, fa)))
      })
    )
  })
})

describe('Applicative', () => {
  it('identity: ap(of(id), fa) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(ap(of<string, (a: number) => number>(identity), fa), fa)
      })
    )
  })

  it('homomorphism: ap(of(f), of(a)) ≡ of(f(a))', async () => {
    await checkLaw(
      fc.asyncProperty(arbFn, smallInt, async (f, a) => {
        await expectEquivalent(ap(of<string, (a: number) => number>(f), of<string, number>(a)), of(f(a)))
      })
    )
  })

  it('interchange: ap(fab, of(a)) ≡ ap(of(ab => ab(a)), fab)', async () => {
    await checkLaw(
      fc.asyncProperty(arbFnProgram, smallInt, async (fab, a) => {
        const applyTo = (ab: (a: number) => number): number => ab(a)
        await expectEquivalent(ap(fab, of<string, number>(a)), ap(of<string, typeof applyTo>(applyTo), fab))
      })
    )
  })

  it('map agrees with ap: map(fa, f) ≡ ap(of(f), fa)', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbFn, async (fa, f) => {
        await expectEquivalent(map(fa, f), ap(of<string, (a: number) => number>(f), fa))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// Chain / Monad
// -------------------------------------------------------------------------------------

describe('Chain', () => {
  it('associativity: chain(chain(fa, f), g) ≡ chain(fa, a => chain(f(a), g))', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbArrow, arbArrow, async (fa, f, g) => {
        await expectEquivalent(
          chain(chain(fa, f), g),
          chain(fa, (a) => chain(f(a), g))
        )
      })
    )
  })

  it('ap agrees with chain and map: ap(fab, fa) ≡ chain(fab, f => map(fa, f))', async () => {
    await checkLaw(
      fc.asyncProperty(arbFnProgram, arbProgram, async (fab, fa) => {
        await expectEquivalent(
          ap(fab, fa),
          chain(fab, (f) => map(fa, f))
        )
      })
    )
  })
})

describe('Monad', () => {
  it('left identity: chain(of(a), f) ≡ f(a)', async () => {
    await checkLaw(
      fc.asyncProperty(smallInt, arbArrow, async (a, f) => {
        await expectEquivalent(chain(Effect.Monad.of<string, number>(a), f), f(a))
      })
    )
  })

  it('right identity: chain(fa, of) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(
          Effect.Monad.chain(fa, (a) => Effect.Monad.of<string, number>(a)),
          fa
        )
      })
    )
  })

  it('map agrees with chain and of: map(fa, f) ≡ chain(fa, a => of(f(a)))', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbFn, async (fa, f) => {
        await expectEquivalent(
          Effect.Monad.map(fa, f),
          chain(fa, (a) => of<string, number>(f(a)))
        )
      })
    )
  })

  it('the pipeable functions agree with the instances', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbArrow, arbFn, async (fa, f, g) => {
        await expectEquivalent(Effect.flatMap(fa, f), chain(fa, f))
        await expectEquivalent(Effect.map(fa, g), map(fa, g))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// MonadThrow and error handling
// -------------------------------------------------------------------------------------

describe('MonadThrow', () => {
  it('throwError(e) ends the process with Failure(e), as fail(e) does', async () => {
    await checkLaw(
      fc.asyncProperty(smallString, async (e) => {
        await expectExit(throwError(e), Exit.failure(e))
        await expectEquivalent(throwError(e), Effect.fail(e))
      })
    )
  })

  it('left zero: chain(throwError(e), f) ≡ throwError(e)', async () => {
    await checkLaw(
      fc.asyncProperty(smallString, arbArrow, async (e, f) => {
        await expectEquivalent(chain(throwError<string, number>(e), f), throwError(e))
        await expectEquivalent(Effect.flatMap(Effect.fail(e), f), Effect.fail(e))
      })
    )
  })

  it('map does not touch a failure: map(throwError(e), f) ≡ throwError(e)', async () => {
    await checkLaw(
      fc.asyncProperty(smallString, arbFn, async (e, f) => {
        await expectEquivalent(map(throwError<string, number>(e), f), throwError(e))
      })
    )
  })

  it('catchAll(of(a), h) ≡ of(a)', async () => {
    await checkLaw(
      fc.asyncProperty(smallInt, arbHandler, async (a, h) => {
        await expectEquivalent(Effect.catchAll(of<string, number>(a), h), of(a))
      })
    )
  })

  it('catchAll(throwError(e), h) ≡ h(e)', async () => {
    await checkLaw(
      fc.asyncProperty(smallString, arbHandler, async (e, h) => {
        await expectEquivalent(Effect.catchAll(throwError<string, number>(e), h), h(e))
        await expectEquivalent(Effect.catchAll(Effect.fail(e), h), h(e))
      })
    )
  })

  it('catch identity: catchAll(fa, throwError) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(
          Effect.catchAll(fa, (e) => throwError<string, number>(e)),
          fa
        )
      })
    )
  })

  it('catchAll is associative: catchAll(catchAll(fa, h), k) ≡ catchAll(fa, e => catchAll(h(e), k))', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbHandler, arbHandler, async (fa, h, k) => {
        await expectEquivalent(
          Effect.catchAll(Effect.catchAll(fa, h), k),
          Effect.catchAll(fa, (e) => Effect.catchAll(h(e), k))
        )
      })
    )
  })

  it('mapError agrees with catchAll: mapError(fa, f) ≡ catchAll(fa, e => throwError(f(e)))', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbErrFn, async (fa, f) => {
        await expectEquivalent(
          Effect.mapError(fa, f),
          Effect.catchAll(fa, (e) => throwError<string, number>(f(e)))
        )
      })
    )
  })
})

describe('defects', () => {
  it('die(d) ends the process with Defect(d)', async () => {
    await checkLaw(
      fc.asyncProperty(defectValue, async (d) => {
        await expectExit(Effect.die(d), Exit.defect(d))
      })
    )
  })

  it('no combinator recovers or transforms a defect', async () => {
    await checkLaw(
      fc.asyncProperty(defectValue, arbArrow, arbHandler, arbFn, arbErrFn, async (d, f, h, g, k) => {
        const dead: Program = Effect.die(d)
        await expectEquivalent(chain(dead, f), dead)
        await expectEquivalent(map(dead, g), dead)
        await expectEquivalent(Effect.catchAll(dead, h), dead)
        await expectEquivalent(mapLeft(dead, k), dead)
        await expectEquivalent(Effect.either(dead), dead)
      })
    )
  })

  it('a throw inside map is a defect that catchAll does not see', async () => {
    await checkLaw(
      fc.asyncProperty(smallInt, defectValue, arbHandler, async (a, d, h) => {
        const thrower = (): number => {
          throw d
        }
        await expectExit(Effect.catchAll(map(of<string, number>(a), thrower), h), Exit.defect(d))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// Bifunctor
// -------------------------------------------------------------------------------------

describe('Bifunctor', () => {
  it('identity: bimap(fa, id, id) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(bimap(fa, identity, identity), fa)
      })
    )
  })

  it('composition: bimap(bimap(fa, f1, g1), f2, g2) ≡ bimap(fa, f2 ∘ f1, g2 ∘ g1)', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbErrFn, arbFn, arbErrFn, arbFn, async (fa, f1, g1, f2, g2) => {
        await expectEquivalent(bimap(bimap(fa, f1, g1), f2, g2), bimap(fa, compose(f2, f1), compose(g2, g1)))
      })
    )
  })

  it('bimap(fa, f, g) ≡ map(mapLeft(fa, f), g)', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbErrFn, arbFn, async (fa, f, g) => {
        await expectEquivalent(bimap(fa, f, g), map(mapLeft(fa, f), g))
      })
    )
  })

  it('mapLeft(fa, f) ≡ bimap(fa, f, id), and agrees with mapError', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbErrFn, async (fa, f) => {
        await expectEquivalent(mapLeft(fa, f), bimap(fa, f, identity))
        await expectEquivalent(mapLeft(fa, f), Effect.mapError(fa, f))
      })
    )
  })
})

// -------------------------------------------------------------------------------------
// either, ensuring, and the other constructors
// -------------------------------------------------------------------------------------

describe('either', () => {
  it('either(of(a)) ≡ of(right(a))', async () => {
    await checkLaw(
      fc.asyncProperty(smallInt, async (a) => {
        await expectEquivalent(Effect.either(of<string, number>(a)), of(E.right(a)))
        await expectExit(Effect.either(of<string, number>(a)), Exit.returned(E.right(a)))
      })
    )
  })

  it('either(throwError(e)) ≡ of(left(e))', async () => {
    await checkLaw(
      fc.asyncProperty(smallString, async (e) => {
        await expectEquivalent(Effect.either(throwError<string, number>(e)), of(E.left(e)))
        await expectExit(Effect.either(Effect.fail(e)), Exit.returned(E.left(e)))
      })
    )
  })

  it('either(fa) ≡ catchAll(map(fa, right), e => of(left(e)))', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(
          Effect.either(fa),
          Effect.catchAll(map(fa, E.right), (e) => of<never, E.Either<string, number>>(E.left(e)))
        )
      })
    )
  })

  it('chain(either(fa), fromEither) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, async (fa) => {
        await expectEquivalent(chain(Effect.either(fa), Effect.fromEither), fa)
      })
    )
  })
})

describe('ensuring', () => {
  it('a finalizer without side effects changes nothing: ensuring(fa, fin) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, arbSafeProgram, async (fa, fin) => {
        await expectEquivalent(Effect.ensuring(fa, Effect.either(fin)), fa)
      })
    )
  })

  it('a finalizer that dies is reported once and changes nothing: ensuring(fa, die(d)) ≡ fa', async () => {
    await checkLaw(
      fc.asyncProperty(arbProgram, defectValue, async (fa, d) => {
        const reported: Array<unknown> = []
        const rt = Runtime.make({ onError: (error) => void reported.push(error) })
        const [l, r] = await Promise.all([rt.run(Effect.ensuring(fa, Effect.die(d))), rt.run(fa)])
        expect(l).toEqual(r)
        expect(reported).toEqual([d])
      })
    )
  })
})

describe('constructors', () => {
  it('sync(() => a) ≡ of(a), suspend(() => fa) ≡ fa, and yieldNow is a unit', async () => {
    await checkLaw(
      fc.asyncProperty(smallInt, arbProgram, async (a, fa) => {
        await expectEquivalent(
          Effect.sync(() => a),
          of(a)
        )
        await expectEquivalent(
          Effect.suspend(() => fa),
          fa
        )
        await expectEquivalent(
          chain(Effect.yieldNow, () => fa),
          fa
        )
        await expectEquivalent(
          chain(fa, (x) => Effect.as(Effect.yieldNow, x)),
          fa
        )
      })
    )
  })
})
