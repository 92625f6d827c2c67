/**
 * Observers that cannot take the runtime (or Node) down. A subscriber of a
 * runtime stream whose callback throws, or a piped operator that errors, is
 * reported through the runtime's `onError` (default `console.error`) instead
 * of RxJS's unhandled-error path, which rethrows on a timer and ends Node.
 * The runtime and the other subscribers carry on.
 *
 * @internal
 */
import { Observable, Subscriber, type Observer, type Operator, type Subscription, type TeardownLogic } from 'rxjs'

/** @internal */
export class Guarded<T> extends Observable<T> {
  constructor(
    subscribe: ((this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic) | undefined,
    private readonly onThrow: (error: unknown) => void
  ) {
    super(subscribe)
  }

  /** Piped streams are guarded too. */
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const o = new Guarded<R>(undefined, this.onThrow)
    o.source = this
    o.operator = operator
    return o
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((e: unknown) => void) | null,
    complete?: (() => void) | null
  ): Subscription {
    // a Subscriber is RxJS chaining its own operators: pass it through
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext)
    const o: { readonly [K in keyof Observer<T>]?: Observer<T>[K] | undefined } =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined }
        : observerOrNext
    const report = this.onThrow
    return super.subscribe({
      next: (v) => {
        if (o.next === undefined) return
        try {
          o.next(v)
        } catch (e) {
          report(e)
        }
      },
      error: (e) => {
        try {
          if (o.error === undefined) report(e)
          else o.error(e)
        } catch (e2) {
          report(e2)
        }
      },
      complete: () => {
        try {
          o.complete?.()
        } catch (e) {
          report(e)
        }
      }
    })
  }
}
