/**
 * The hostile-input sweep: every function the package exports (and the
 * methods of a `Runtime` and a `TestRuntime`), called from untyped
 * JavaScript with wrong types, NaN, negative and huge numbers, `__proto__`
 * names, objects without a prototype, objects whose `toString` throws,
 * Proxies whose traps throw, cycles, throwing callbacks. Each call must
 * throw an `Error` that names the function (or, for a hostile Proxy, the
 * Proxy's own error), or return; what it returns is used: an Effect is run
 * as a process, a Promise awaited, an Observable subscribed, a function
 * called with the same input. Nothing may escape as an uncaught exception or
 * an unhandled rejection, and after every batch the runtime must still run
 * a process and shut down.
 */
import * as t from 'io-ts'
import * as Lib from '../../lib/index.js'
import { Effect, Exit, Runtime, TestRuntime } from '../../lib/index.js'
import { within } from './programs.js'

// -------------------------------------------------------------------------------------
// inputs
// -------------------------------------------------------------------------------------

/** The error every hostile input throws when touched, so it can be told from the library's own. */
export class HostileInput extends Error {}

class ThrowingToString {
  toString(): string {
    throw new HostileInput('toString')
  }
}

const trap = (): never => {
  throw new HostileInput('trap')
}

/** A bad input: what it is, and how to make a fresh one. */
export interface Bad {
  readonly what: string
  readonly make: () => unknown
  /** A Proxy whose traps throw: the function may throw the trap's own error. */
  readonly hostile?: boolean
}

export const BAD: ReadonlyArray<Bad> = [
  { what: 'null', make: () => null },
  { what: 'undefined', make: () => undefined },
  { what: 'NaN', make: () => Number.NaN },
  { what: '-1', make: () => -1 },
  { what: '-Infinity', make: () => -Infinity },
  { what: 'Infinity', make: () => Infinity },
  { what: '2^53', make: () => 2 ** 53 },
  { what: '1e308', make: () => 1e308 },
  { what: '0.5', make: () => 0.5 },
  { what: 'empty string', make: () => '' },
  { what: '"__proto__"', make: () => '__proto__' },
  { what: '"constructor"', make: () => 'constructor' },
  { what: 'true', make: () => true },
  { what: 'a symbol', make: () => Symbol('bad') },
  { what: 'a bigint', make: () => 10n },
  { what: '{}', make: () => ({}) },
  { what: '[]', make: () => [] },
  { what: 'a null-prototype object', make: () => Object.assign(Object.create(null) as object, { _tag: 'Normal' }) },
  { what: 'an object whose toString throws', make: () => new ThrowingToString() },
  {
    what: 'a cyclic object',
    make: () => {
      const o: Record<string, unknown> = { _tag: 'Custom' }
      o['reason'] = o
      o['self'] = o
      return o
    }
  },
  {
    what: 'a Proxy whose traps throw',
    hostile: true,
    make: () =>
      new Proxy(
        {},
        { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, apply: trap }
      )
  },
  { what: 'a function returning garbage', make: () => () => 42 },
  {
    what: 'a function that throws',
    make: () => () => {
      throw new HostileInput('callback')
    }
  },
  { what: 'a forged Effect', make: () => ({ _op: 1, i0: null }) },
  { what: 'an object with __proto__ set to null', make: () => JSON.parse('{"__proto__": null, "name": 1}') as unknown }
]

/** Good values to fill the other arguments with, so a bad one is checked at each position. */
const goods = (pid: unknown): ReadonlyArray<unknown> => [
  undefined,
  Effect.unit,
  pid,
  'a-name',
  100,
  t.string,
  (x: unknown) => Effect.succeed(x),
  {}
]

// -------------------------------------------------------------------------------------
// entry points
// -------------------------------------------------------------------------------------

/** A public function: its qualified name and how to call it. */
export interface Entry {
  readonly name: string
  readonly arity: number
  readonly call: (args: ReadonlyArray<unknown>, rt: Runtime.Runtime, test: TestRuntime.TestRuntime) => unknown
}

