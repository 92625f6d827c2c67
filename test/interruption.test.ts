/**
 * Interruption: what happens to a process that an exit signal kills while it
 * is blocked or inside a protected region (finalizers, uninterruptible,
 * bracket, AbortSignal), rt.shutdown(), and Effect.timeout around a receive.
 */
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import * as O from 'fp-ts/lib/Option.js'
import { Effect, Exit, Process, Runtime } from '../lib/index.js'
import { Go, Ready, within, runMain, collectExits } from './support.js'

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

type Pid = Process.Pid<unknown>

const Never = t.literal('never sent')

/** Spawns `program(main)` monitored, waits for its 'ready', sends `exit(pid, reason)`; its DOWN reason. */
const killWhenReady = <E, A>(program: (main: Pid) => Effect.Effect<E, A>, reason: Exit.Reason) =>
  Effect.gen(function* () {
    const main = yield* Process.self
    const [pid, ref] = yield* Process.spawnMonitor(program(main))
    yield* within(Ready)
    yield* Process.exit(pid, reason)
    const down = yield* within(Exit.downOf(ref))
    return { pid, reason: down.reason }
  })

/** Polls until `cond` holds (at most a few seconds). */
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(cond()).toBe(true)
}

/** `true` when a reported error carries `thrown`: the value itself or a Defect of it. */
const carries = (error: unknown, thrown: unknown): boolean =>
  error === thrown || (Exit.reason.is(error) && error._tag === 'Defect' && error.defect === thrown)

interface Probe {
  aborts: number
  signal: AbortSignal | undefined
  cleanups: number
}

/** Where a process can block, and whether it goes through Effect.async (with a probe on its signal and cleanup). */
const blocks: ReadonlyArray<readonly [string, (probe: Probe) => Effect.Effect<unknown, unknown>, boolean]> = [
  ['receive', () => Process.receive(Never), false],
  [
    'receive with after',
    () =>
      Process.receive(
        Process.on(Never, Effect.succeed),
        Process.after(60_000, () => Effect.unit)
      ),
    false
  ],
  ['Effect.sleep', () => Effect.sleep(60_000), false],
  ['Process.sleep', () => Process.sleep(60_000), false],
  ['Effect.timeout(receive)', () => Effect.timeout(Process.receive(Never), 60_000), false],
  [
    'Effect.async',
    (probe) =>
      Effect.async<never, void>((_resume, signal) => {
        probe.signal = signal
        signal.addEventListener('abort', () => {
          probe.aborts++
        })
        return () => {
          probe.cleanups++
        }
      }),
    true
  ],
  ['Effect.never', () => Effect.never, false],
  ['Effect.fromTask', () => Effect.fromTask(() => new Promise<never>(() => {})), false]
]

const killReasons: ReadonlyArray<readonly [string, Exit.Reason, Exit.Reason]> = [
  ['kill', Exit.kill, Exit.killed],
  ['boom', Exit.custom('boom'), Exit.custom('boom')],
  ['shutdown', Exit.shutdown, Exit.shutdown]
]

const cases = blocks.flatMap(([name, block, isAsync]) =>
  killReasons.map(([rname, sent, expected]) => [name, rname, block, isAsync, sent, expected] as const)
)

// -------------------------------------------------------------------------------------
// tests
// -------------------------------------------------------------------------------------

