/**
 * Elixir v1.14.5 lib/elixir/test/elixir/registry_test.exs, translated.
 *
 * Elixir's match patterns, guards and match specs are predicates here
 * (`match(reg, key, pred)`, `select(reg, pred)`); each pattern is written as
 * the predicate it stands for. The cases Elixir runs with 1 and with 8
 * partitions run here with both (`partitions` is accepted; the table is one).
 */
import { describe } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import { Agent, Effect, Exit, GenServer, Process, Registry } from '../../lib/index.js'
import type { Pid } from '../../lib/Pid.js'
import { assertReceive, eq, elixir, infoOf, ok, refuteReceive } from './support.js'

const { test, skip } = elixir('registry_test.exs')

type Reg = Registry.Registry<unknown, unknown>
type Tuple = readonly [number, string, number]
const isTuple = (v: unknown): v is Tuple => Array.isArray(v) && v.length === 3

/** `register_task(registry, key, value)`: a process that registers and sleeps; its pid. */
const registerTask = (reg: Reg, key: unknown, value: unknown) =>
  Effect.gen(function* () {
    const parent = yield* Process.self
    const task = yield* Process.spawn(
      Effect.flatMap(Effect.either(Registry.register(reg, key, value)), (r) =>
        Effect.flatMap(Process.send(parent, { registered: r }), () => Effect.never)
      )
    )
    yield* assertReceive((u) => typeof u === 'object' && u !== null && 'registered' in u)
    return task
  })

const killAndAssertDown = (pid: Pid<unknown>) =>
  Effect.gen(function* () {
    const ref = yield* Process.monitor(pid)
    yield* Process.exit(pid, Exit.kill)
    yield* assertReceive((u) => Exit.Down.is(u) && u.ref === ref)
  })

const sorted = <A>(xs: ReadonlyArray<A>) =>
  [...xs].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))
const throwsTypeError = (f: () => unknown) =>
  Effect.sync(() => {
    try {
      f()
      return false
    } catch (e) {
      return e instanceof TypeError
    }
  })

/** A case Elixir runs with 1 and 8 partitions, for a registry with `keys`. */
const both =
  (keys: Registry.Keys) =>
  (
    line: number,
    name: string,
    body: (reg: Reg, rt: Parameters<Parameters<typeof test>[2]>[0], me: Pid<unknown>) => Effect.Effect<unknown, unknown>
  ) =>
    test(line, `${keys} (with 1 and 8 partitions) ${name}`, (rt) =>
      Effect.asUnit(
        Effect.traverseArray((partitions: number) =>
          Effect.gen(function* () {
            const reg = yield* Registry.startLink<unknown, unknown>({ keys, partitions })
            yield* body(reg, rt, yield* Process.self)
            yield* Effect.catchAll(GenServer.stop(reg.pid), () => Effect.unit)
            // a trapping test process: drop the stopped registry's EXIT
            yield* Process.receive(
              Process.on(Exit.exitFrom(reg.pid), () => Effect.unit),
              Process.after(0, () => Effect.unit)
            )
          })
        )([1, 8])
      )
    )

/** The cases written alike in the unique and duplicate sections. */
type CommonLine =
  | 'partitions'
  | 'count0'
  | 'unregisterNone'
  | 'linksUnlinks'
  | 'unknown'
  | 'emptySelect'
  | 'selectSpecs'
  | 'selectGuards'
  | 'selectMulti'
  | 'countSelectSpecs'
  | 'countSelectGuards'
  | 'countSelectMulti'
  | 'countMatch'
  | 'matchGuards'