const RT_METHODS = ['spawn', 'register', 'send', 'run'] as const
const TEST_METHODS = ['spawn', 'send', 'register', 'advance', 'runSync', 'run'] as const

/** Exported for the package's own modules, not for users (`@internal`): not entry points. */
const INTERNAL: ReadonlySet<string> = new Set([
  'Effect.toOp',
  'Effect.fromOp',
  'Pid.toPid',
  'Pid.fromPid',
  'Pid.toRef',
  'Pid.fromRef',
  'Runtime.fromKernel',
  'Runtime.kernelOf',
  'Task.checkItems',
  'Task.streamSettings',
  'Task.pump'
])

/** Every function the package exports, and the methods of a runtime and a test runtime. */
export const entries = (): ReadonlyArray<Entry> => {
  const out: Array<Entry> = []
  for (const [ns, mod] of Object.entries(Lib)) {
    if (typeof mod === 'function') {
      out.push({ name: ns, arity: mod.length, call: (args) => (mod as (...a: Array<unknown>) => unknown)(...args) })
      continue
    }
    for (const [key, value] of Object.entries(mod as object)) {
      if (typeof value !== 'function' || INTERNAL.has(`${ns}.${key}`)) continue
      const f = value as (...a: Array<unknown>) => unknown
      const isClass = /^class\b/.test(Function.prototype.toString.call(f))
      out.push({
        name: `${ns}.${key}`,
        arity: f.length,
        call: isClass
          ? (args) => new (f as unknown as new (...a: Array<unknown>) => unknown)(...args)
          : (args) => f(...args)
      })
    }
  }
  for (const m of RT_METHODS)
    out.push({ name: `rt.${m}`, arity: 2, call: (args, rt) => (rt[m] as (...a: Array<unknown>) => unknown)(...args) })
  for (const m of TEST_METHODS)
    out.push({
      name: `testRuntime.${m}`,
      arity: 2,
      call: (args, _rt, test) => (test[m] as (...a: Array<unknown>) => unknown)(...args)
    })
  return out
}

// -------------------------------------------------------------------------------------
// the sweep
// -------------------------------------------------------------------------------------

export interface SweepResult {
  /** Calls made with at least one bad input. */
  readonly calls: number
  readonly entryPoints: number
  /** Calls that threw an error naming the function. */
  readonly named: number
  /** Calls that returned (their Effects run, Promises awaited, Observables subscribed). */
  readonly returned: number
  /** Effects that were run as processes. */
  readonly processes: number
  /** Calls that threw something unclear: not an Error naming the function. */
  readonly unclear: ReadonlyArray<string>
  /** Uncaught exceptions, unhandled rejections, a runtime that stopped working or did not shut down. */
  readonly crashes: ReadonlyArray<string>
}