describe('killing a blocked process', () => {
  it.each(cases)(
    'blocked in %s, killed with %s: ensuring, onExit and bracket release run exactly once, with the reason',
    async (_, __, block, isAsync, sent, expected) => {
      const rt = Runtime.make()
      const probe: Probe = { aborts: 0, signal: undefined, cleanups: 0 }
      const log: Array<string> = []
      const onExitReasons: Array<Exit.Reason> = []
      const releaseReasons: Array<Exit.Reason> = []
      let ensured = 0
      const target = (main: Pid) =>
        Effect.bracket(
          Effect.sync(() => {
            log.push('acquire')
            return 'resource'
          }),
          () =>
            Effect.onExit(
              Effect.ensuring(
                Effect.flatMap(Process.send(main, 'ready'), () =>
                  Effect.flatMap(block(probe), () => Effect.sync(() => log.push('unblocked')))
                ),
                Effect.sync(() => {
                  ensured++
                })
              ),
              (r) =>
                Effect.sync(() => {
                  onExitReasons.push(r)
                })
            ),
          (res, r) =>
            Effect.sync(() => {
              log.push(`release ${res}`)
              releaseReasons.push(r)
            })
        )
      const out = await runMain(rt, killWhenReady(target, sent))
      expect(out.reason).toEqual(expected)
      expect(log).toEqual(['acquire', 'release resource'])
      expect(ensured).toBe(1)
      expect(onExitReasons).toEqual([expected])
      expect(releaseReasons).toEqual([expected])
      if (isAsync) {
        expect(probe.signal?.aborted).toBe(true)
        expect(probe.aborts).toBe(1)
        expect(probe.cleanups).toBe(1)
      }
      expect(rt.processes()).toEqual([])
    }
  )

  it('the AbortSignal of an async that resumed normally is not aborted and its cleanup does not run', async () => {
    const rt = Runtime.make()
    const probe: Probe = { aborts: 0, signal: undefined, cleanups: 0 }
    const r = await rt.run(
      Effect.async<never, string>((resume, signal) => {
        probe.signal = signal
        signal.addEventListener('abort', () => {
          probe.aborts++
        })
        setTimeout(() => resume(Effect.succeed('resumed')), 5)
        return () => {
          probe.cleanups++
        }
      })
    )
    expect(r).toEqual(Exit.returned('resumed'))
    expect(probe).toEqual({ aborts: 0, signal: probe.signal, cleanups: 0 })
    expect(probe.signal?.aborted).toBe(false)
  })
})

describe('onExit sees the interrupting reason', () => {
  it.each([
    ['exit(pid, kill)', Exit.kill, Exit.killed],
    ['exit(pid, {custom, 1})', Exit.custom({ custom: 1 }), Exit.custom({ custom: 1 })],
    ['exit(pid, {shutdown, info})', Exit.shutdownWith('restart'), Exit.shutdownWith('restart')]
  ])('%s', async (_, sent, expected) => {
    const rt = Runtime.make()
    const seen: Array<Exit.Reason> = []
    const out = await runMain(
      rt,
      killWhenReady(
        (main) =>
          Effect.onExit(
            Effect.flatMap(Process.send(main, 'ready'), () => Process.receive(Never)),
            (r) => Effect.sync(() => seen.push(r))
          ),
        sent
      )
    )
    expect(out.reason).toEqual(expected)
    expect(seen).toEqual([expected])
  })

  it('the crash reason of a linked process', async () => {
    const rt = Runtime.make()
    const seen: Array<Exit.Reason> = []
    const Partner = t.type({ _tag: t.literal('partner'), pid: Process.pid })
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const main = yield* Process.self
        const [target, ref] = yield* Process.spawnMonitor(
          Effect.onExit(
            Effect.gen(function* () {
              const partner = yield* Process.spawnLink(
                Effect.flatMap(Process.receive(Go), () => Effect.fail('partner'))
              )
              yield* Process.send(main, { _tag: 'partner', pid: partner })
              return yield* Process.receive(Never)
            }),
            (r) => Effect.sync(() => seen.push(r))
          )
        )
        const { pid } = yield* within(Partner)
        yield* Process.send(pid, 'go')
        const down = yield* within(Exit.downOf(ref))
        return { target, reason: down.reason }
      })
    )
    expect(out.reason).toEqual(Exit.failure('partner'))
    expect(seen).toEqual([Exit.failure('partner')])
  })

  it('Normal with the value, or the failure, when the program ends by itself', async () => {
    const rt = Runtime.make()
    const seen: Array<Exit.Reason> = []
    const record = (r: Exit.Reason) => Effect.sync(() => seen.push(r))
    expect(await rt.run(Effect.onExit(Effect.succeed(5), record))).toEqual(Exit.returned(5))
    expect(await rt.run(Effect.onExit(Effect.fail('nope'), record))).toEqual(Exit.failure('nope'))
    expect(await rt.run(Effect.onExit(Process.exit(Exit.custom('bye')), record))).toEqual(Exit.custom('bye'))
    expect(seen).toEqual([Exit.returned(5), Exit.failure('nope'), Exit.custom('bye')])
  })
})

