/**
 * The mailbox (`lib/internal/mailbox.ts`) against a model: a list of the
 * waiting messages, each numbered in arrival order since the mailbox was last
 * empty, and the cursor of a waiting receive. Arbitrary runs of arrivals
 * (bursts of thousands, so that messages span many chunks and passed chunks
 * are let go), selective receives (fresh, from the oldest message; or resumed,
 * from the cursor) and takes of the oldest messages (up to thousands in a row)
 * give the same answers and leave the same messages, in the same order, as
 * the model. Two fixed runs cover a long mailbox drained past many chunks.
 */
import { describe, expect, it } from 'vitest'
import * as fc from 'fast-check'
import * as t from 'io-ts'
import { onClause } from '../lib/internal/clause.js'
import { Mailbox, NO_MATCH } from '../lib/internal/mailbox.js'
import { UNIT, type Op } from '../lib/internal/op.js'
import { NUM_RUNS } from './helpers.js'

/** The numbers `n` with `n % k === r`: a codec decided by `is` (its decoded value is the message). `k` 0 stands for `t.unknown`, which takes anything, even a slot emptied by a take. */
const residue = (k: number, r: number) =>
  new t.Type<number, number, unknown>(
    `n % ${k} == ${r}`,
    (u): u is number => typeof u === 'number' && u % k === r,
    (u, c) => (typeof u === 'number' && u % k === r ? t.success(u) : t.failure(u, c)),
    t.identity
  )

type Step =
  | { readonly op: 'push'; readonly v: number }
  | { readonly op: 'burst'; readonly n: number }
  | { readonly op: 'select'; readonly k: number; readonly r: number; readonly resume: boolean }
  | { readonly op: 'takeOldest'; readonly n: number }

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), v: fc.nat(99) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), n: fc.integer({ min: 1, max: 5_000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('select' as const),
      k: fc.integer({ min: 0, max: 7 }),
      r: fc.nat(6),
      resume: fc.boolean()
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('takeOldest' as const),
      n: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5_000 }))
    })
  }
)

/** The model: the waiting messages with their numbers (oldest first, from `start`), the next number, the cursor. */
class Model {
  private all: Array<{ readonly n: number; readonly v: number }> = []
  private start = 0
  next = 0
  cursor = 0

  get length(): number {
    return this.all.length - this.start
  }

  /** The `i`th waiting message, oldest first. */
  nth(i: number): { readonly n: number; readonly v: number } | undefined {
    return this.all[this.start + i]
  }

  /** The position of the oldest waiting message `pred` accepts, or -1. */
  findIndex(pred: (m: { readonly n: number; readonly v: number }) => boolean): number {
    for (let i = this.start; i < this.all.length; i++) if (pred(this.all[i]!)) return i - this.start
    return -1
  }

  values(): Array<number> {
    return this.all.slice(this.start).map((m) => m.v)
  }

  push(v: number): void {
    this.all.push({ n: this.next++, v })
  }

  /** Removes the message at position `at`; an emptied mailbox numbers from 0 again. */
  remove(at: number): void {
    if (at === 0) this.start++
    else this.all.splice(this.start + at, 1)
    if (this.length === 0) {
      this.all = []
      this.start = this.next = this.cursor = 0
    }
  }
}

const handler = (): Op => UNIT

/** Runs `steps` on a mailbox made by `first` and on the model, checking them against each other at every step. */
const run = (first: number, steps: ReadonlyArray<Step>): void => {
  const box = new Mailbox(first)
  const model = new Model()
  model.push(first)
  for (const step of steps) {
    switch (step.op) {
      case 'push':
        box.push(step.v)
        model.push(step.v)
        break
      case 'burst':
        for (let i = 0; i < step.n; i++) {
          box.push(i % 100)
          model.push(i % 100)
        }
        break
      case 'select': {
        const clause = onClause(step.k === 0 ? t.unknown : residue(step.k, step.r), handler)
        const from = step.resume ? box.cursor : box.first
        expect(from).toBe(step.resume ? model.cursor : (model.nth(0)?.n ?? 0))
        const got = box.select(clause, from)
        const at = model.findIndex((m) => m.n >= from && (step.k === 0 || m.v % step.k === step.r))
        if (at < 0) {
          expect(got).toBe(NO_MATCH)
          model.cursor = model.next
        } else {
          const want = model.nth(at)!.v
          expect([got, box.taken, box.handler]).toEqual([want, want, handler])
          model.remove(at)
        }
        break
      }
      case 'takeOldest':
        for (let i = 0; i < step.n && model.length > 0; i++) {
          expect(box.at(box.first)).toBe(model.nth(0)!.v)
          box.take(box.first)
          model.remove(0)
        }
        break
    }
    expect(box.isEmpty).toBe(model.length === 0)
    expect(box.size).toBe(model.length)
    expect(box.cursor).toBe(model.cursor)
  }
  expect(box.messages()).toEqual(model.values())
  const at42 = model.findIndex((m) => m.v === 42)
  expect(box.indexOf((m) => m === 42)).toBe(at42 < 0 ? -1 : model.nth(at42)!.n)
}

describe('the mailbox, against a model', () => {
  it('keeps the waiting messages in order through arrivals, selective receives and takes', () => {
    fc.assert(fc.property(fc.nat(99), fc.array(arbStep, { maxLength: 30 }), run), { numRuns: NUM_RUNS })
  })

  it('a long mailbox drained past many chunks (and past the shedding of the chunk list) stays in order', () => {
    const select = (k: number, r: number, resume: boolean): Step => ({ op: 'select', k, r, resume })
    run(1, [
      { op: 'burst', n: 40_000 },
      select(7, 3, false),
      { op: 'takeOldest', n: 17_000 },
      select(5, 4, false),
      { op: 'push', v: 42 },
      select(3, 9, false),
      { op: 'burst', n: 3_000 },
      select(3, 1, true),
      { op: 'takeOldest', n: 21_000 },
      select(2, 0, false),
      { op: 'takeOldest', n: 5_000 }
    ])
    run(2, [{ op: 'burst', n: 70_000 }, { op: 'takeOldest', n: 69_990 }, { op: 'push', v: 42 }, select(1, 0, false)])
  })
})