/** `true` when `e` is an Error that says which function refused the input. */
const namesItself = (e: unknown, name: string): boolean => {
  if (!(e instanceof Error) || e instanceof HostileInput) return false
  const [ns, fn] = name.split('.') as [string, string | undefined]
  const m = e.message
  if (/^[A-Z][A-Za-z]*(\.[A-Za-z$]+)*[:(]/.test(m)) return true // "Effect.sleep: ...", "TestRuntime: ..."
  return (
    m.includes(name) ||
    (fn !== undefined && m.includes(fn) && m.includes(ns)) ||
    (ns === 'rt' && m.includes('Runtime.'))
  )
}

const isObservable = (u: unknown): u is { subscribe: (o: object) => { unsubscribe(): void } } =>
  typeof u === 'object' && u !== null && typeof (u as { subscribe?: unknown }).subscribe === 'function'

/**
 * Calls every entry point with every bad input, at every argument position
 * (the others filled with good values). `sample` < 1 keeps that fraction of
 * the calls (a deterministic choice), for a quick run.
 */
export const sweep = async (sample = 1, all: ReadonlyArray<Entry> = entries()): Promise<SweepResult> => {
  const crashes: Array<string> = []
  const onUncaught = (e: unknown): void => void crashes.push(`uncaught exception: ${String(e)}`)
  const onRejection = (e: unknown): void => void crashes.push(`unhandled rejection: ${String(e)}`)
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onRejection)
  const unclear: Array<string> = []
  let calls = 0
  let named = 0
  let returned = 0
  let processes = 0
  let tick = 0
  try {
    for (const entry of all) {
      const rt = Runtime.make({ finalizerTimeout: 20, onError: () => {} })
      const test = TestRuntime.make({ seed: 1 })
      const victim = rt.spawn(Effect.never)
      const fillers = goods(victim)
      const subscriptions: Array<{ unsubscribe(): void }> = []
      const pending: Array<Promise<unknown>> = []
      const use = (u: unknown, bad: Bad, depth: number): void => {
        if (Effect.isEffect(u)) {
          processes++
          try {
            rt.spawn(u)
          } catch (e) {
            unclear.push(`${entry.name}: an Effect it returned could not be spawned: ${String(e)}`)
          }
        } else if (u instanceof Promise) {
          pending.push(u.catch(() => undefined))
        } else if (isObservable(u) && depth === 0) {
          try {
            subscriptions.push(u.subscribe({ error: () => {} }))
          } catch {
            // subscribing threw synchronously: the caller sees it, nothing escapes
          }
        } else if (typeof u === 'function' && depth === 0) {
          // a data-last function (dual): apply it to the bad input too
          try {
            use((u as (a: unknown) => unknown)(bad.make()), bad, depth + 1)
          } catch (e) {
            if (!namesItself(e, entry.name) && !(bad.hostile === true && e instanceof HostileInput)) {
              /* a data-last call on a bad value: judged by its throw as well */
              unclear.push(`${entry.name}(...)(${bad.what}) threw ${describeError(e)}`)
            }
          }
        }
      }
      const arity = Math.max(1, Math.min(entry.arity, 3))
      for (const bad of BAD) {
        const forms: Array<Array<unknown>> = [Array.from({ length: arity }, () => bad.make())]
        for (let p = 0; p < arity; p++)
          for (const good of fillers) {
            const args = Array.from({ length: arity }, () => good)
            args[p] = bad.make()
            forms.push(args)
          }
        for (const args of forms) {
          if (sample < 1 && ((tick++ * 2654435761) % 1000) / 1000 >= sample) continue
          calls++
          try {
            const u = entry.call(args, rt, test)
            returned++
            use(u, bad, 0)
          } catch (e) {
            if (namesItself(e, entry.name)) named++
            else if (bad.hostile === true && e instanceof HostileInput) named++
            else
              unclear.push(
                `${entry.name}(${args.map((a) => (a === args[0] ? bad.what : typeof a)).join(', ')}) threw ${describeError(e)}`
              )
          }
        }
      }
      // let what was started run a little, then the runtime must still work and shut down
      await new Promise((r) => setTimeout(r, 5))
      await within(Promise.all(pending), 50, undefined)
      for (const s of subscriptions) s.unsubscribe()
      const ok = await within(rt.run(Effect.succeed('alive')), 2_000, 'no answer')
      if (JSON.stringify(ok) !== JSON.stringify(Exit.returned('alive')))
        crashes.push(`${entry.name}: the runtime no longer runs a process (${JSON.stringify(ok)})`)
      const down = await within(
        rt.shutdown().then(() => 'done'),
        3_000,
        'stuck'
      )
      if (down !== 'done') crashes.push(`${entry.name}: rt.shutdown() did not resolve`)
      const testDown = await within(
        test.shutdown().then(() => 'done'),
        3_000,
        'stuck'
      )
      if (testDown !== 'done') crashes.push(`${entry.name}: the test runtime's shutdown() did not resolve`)
    }
  } finally {
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onRejection)
  }
  return { calls, entryPoints: all.length, named, returned, processes, unclear, crashes }
}

const describeError = (e: unknown): string => {
  if (e instanceof Error) return `${e.name}: ${e.message.split('\n')[0] ?? ''}`
  try {
    return `a non-Error ${typeof e}`
  } catch {
    return 'something'
  }
}