describe('a finalizer that throws', () => {
  it('is reported as an Error event, does not stop the others, and the process keeps its reason', async () => {
    const rt = Runtime.make()
    const errors: Array<Runtime.Event> = []
    rt.events$.subscribe((e) => {
      if (e._tag === 'Error') errors.push(e)
    })
    const boom = new Error('finalizer blew up')
    const log: Array<string> = []
    const out = await runMain(
      rt,
      killWhenReady(
        (main) =>
          Effect.ensuring(
            Effect.onExit(
              Effect.ensuring(
                Effect.flatMap(Process.send(main, 'ready'), () => Process.receive(Never)),
                Effect.sync((): never => {
                  log.push('inner')
                  throw boom
                })
              ),
              (r) => Effect.sync(() => log.push(`middle ${Exit.format(r)}`))
            ),
            Effect.sync(() => log.push('outer'))
          ),
        Exit.custom('stop')
      )
    )
    expect(out.reason).toEqual(Exit.custom('stop'))
    expect(log).toEqual(['inner', 'middle :stop', 'outer'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: 'Error', pid: out.pid, where: 'finalizer' })
    const e = errors[0]
    expect(e !== undefined && e._tag === 'Error' && carries(e.error, boom)).toBe(true)
  })

  it('is passed to Runtime.make({ onError }); a success or a failure keeps its outcome', async () => {
    const calls: Array<{ readonly error: unknown; readonly where: string; readonly pid: Pid | undefined }> = []
    const rt = Runtime.make({
      onError: (error, where, pid) => {
        calls.push({ error, where, pid })
      }
    })
    const boom1 = new Error('one')
    const boom2 = new Error('two')
    const log: Array<string> = []
    const throwing = (e: Error) =>
      Effect.sync((): never => {
        throw e
      })
    const pids: Array<Pid> = []
    const withPid = <E, A>(p: Effect.Effect<E, A>) => Effect.flatMap(Process.self, (me) => (pids.push(me), p))
    const ok = await rt.run(
      withPid(
        Effect.ensuring(
          Effect.ensuring(Effect.succeed(1), throwing(boom1)),
          Effect.sync(() => log.push('after ok'))
        )
      )
    )
    const failed = await rt.run(
      withPid(
        Effect.ensuring(
          Effect.ensuring(Effect.fail('x'), throwing(boom2)),
          Effect.sync(() => log.push('after fail'))
        )
      )
    )
    expect(ok).toEqual(Exit.returned(1))
    expect(failed).toEqual(Exit.failure('x'))
    expect(log).toEqual(['after ok', 'after fail'])
    expect(calls.map((c) => [c.where, c.pid])).toEqual([
      ['finalizer', pids[0]],
      ['finalizer', pids[1]]
    ])
    expect(carries(calls[0]?.error, boom1)).toBe(true)
    expect(carries(calls[1]?.error, boom2)).toBe(true)
  })

  it('an async cleanup that throws is reported and the finalizers still run', async () => {
    const calls: Array<string> = []
    const rt = Runtime.make({
      onError: (_, where) => {
        calls.push(where)
      }
    })
    const log: Array<string> = []
    const out = await runMain(
      rt,
      killWhenReady(
        (main) =>
          Effect.ensuring(
            Effect.flatMap(Process.send(main, 'ready'), () =>
              Effect.async<never, void>(() => () => {
                throw new Error('cleanup failed')
              })
            ),
            Effect.sync(() => log.push('finalizer'))
          ),
        Exit.kill
      )
    )
    expect(out.reason).toEqual(Exit.killed)
    expect(log).toEqual(['finalizer'])
    expect(calls).toEqual(['async cleanup'])
  })
})

