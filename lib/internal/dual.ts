/**
 * Fixed-arity data-first / data-last helper (fp-ts keeps its own `dual`
 * internal). `dual(2, body)` is called as `f(self, b)` or `f(b)(self)`; the
 * overloads come from the declared type of the constant it initialises.
 *
 * @internal
 */
export const dual = <F>(arity: 2 | 3, body: Function): F => {
  const f = body as (...args: Array<unknown>) => unknown
  if (arity === 2) {
    return function (a: unknown, b?: unknown) {
      return arguments.length >= 2 ? f(a, b) : (self: unknown) => f(self, a)
    } as F
  }
  return function (a: unknown, b: unknown, c?: unknown) {
    return arguments.length >= 3 ? f(a, b, c) : (self: unknown) => f(self, a, b)
  } as F
}
