/**
 * The kernel of the test runtime: the production kernel, plus a note of the
 * visible operation (send, spawn, link, monitor, exit signal, a name looked
 * up or registered, a timer set or cancelled, a message taken) the running
 * process made since its last scheduling point. The run loop asks at each
 * scheduling point (`Host.point`), and the strategy may cut the slice there.
 *
 * @internal
 */
import type { Reason } from '../Exit.js'
import type { Fiber } from '../internal/fiber.js'
import type { BadArg, NoProcess } from '../internal/errors.js'
import type { SpawnOpts } from '../internal/host.js'
import { Kernel, type KernelOptions } from '../internal/kernel.js'
import type { Op } from '../internal/op.js'
import { PidImpl, RefImpl } from '../internal/pid.js'
import { AliasRef } from '../internal/relations.js'
import type { Point } from './schedule.js'

/** @internal */
export class PointKernel extends Kernel {
  /** The visible operation of the running process since its last scheduling point. */
  op: Point | undefined = undefined

  constructor(
    options: KernelOptions,
    /** The process whose slice is running (notes from anything else, e.g. a timer firing, are not its points). */
    private readonly running: () => Fiber | undefined
  ) {
    super(options)
  }

  private note(f: Fiber | undefined, kind: string, to?: number): void {
    if (this.point !== undefined && f !== undefined && f === this.running()) this.op = { kind, to }
  }

  /** The pid number a destination stands for now (a pid, a registered name, a reply alias). */
  private targetOf(dest: unknown): number | undefined {
    if (dest instanceof PidImpl) return dest.id
    if (dest instanceof AliasRef) return (dest as AliasRef<Fiber>).owner?.pid.id
    return typeof dest === 'string' ? this.names.get(dest)?.pid.id : undefined
  }

  override spawn(parent: Fiber | undefined, program: Op, opts: SpawnOpts) {
    const r = super.spawn(parent, program, opts)
    this.note(parent, 'spawn', r[0].id)
    return r
  }
  override send(from: Fiber | undefined, dest: unknown, message: unknown): NoProcess | undefined {
    this.note(from, 'send', this.targetOf(dest))
    return super.send(from, dest, message)
  }
  override received(f: Fiber, message: unknown): void {
    this.note(f, 'receive', f.pid.id)
    super.received(f, message)
  }
  override link(from: Fiber, pid: PidImpl): NoProcess | undefined {
    this.note(from, 'link', pid.id)
    return super.link(from, pid)
  }
  override unlink(from: Fiber, pid: PidImpl): void {
    this.note(from, 'unlink', pid.id)
    super.unlink(from, pid)
  }
  override monitor(from: Fiber, target: PidImpl | string): RefImpl {
    this.note(from, 'monitor', this.targetOf(target))
    return super.monitor(from, target)
  }
  override demonitor(from: Fiber, ref: RefImpl): boolean {
    this.note(from, 'demonitor')
    return super.demonitor(from, ref)
  }
  override exitSignal(from: Fiber | undefined, pid: PidImpl, reason: Reason): void {
    this.note(from, 'exit signal', pid.id)
    super.exitSignal(from, pid, reason)
  }
  override sendAfter(from: Fiber, dest: unknown, message: unknown, ms: number): RefImpl {
    this.note(from, 'timer', this.targetOf(dest))
    return super.sendAfter(from, dest, message, ms)
  }
  override cancelTimer(from: Fiber, ref: RefImpl): number | undefined {
    this.note(from, 'timer cancel')
    return super.cancelTimer(from, ref)
  }
  override register(name: string, pid: PidImpl): BadArg | undefined {
    this.note(this.running(), 'register', pid.id)
    return super.register(name, pid)
  }
  override unregister(name: string): BadArg | undefined {
    this.note(this.running(), 'unregister')
    return super.unregister(name)
  }
  override whereis(name: string): PidImpl | undefined {
    this.note(this.running(), 'whereis')
    return super.whereis(name)
  }
  override isAlive(pid: PidImpl): boolean {
    this.note(this.running(), 'isAlive', pid.id)
    return super.isAlive(pid)
  }
}