describe('uninterruptible', () => {
  const regions: ReadonlyArray<readonly [string, (probe: Probe) => Effect.Effect<never, void>]> = [
    ['Effect.sleep(30)', () => Effect.sleep(30)],
    ['Process.sleep(30)', () => Process.sleep(30)],
    [
      'an Effect.async resumed after 30 ms',
      (probe) =>
        Effect.async<never, void>((resume, signal) => {
          probe.signal = signal
          signal.addEventListener('abort', () => {
            probe.aborts++
          })
          setTimeout(() => resume(Effect.unit), 30)
          return () => {
            probe.cleanups++
          }
        })
    ]
  ]
  const kills: ReadonlyArray<readonly [string, Exit.Reason, Exit.Reason]> = [
    ['kill', Exit.kill, Exit.killed],
    ['boom', Exit.custom('boom'), Exit.custom('boom')]
  ]
  const regionCases = regions.flatMap(([name, region]) =>
    kills.map(([k, sent, expected]) => [k, name, region, sent, expected] as const)
  )

  it.each(regionCases)(
    'an exit signal (%s) during uninterruptible(%s) takes effect after it: inside completes, after never runs',
    async (_, __, region, sent, expected) => {
      const rt = Runtime.make()
      const probe: Probe = { aborts: 0, signal: undefined, cleanups: 0 }
      const log: Array<string> = []
      const seen: Array<Exit.Reason> = []
      const out = await runMain(
        rt,
        killWhenReady(
          (main) =>
            Effect.onExit(
              Effect.gen(function* () {
                yield* Effect.uninterruptible(
                  Effect.gen(function* () {
                    yield* Process.send(main, 'ready')
                    log.push('inside: start')
                    yield* region(probe)
                    log.push('inside: end')
                  })
                )
                log.push('after the region')
              }),
              (r) => Effect.sync(() => seen.push(r))
            ),
          sent
        )
      )
      expect(out.reason).toEqual(expected)
      expect(log).toEqual(['inside: start', 'inside: end'])
      expect(seen).toEqual([expected])
      expect([probe.aborts, probe.cleanups, probe.signal?.aborted ?? false]).toEqual([0, 0, false])
    }
  )
})

describe('bracket', () => {
  it('release runs with the reason when use is interrupted', async () => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const reasons: Array<Exit.Reason> = []
    const out = await runMain(
      rt,
      killWhenReady(
        (main) =>
          Effect.bracket(
            Effect.sync(() => {
              log.push('acquire')
              return 'file'
            }),
            (file) =>
              Effect.gen(function* () {
                log.push(`use ${file}`)
                yield* Process.send(main, 'ready')
                yield* Process.receive(Never)
                log.push('use end')
              }),
            (file, reason) =>
              Effect.sync(() => {
                log.push(`release ${file}`)
                reasons.push(reason)
              })
          ),
        Exit.custom('stop')
      )
    )
    expect(out.reason).toEqual(Exit.custom('stop'))
    expect(log).toEqual(['acquire', 'use file', 'release file'])
    expect(reasons).toEqual([Exit.custom('stop')])
  })

  it('acquire is not interrupted: it completes, then release runs with the reason, and use never starts', async () => {
    const rt = Runtime.make()
    const log: Array<string> = []
    const reasons: Array<Exit.Reason> = []
    const out = await runMain(
      rt,
      killWhenReady(
        (main) =>
          Effect.bracket(
            Effect.gen(function* () {
              yield* Process.send(main, 'ready')
              log.push('acquire: start')
              yield* Effect.sleep(30)
              log.push('acquire: end')
              return 'file'
            }),
            (file) => Effect.sync(() => log.push(`use ${file}`)),
            (file, reason) =>
              Effect.sync(() => {
                log.push(`release ${file}`)
                reasons.push(reason)
              })
          ),
        Exit.kill
      )
    )
    expect(out.reason).toEqual(Exit.killed)
    expect(log).toEqual(['acquire: start', 'acquire: end', 'release file'])
    expect(reasons).toEqual([Exit.killed])
  })

  it('release sees Normal with the value, or the failure, when use ends by itself', async () => {
    const rt = Runtime.make()
    const reasons: Array<Exit.Reason> = []
    const release = (_: string, r: Exit.Reason) => Effect.sync(() => reasons.push(r))
    const acquire = Effect.succeed('r')
    expect(await rt.run(Effect.bracket(acquire, () => Effect.succeed(3), release))).toEqual(Exit.returned(3))
    expect(await rt.run(Effect.bracket(acquire, () => Effect.fail('bad'), release))).toEqual(Exit.failure('bad'))
    expect(reasons).toEqual([Exit.returned(3), Exit.failure('bad')])
  })
})