const common = (keys: Registry.Keys, lines: Readonly<Record<CommonLine, number>>) => {
  const t = both(keys)
  skip(
    lines.partitions,
    `${keys} starts configured number of partitions`,
    'one table: partitions are accepted, not made'
  )
  t(lines.count0, 'counts 0 keys in an empty registry', (reg) => Effect.flatMap(Registry.count(reg), (n) => eq(n, 0)))
  t(lines.unregisterNone, 'unregisters with no entries', (reg) => Registry.unregister(reg, 'hello'))
  t(lines.linksUnlinks, 'links and unlinks on register/unregister', (reg, rt, me) =>
    Effect.gen(function* () {
      const links = Effect.map(infoOf(rt, me), (i) => i.links)
      const pid = yield* Registry.register(reg, 'hello', 'value')
      yield* ok((yield* links).includes(pid), 'linked')
      yield* Registry.register(reg, 'world', 'value')
      yield* Registry.unregister(reg, 'hello')
      yield* ok((yield* links).includes(pid), 'still linked')
      yield* Registry.unregister(reg, 'world')
      yield* ok(!(yield* links).includes(pid), 'unlinked')
    })
  )
  test(lines.unknown, `${keys} raises on unknown registry name`, () =>
    Effect.flatMap(
      throwsTypeError(() => Registry.register('unknown' as never, 'hello', 'value')),
      (b) => ok(b)
    )
  )
  t(lines.emptySelect, 'empty list for empty registry', (reg) =>
    Effect.flatMap(
      Registry.select(reg, () => true),
      (l) => eq(l, [])
    )
  )
  t(lines.countSelectMulti, 'count_select allows multiple specs', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(yield* Registry.countSelect(reg, (e) => e.key === 'hello' || e.key === 'world'), 2)
    })
  )
  t(lines.selectMulti, 'select allows multiple specs', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'world', 'value')
      const keys = (yield* Registry.select(reg, (e) => e.key === 'hello' || e.key === 'world')).map((e) => e.key)
      yield* eq(sorted(keys), ['hello', 'world'])
    })
  )
  t(lines.matchGuards, 'count_match supports guard conditions', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', [1, 'atom', 2])
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && v[2] > 1), 1)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && v[2] > 2), 0)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && typeof v[1] === 'string'), 1)
    })
  )
  t(lines.countMatch, 'count_match supports match patterns', (reg) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 1]
      yield* Registry.register(reg, 'hello', value)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && v[0] === 1), 1)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && Object.is(v[0], 1.5)), 0)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && v[1] === 'atom'), 1)
      yield* eq(yield* Registry.countMatch(reg, 'hello', (v) => isTuple(v) && v[0] === v[2]), 1)
      yield* eq(yield* Registry.countMatch(reg, 'hello', () => true), 1)
      yield* eq(yield* Registry.countMatch(reg, '_', () => true), 0)
      yield* Registry.register(reg, 'world', { a: 'a', b: 'b' })
      yield* eq(yield* Registry.countMatch(reg, 'world', (v) => (v as { b?: unknown }).b === 'b'), 1)
    })
  )
  t(lines.countSelectSpecs, 'count_select supports match specs', (reg, _rt, _me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 1] as const
      yield* Registry.register(reg, 'hello', value)
      yield* eq(yield* Registry.countSelect(reg, (e) => e.value === value), 1)
      yield* eq(yield* Registry.countSelect(reg, (e) => e.key === 'hello'), 1)
      yield* eq(
        yield* Registry.countSelect(reg, (e) => isTuple(e.value) && e.value[0] === 1 && e.value[1] === 'atom'),
        1
      )
      yield* eq(yield* Registry.countSelect(reg, (e) => isTuple(e.value) && e.value[0] === e.value[2]), 1)
      yield* eq(yield* Registry.countSelect(reg, (e) => e.key === 'hello' && e.value === null), 0)
      yield* Registry.register(reg, 'world', { a: 'a', b: 'b' })
      yield* eq(yield* Registry.countSelect(reg, (e) => e.key === 'world'), 1)
    })
  )
  t(lines.countSelectGuards, 'count_select supports guard conditions', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', [1, 'atom', 2])
      yield* eq(yield* Registry.countSelect(reg, (e) => isTuple(e.value) && typeof e.value[1] === 'string'), 1)
      yield* eq(yield* Registry.countSelect(reg, (e) => isTuple(e.value) && e.value[2] > 1), 1)
      yield* eq(yield* Registry.countSelect(reg, (e) => isTuple(e.value) && e.value[2] > 2), 0)
    })
  )
  t(lines.selectGuards, 'select supports guard conditions', (reg, _rt, me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 2] as const
      yield* Registry.register(reg, 'hello', value)
      const all = (pred: (e: Registry.Entry<unknown, unknown>) => boolean) => Registry.select(reg, pred)
      yield* eq(
        (yield* all((e) => isTuple(e.value) && e.value[2] > 1)).map((e) => [e.key, e.pid, e.value]),
        [['hello', me, value]]
      )
      yield* eq(yield* all((e) => isTuple(e.value) && e.value[2] > 2), [])
      yield* eq(
        (yield* all((e) => isTuple(e.value) && typeof e.value[1] === 'string')).map((e) => e.key),
        ['hello']
      )
    })
  )
  t(lines.selectSpecs, 'select supports full match specs', (reg, _rt, me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 1] as const
      yield* Registry.register(reg, 'hello', value)
      const rows = (pred: (e: Registry.Entry<unknown, unknown>) => boolean) =>
        Effect.map(Registry.select(reg, pred), (l) => l.map((e) => [e.key, e.pid, e.value]))
      const hello = [['hello', me, value]]
      yield* eq(yield* rows((e) => e.key === 'hello'), hello)
      yield* eq(yield* rows((e) => e.pid === me), hello)
      yield* eq(yield* rows((e) => e.value === value), hello)
      yield* eq(yield* rows((e) => e.key === 'world'), [])
      yield* eq(yield* rows((e) => isTuple(e.value) && Object.is(e.value[0], 1.5)), [])
      yield* eq(yield* rows((e) => isTuple(e.value) && e.value[1] === 'atom'), hello)
      yield* eq(yield* rows((e) => isTuple(e.value) && e.value[0] === e.value[2]), hello)
      yield* Registry.register(reg, 'world', { a: 'a', b: 'b' })
      yield* eq(
        (yield* Registry.select(
          reg,
          (e) => e.key === 'world' && e.pid === me && (e.value as { b?: unknown }).b === 'b'
        )).map(() => 'match'),
        ['match']
      )
      yield* eq(sorted((yield* Registry.select(reg, () => true)).map((e) => e.key)), ['hello', 'world'])
    })
  )
}

