// The RxJS classes the library loads from their own modules (lib/internal/rx.ts) are the
// barrel's: an Observable made by the library is an `rxjs` Observable, and `isObservable`
// accepts what `rxjs` makes.
import * as rxjs from 'rxjs'
import { describe, expect, it } from 'vitest'
import * as rx from '../lib/internal/rx.js'

describe('RxJS loaded by subpath', () => {
  it('is the same Observable, Subject and isObservable as the rxjs barrel', () => {
    expect(rx.Observable).toBe(rxjs.Observable)
    expect(rx.Subject).toBe(rxjs.Subject)
    expect(rx.isObservable).toBe(rxjs.isObservable)
    expect(rx.isObservable(rxjs.of(1))).toBe(true)
    expect(new rx.Subject<number>()).toBeInstanceOf(rxjs.Observable)
  })
})