describe('rt.shutdown()', () => {
  it('exits every process with shutdown (trapping ones too), runs their finalizers, and resolves', async () => {
    const rt = Runtime.make()
    const exits = collectExits(rt)
    const fin: Array<string> = []
    const log: Array<string> = []
    const finally_ = (name: string) => Effect.sync(() => fin.push(name))
    const plain = rt.spawn(Effect.ensuring(Process.receive(Never), finally_('plain')))
    const sleeper = rt.spawn(Effect.ensuring(Effect.sleep(60_000), finally_('sleeper')))
    const trapper = rt.spawn(
      Effect.ensuring(
        Effect.gen(function* () {
          yield* Process.trapExit(true)
          yield* Process.spawnLink(Effect.ensuring(Process.receive(Never), finally_('child')))
          const msg = yield* Process.receive(Exit.ExitSignal)
          log.push(`trapper got ${Exit.format(msg.reason)}`)
        }),
        finally_('trapper')
      )
    )
    const asyncOne = rt.spawn(Effect.ensuring(Effect.never, finally_('async')))
    const seen: Array<Exit.Reason> = []
    const running = rt.run(Effect.onExit(Process.receive(Never), (r) => Effect.sync(() => seen.push(r))))
    await until(() => rt.processes().length === 6 && rt.processes().every((p) => p.status === 'waiting'))
    await expect(rt.shutdown()).resolves.toBeUndefined()
    expect(rt.processes()).toEqual([])
    expect([...exits.values()]).toEqual(Array.from({ length: 6 }, () => Exit.shutdown))
    for (const pid of [plain, sleeper, trapper, asyncOne]) expect(exits.get(pid)).toEqual(Exit.shutdown)
    expect([...fin].sort()).toEqual(['async', 'child', 'plain', 'sleeper', 'trapper'])
    expect(log).toEqual([])
    expect(await running).toEqual(Exit.shutdown)
    expect(seen).toEqual([Exit.shutdown])
  })

  it('resolves at once when there is no process', async () => {
    const rt = Runtime.make()
    await expect(rt.shutdown()).resolves.toBeUndefined()
    expect(rt.processes()).toEqual([])
  })
})

describe('Effect.timeout around a receive', () => {
  it('is none when nothing arrives', async () => {
    const rt = Runtime.make()
    expect(await rt.run(Effect.timeout(Process.receive(t.string), 20))).toEqual(Exit.returned(O.none))
  })

  it('is some(value) when the message arrives in time, or is already there', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const sender = yield* Process.spawn(Effect.flatMap(Process.receive(Go), () => Process.send(me, 'hi')))
        yield* Process.send(sender, 'go')
        const arrived = yield* Effect.timeout(Process.receive(t.string), 10_000)
        yield* Process.send(me, 'already here')
        const present = yield* Effect.timeout(Process.receive(t.string), 10_000)
        return { arrived, present }
      })
    )
    expect(out).toEqual({ arrived: O.some('hi'), present: O.some('already here') })
  })

  it('a message arriving after the timeout stays in the mailbox, as do unmatched ones', async () => {
    const rt = Runtime.make()
    const out = await runMain(
      rt,
      Effect.gen(function* () {
        const me = yield* Process.self
        const [sender, ref] = yield* Process.spawnMonitor(
          Effect.flatMap(Process.receive(Go), () => Process.send(me, 'late'))
        )
        yield* Process.send(me, 42)
        const first = yield* Effect.timeout(Process.receive(t.string), 20)
        yield* Process.send(sender, 'go')
        yield* within(Exit.downOf(ref))
        const mailbox = yield* Effect.sync(() => rt.processes().find((p) => p.pid === me)?.mailbox)
        const next = yield* Process.receive(
          Process.on(t.string, (s) => Effect.succeed(O.some(s))),
          Process.after(0, () => Effect.succeed(O.none))
        )
        const unmatched = yield* Process.receive(
          Process.on(t.number, (n) => Effect.succeed(O.some(n))),
          Process.after(0, () => Effect.succeed(O.none))
        )
        return { first, mailbox, next, unmatched }
      })
    )
    expect(out).toEqual({ first: O.none, mailbox: 2, next: O.some('late'), unmatched: O.some(42) })
  })

  it('runs the finalizers inside the timed-out region, once, and the process goes on', async () => {
    const rt = Runtime.make()
    let fin = 0
    const r = await rt.run(
      Effect.gen(function* () {
        const got = yield* Effect.timeout(
          Effect.ensuring(
            Process.receive(t.string),
            Effect.sync(() => {
              fin++
            })
          ),
          20
        )
        return { got, went: 'on' }
      })
    )
    expect(r).toEqual(Exit.returned({ got: O.none, went: 'on' }))
    expect(fin).toBe(1)
  })
})