describe('registry_test.exs', () => {
  const u = both('unique')
  common('unique', {
    partitions: 20,
    count0: 24,
    unregisterNone: 203,
    linksUnlinks: 230,
    unknown: 248,
    emptySelect: 279,
    selectSpecs: 293,
    selectGuards: 341,
    selectMulti: 362,
    countSelectSpecs: 380,
    countSelectGuards: 394,
    countSelectMulti: 414,
    countMatch: 107,
    matchGuards: 122
  })

  u(28, 'counts the number of keys in a registry', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(yield* Registry.count(reg), 2)
    })
  )

  u(35, 'has unique registrations', (reg, _rt, me) =>
    Effect.gen(function* () {
      const pid = yield* Registry.register(reg, 'hello', 'value')
      yield* ok(Process.pid.is(pid))
      yield* eq(yield* Registry.keys(reg, me), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), ['value'])
      yield* eq(
        yield* Effect.either(Registry.register(reg, 'hello', 'value')),
        E.left({ _tag: 'AlreadyRegistered', pid: me })
      )
      yield* eq(yield* Registry.keys(reg, me), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), ['value'])
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello', 'world'])
    })
  )

  u(51, 'has unique registrations across processes', (reg, rt, me) =>
    Effect.gen(function* () {
      const task = yield* registerTask(reg, 'hello', 'value')
      yield* Process.link(reg.pid)
      yield* eq(yield* Registry.keys(reg, task), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', task), ['value'])
      yield* eq(
        yield* Effect.either(Registry.register(reg, 'hello', 'recent')),
        E.left({ _tag: 'AlreadyRegistered', pid: task })
      )
      yield* eq(yield* Registry.keys(reg, me), [])
      yield* eq(yield* Registry.values(reg, 'hello', me), [])
      yield* ok((yield* infoOf(rt, me)).links.includes(reg.pid), 'linked to the registry')
      yield* Process.unlink(reg.pid)
    })
  )

  skip(67, 'unique has unique registrations even if partition is delayed', 'no :sys.suspend of a partition')

  u(79, 'supports match patterns', (reg, _rt, me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 1] as const
      yield* Registry.register(reg, 'hello', value)
      const m = (pred: (v: unknown) => boolean, key: unknown = 'hello') => Registry.match(reg, key, pred)
      yield* eq(yield* m((v) => isTuple(v) && v[0] === 1), [[me, value]])
      yield* eq(yield* m((v) => isTuple(v) && Object.is(v[0], 1.5)), [])
      yield* eq(yield* m((v) => isTuple(v) && v[1] === 'atom'), [[me, value]])
      yield* eq(yield* m((v) => isTuple(v) && v[0] === v[2]), [[me, value]])
      yield* eq(yield* m(() => true), [[me, value]])
      yield* eq(yield* m(() => true, '_'), [])
      const value2 = { a: 'a', b: 'b' }
      yield* Registry.register(reg, 'world', value2)
      yield* eq(yield* m((v) => (v as { b?: unknown }).b === 'b', 'world'), [[me, value2]])
    })
  )

  u(94, 'supports guard conditions', (reg, _rt, me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 2] as const
      yield* Registry.register(reg, 'hello', value)
      yield* eq(yield* Registry.match(reg, 'hello', (v) => isTuple(v) && v[2] > 1), [[me, value]])
      yield* eq(yield* Registry.match(reg, 'hello', (v) => isTuple(v) && v[2] > 2), [])
      yield* eq(yield* Registry.match(reg, 'hello', (v) => isTuple(v) && typeof v[1] === 'string'), [[me, value]])
    })
  )

  u(131, 'unregister_match supports patterns', (reg, _rt, me) =>
    Effect.gen(function* () {
      const value = [1, 'atom', 1] as const
      yield* Registry.register(reg, 'hello', value)
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[0] === 2)
      yield* eq(yield* Registry.lookup(reg, 'hello'), [[me, value]])
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && Object.is(v[0], 1.5))
      yield* eq(yield* Registry.lookup(reg, 'hello'), [[me, value]])
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[1] === 'atom')
      yield* eq(yield* Registry.lookup(reg, 'hello'), [])
    })
  )

  u(143, 'unregister_match supports guards', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', [1, 'atom', 1])
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[0] < 2)
      yield* eq(yield* Registry.lookup(reg, 'hello'), [])
    })
  )

  u(151, 'unregister_match supports tricky keys', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, '_', 'foo')
      yield* Registry.register(reg, 'hello', 'b')
      yield* Registry.unregisterMatch(reg, '_', (v) => v === 'foo')
      yield* eq(yield* Registry.lookup(reg, '_'), [])
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello'])
    })
  )

  skip(160, 'unique compares using ===', 'JavaScript has one number type: 1.0 and 1 are the same key')

  u(166, 'updates current process value', (reg, _rt, me) =>
    Effect.gen(function* () {
      const boom = (): never => {
        throw new Error('never called')
      }
      yield* eq(yield* Registry.updateValue(reg, 'hello', boom), O.none)
      yield* registerTask(reg, 'hello', 'value')
      yield* eq(yield* Registry.updateValue(reg, 'hello', boom), O.none)
      yield* Registry.register(reg, 'world', 1)
      yield* eq(yield* Registry.lookup(reg, 'world'), [[me, 1]])
      yield* eq(yield* Registry.updateValue(reg, 'world', (n) => (n as number) + 1), O.some([2, 1]))
      yield* eq(yield* Registry.lookup(reg, 'world'), [[me, 2]])
    })
  )

  u(177, 'dispatches to a single key', (reg) =>
    Effect.gen(function* () {
      yield* Registry.dispatch(reg, 'hello', () => Effect.die(new Error('will never be invoked')))
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.dispatch(reg, 'hello', (entries) =>
        Effect.traverseArray(([pid, value]: readonly [Pid<unknown>, unknown]) =>
          Process.send(pid, ['dispatch', value])
        )(entries)
      )
      yield* assertReceive((m) => Array.isArray(m) && m[0] === 'dispatch' && m[1] === 'value', 0)
    })
  )

  u(189, 'unregisters process by key', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.unregister(reg, 'hello')
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello', 'world'])
      yield* Registry.unregister(reg, 'hello')
      yield* eq(yield* Registry.keys(reg, me), ['world'])
      yield* Registry.unregister(reg, 'world')
      yield* eq(yield* Registry.keys(reg, me), [])
    })
  )

  u(207, 'unregisters with tricky keys', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, '_', 'foo')
      yield* Registry.register(reg, 'hello', 'b')
      yield* Registry.unregister(reg, '_')
      yield* eq(yield* Registry.lookup(reg, '_'), [])
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello'])
    })
  )

  const listeners = (keys: Registry.Keys, line: number, second: string) =>
    test(line, `${keys} (with 1 and 8 partitions) allows listeners`, () =>
      Effect.asUnit(
        Effect.traverseArray((partitions: number) =>
          Effect.gen(function* () {
            const me = yield* Process.self
            const reg = yield* Registry.startLink<unknown, unknown>({ keys, partitions, listeners: [me] })
            const task = yield* registerTask(reg, 'hello', 'world')
            const is = (tag: string, key: string, pid: Pid<unknown>, value?: unknown) => (m: unknown) =>
              typeof m === 'object' &&
              m !== null &&
              (m as Registry.Registered<unknown, unknown>)._tag === tag &&
              (m as Registry.Registered<unknown, unknown>).registry === reg.pid &&
              (m as Registry.Registered<unknown, unknown>).key === key &&
              (m as Registry.Registered<unknown, unknown>).pid === pid &&
              (value === undefined || (m as Registry.Registered<unknown, unknown>).value === value)
            yield* assertReceive(is('Registry.Registered', 'hello', task, 'world'), 0)
            yield* Registry.register(reg, second, 'value')
            yield* assertReceive(is('Registry.Registered', second, me, 'value'), 0)
            yield* Registry.unregister(reg, second)
            yield* assertReceive(is('Registry.Unregistered', second, me), 0)
            yield* Process.exit(task, Exit.kill)
            yield* GenServer.stop(reg.pid)
          })
        )([1, 8])
      )
    )
  listeners('unique', 217, 'world')

  u(254, 'via callbacks', (reg) =>
    Effect.gen(function* () {
      const name = Registry.via(reg, 'hello')
      const pid = yield* Agent.startLink(() => 0, { name })
      yield* Agent.update(name, (n: number) => n + 1)
      yield* eq(yield* Agent.get(name, (n: number) => n), 1)
      yield* ok(
        E.isLeft(
          yield* Effect.either(
            Agent.start((): number => {
              throw new Error('oops')
            })
          )
        )
      )
      yield* eq(yield* Effect.either(Agent.start(() => 0, { name })), E.left({ _tag: 'AlreadyStarted', pid }))
      yield* Process.unlink(pid)
      yield* Process.exit(pid, Exit.kill)
    })
  )

  u(273, 'uses value provided in via', (reg) =>
    Effect.gen(function* () {
      const pid = yield* Agent.startLink(() => 0, { name: Registry.via(reg, 'hello', 'value') })
      yield* eq(yield* Registry.lookup(reg, 'hello'), [[pid, 'value']])
      yield* Process.unlink(pid)
      yield* Process.exit(pid, Exit.kill)
    })
  )

  u(283, 'select all', (reg, _rt, me) =>
    Effect.gen(function* () {
      const pid = yield* Agent.startLink(() => 0, { name: Registry.via(reg, 'hello') })
      yield* Registry.register(reg, 'world', 'value')
      const rows = (yield* Registry.select(reg, () => true)).map((e) => [e.key, e.pid, e.value])
      yield* eq(
        sorted(rows),
        sorted([
          ['hello', pid, undefined],
          ['world', me, 'value']
        ])
      )
      yield* Process.unlink(pid)
      yield* Process.exit(pid, Exit.kill)
    })
  )

  test(374, 'unique select raises on incorrect shape of match spec', () =>
    Effect.gen(function* () {
      const reg = yield* Registry.startLink<unknown, unknown>({ keys: 'unique' })
      yield* ok(yield* throwsTypeError(() => Registry.select(reg, [{}] as never)))
    })
  )
  test(425, 'unique count_select raises on incorrect shape of match spec', () =>
    Effect.gen(function* () {
      const reg = yield* Registry.startLink<unknown, unknown>({ keys: 'unique' })
      yield* ok(yield* throwsTypeError(() => Registry.countSelect(reg, [{}] as never)))
    })
  )

  u(431, "doesn't grow ets on already_registered", (reg) =>
    Effect.gen(function* () {
      yield* eq(yield* Registry.count(reg), 0)
      yield* Registry.register(reg, 'hello', 'value')
      yield* eq(yield* Registry.count(reg), 1)
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(yield* Registry.count(reg), 2)
      yield* ok(E.isLeft(yield* Effect.either(Registry.register(reg, 'hello', 'value'))))
      yield* eq(yield* Registry.count(reg), 2)
    })
  )

  u(449, "doesn't grow ets on already_registered across processes", (reg) =>
    Effect.gen(function* () {
      yield* eq(yield* Registry.count(reg), 0)
      const task = yield* registerTask(reg, 'hello', 'value')
      yield* eq(yield* Registry.count(reg), 1)
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(yield* Registry.count(reg), 2)
      yield* eq(
        yield* Effect.either(Registry.register(reg, 'hello', 'recent')),
        E.left({ _tag: 'AlreadyRegistered', pid: task })
      )
      yield* eq(yield* Registry.count(reg), 2)
    })
  )

  const d = both('duplicate')
  common('duplicate', {
    partitions: 474,
    count0: 478,
    unregisterNone: 619,
    linksUnlinks: 750,
    unknown: 768,
    emptySelect: 781,
    selectSpecs: 794,
    selectGuards: 842,
    selectMulti: 863,
    countSelectSpecs: 875,
    countSelectGuards: 889,
    countSelectMulti: 909,
    countMatch: 672,
    matchGuards: 687
  })

  d(482, 'counts the number of keys in a registry', (reg) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'hello', 'value')
      yield* eq(yield* Registry.count(reg), 2)
    })
  )

  d(489, 'has duplicate registrations', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* ok(Process.pid.is(yield* Registry.register(reg, 'hello', 'value')))
      yield* eq(yield* Registry.keys(reg, me), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), ['value'])
      yield* ok(Process.pid.is(yield* Registry.register(reg, 'hello', 'value')))
      yield* eq(yield* Registry.keys(reg, me), ['hello', 'hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), ['value', 'value'])
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello', 'hello', 'world'])
    })
  )

  d(505, 'has duplicate registrations across processes', (reg, _rt, me) =>
    Effect.gen(function* () {
      const task = yield* registerTask(reg, 'hello', 'world')
      yield* eq(yield* Registry.keys(reg, me), [])
      yield* eq(yield* Registry.keys(reg, task), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), [])
      yield* eq(yield* Registry.values(reg, 'hello', task), ['world'])
      yield* Registry.register(reg, 'hello', 'value')
      yield* eq(yield* Registry.keys(reg, me), ['hello'])
      yield* eq(yield* Registry.values(reg, 'hello', me), ['value'])
    })
  )

  skip(517, 'duplicate compares using matches', 'JavaScript has one number type: 1.0 and 1 are the same key')

  const dispatches = (line: number, name: string) =>
    d(line, name, (reg, _rt, me) =>
      Effect.gen(function* () {
        yield* Process.trapExit(true)
        const send = (entries: ReadonlyArray<readonly [Pid<unknown>, unknown]>) =>
          Effect.gen(function* () {
            yield* eq(yield* Process.self, me)
            for (const [pid, value] of entries) yield* Process.send(pid, ['dispatch', value])
          })
        const got = (v: string) => (m: unknown) => Array.isArray(m) && m[0] === 'dispatch' && m[1] === v
        yield* Registry.dispatch(reg, 'hello', () => Effect.die(new Error('will never be invoked')))
        yield* Registry.register(reg, 'hello', 'value1')
        yield* Registry.register(reg, 'hello', 'value2')
        yield* Registry.register(reg, 'world', 'value3')
        yield* Registry.dispatch(reg, 'hello', send)
        yield* assertReceive(got('value1'), 0)
        yield* assertReceive(got('value2'), 0)
        yield* refuteReceive(got('value3'))
        yield* Registry.dispatch(reg, 'world', send)
        yield* refuteReceive(got('value1'))
        yield* refuteReceive(got('value2'))
        yield* assertReceive(got('value3'), 0)
        yield* refuteReceive((m) => Exit.ExitSignal.is(m))
      })
    )
  dispatches(523, 'dispatches to multiple keys in serial')
  skip(
    559,
    'duplicate dispatches to multiple keys in parallel',
    'no parallel dispatch: dispatch runs in the caller (the serial form, line 523)'
  )

  d(606, 'unregisters by key', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'world', 'value')
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello', 'hello', 'world'])
      yield* Registry.unregister(reg, 'hello')
      yield* eq(yield* Registry.keys(reg, me), ['world'])
      yield* Registry.unregister(reg, 'world')
      yield* eq(yield* Registry.keys(reg, me), [])
    })
  )

  d(623, 'unregisters with tricky keys', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, '_', 'foo')
      yield* Registry.register(reg, '_', 'bar')
      yield* Registry.register(reg, 'hello', 'a')
      yield* Registry.register(reg, 'hello', 'b')
      yield* Registry.unregister(reg, '_')
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['hello', 'hello'])
    })
  )

  const v1 = [1, 'atom', 1] as const
  const v2 = [2, 'atom', 2] as const
  d(633, 'supports match patterns', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', v1)
      yield* Registry.register(reg, 'hello', v2)
      const m = (pred: (v: unknown) => boolean) => Registry.match(reg, 'hello', pred)
      yield* eq(yield* m((v) => isTuple(v) && v[0] === 1), [[me, v1]])
      yield* eq(yield* m((v) => isTuple(v) && Object.is(v[0], 1.5)), [])
      yield* eq(yield* m((v) => isTuple(v) && v[1] === 'atom'), [
        [me, v1],
        [me, v2]
      ])
      yield* eq(yield* m((v) => isTuple(v) && v[0] === v[2]), [
        [me, v1],
        [me, v2]
      ])
      yield* eq(yield* m((v) => isTuple(v) && v[0] === 2), [[me, v2]])
      yield* eq(yield* m((v) => isTuple(v) && Object.is(v[0], 2.5)), [])
    })
  )

  d(653, 'supports guards', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', v1)
      yield* Registry.register(reg, 'hello', v2)
      const m = (pred: (v: Tuple) => boolean) => Registry.match(reg, 'hello', (v) => isTuple(v) && pred(v))
      yield* eq(yield* m((v) => v[0] < 2), [[me, v1]])
      yield* eq(yield* m((v) => v[0] > 3), [])
      yield* eq(yield* m((v) => v[0] < 3), [
        [me, v1],
        [me, v2]
      ])
      yield* eq(yield* m((v) => typeof v[1] === 'string'), [
        [me, v1],
        [me, v2]
      ])
    })
  )

  d(696, 'unregister_match supports patterns', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', v1)
      yield* Registry.register(reg, 'hello', v2)
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[0] === 2)
      yield* eq(yield* Registry.lookup(reg, 'hello'), [[me, v1]])
      yield* Registry.register(reg, 'hello', v2)
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && Object.is(v[0], 2.5))
      yield* eq(yield* Registry.lookup(reg, 'hello'), [
        [me, v1],
        [me, v2]
      ])
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[1] === 'atom')
      yield* eq(yield* Registry.lookup(reg, 'hello'), [])
    })
  )

  d(713, 'unregister_match supports guards', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', v1)
      yield* Registry.register(reg, 'hello', v2)
      yield* Registry.unregisterMatch(reg, 'hello', (v) => isTuple(v) && v[0] < 2)
      yield* eq(yield* Registry.lookup(reg, 'hello'), [[me, v2]])
    })
  )

  d(724, 'unregister_match supports tricky keys', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, '_', 'foo')
      yield* Registry.register(reg, '_', 'bar')
      yield* Registry.register(reg, 'hello', 'a')
      yield* Registry.register(reg, 'hello', 'b')
      yield* Registry.unregisterMatch(reg, '_', (v) => v === 'foo')
      yield* eq(yield* Registry.lookup(reg, '_'), [[me, 'bar']])
      yield* eq(sorted(yield* Registry.keys(reg, me)), ['_', 'hello', 'hello'])
    })
  )

  listeners('duplicate', 737, 'hello')

  test(774, 'duplicate raises if attempt to be used on via', () =>
    Effect.gen(function* () {
      const reg = yield* Registry.startLink<unknown, unknown>({ keys: 'duplicate' })
      yield* ok(yield* throwsTypeError(() => Registry.via(reg, 'hello')))
    })
  )

  d(785, 'select all', (reg, _rt, me) =>
    Effect.gen(function* () {
      yield* Registry.register(reg, 'hello', 'value')
      yield* Registry.register(reg, 'hello', 'value')
      const rows = (yield* Registry.select(reg, () => true)).map((e) => [e.key, e.pid, e.value])
      yield* eq(rows, [
        ['hello', me, 'value'],
        ['hello', me, 'value']
      ])
    })
  )

  const cleanUp = (line: number, partitions: number) =>
    (['unique', 'duplicate'] as const).forEach((keys) =>
      test(line, `clean up ${keys} registry on process crash with ${partitions} partition(s)`, () =>
        Effect.gen(function* () {
          const reg = yield* Registry.startLink<unknown, unknown>({ keys, partitions })
          const task1 = yield* registerTask(reg, 'hello', 'value')
          const task2 = yield* registerTask(reg, 'world', 'value')
          yield* killAndAssertDown(task1)
          yield* killAndAssertDown(task2)
          // a call to the registry goes after the EXITs it got: the table is clean then
          yield* Registry.unregister(reg, 'sync')
          yield* eq(yield* Registry.select(reg, () => true), [])
          yield* eq(yield* Registry.keys(reg, task1), [])
        })
      )
    )
  cleanUp(928, 8)
  cleanUp(950, 1)

  test(965, 'child_spec/1 uses :name as :id', () =>
    Effect.gen(function* () {
      yield* eq(Registry.childSpec({ keys: 'unique', name: 'custom_name' }).id, 'custom_name')
      yield* eq(Registry.childSpec({ keys: 'unique' }).id, 'Registry')
    })
  )
  skip(970, 'raises if :name is missing', 'a registry is used through its handle: a name is optional')
  test(976, 'raises if :name is not an atom', () =>
    Effect.flatMap(
      throwsTypeError(() => Registry.startLink({ keys: 'unique', name: [] as never })),
      (b) => ok(b)
    )
  )
  skip(982, 'raises if :compressed is not a boolean', 'no ETS compression option')

  test(988, 'unregistration on crash with {registry, key, value} via tuple', () =>
    Effect.gen(function* () {
      const reg = yield* Registry.startLink<unknown, unknown>({ keys: 'unique' })
      yield* Process.trapExit(true)
      const r = yield* Effect.either(
        Agent.startLink(
          (): number => {
            throw new Error('some error')
          },
          { name: Registry.via(reg, 'name', 'value') }
        )
      )
      yield* ok(E.isLeft(r) && r.left._tag === 'InitFailed' && r.left.reason._tag === 'Defect', '{%RuntimeError{}, _}')
      yield* assertReceive((m) => Exit.ExitSignal.is(m))
      yield* Registry.unregister(reg, 'sync')
      yield* eq(yield* Registry.lookup(reg, 'name'), [])
    })
  )

  const sendWorks = (line: number, name: string, value: unknown) =>
    test(line, name, () =>
      Effect.gen(function* () {
        const reg = yield* Registry.startLink<unknown, unknown>({ keys: 'unique' })
        yield* Registry.register(reg, 'self', value)
        yield* GenServer.cast(Registry.via(reg, 'self'), 'message')
        yield* assertReceive(
          (m) => typeof m === 'object' && m !== null && (m as { request?: unknown }).request === 'message',
          0
        )
      })
    )
  sendWorks(995, 'send works', undefined)
  sendWorks(1002, 'send works with value', 'value')
})
