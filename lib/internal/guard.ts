/**
 * A codec from a type guard: what a selective receive takes to match "this
 * message, with this ref" (the codec only tests, it never transforms).
 *
 * @internal
 */
import * as t from 'io-ts'

export const guard = <A>(name: string, is: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity)
