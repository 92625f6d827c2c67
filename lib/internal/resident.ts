/**
 * A few objects of the runtime's own classes, kept for as long as the
 * package is loaded, so that its optimized code outlives every runtime.
 *
 * V8 gives each object a hidden class (a "map"), reached from its class's
 * first map by one transition per field the constructor adds; those
 * transitions are weak, so a map lives only while some object has it. The
 * optimized code of the run loop, the kernel and the mailbox checks for the
 * maps of `Fiber`, `PidImpl`, `Monitor`, `Relations`, `Mailbox` and
 * `Kernel`. When every runtime has shut down and a full collection runs (one
 * runtime per test, a benchmark's warm-up before its measured pass, a batch
 * job between two batches), those maps die with the last process, V8 throws
 * away every function optimized against them, and the next runtime starts
 * cold, re-learning and re-optimizing while it works. Measured: 27 functions
 * deoptimized at the start of the spawn benchmark's measured pass; with
 * these objects kept (and `Scheduler.fifo`'s queue a class), 2 to 4: Node's
 * own code, and at times a function that had inlined the closures of the
 * benchmark's warm-up pass.
 *
 * What is kept: a kernel of the default kind (the host clock, a FIFO run
 * queue) that is never driven, and two processes of it that never run, the
 * first monitoring the second, the second holding two messages (so it has a
 * `Mailbox`). They are made with the constructors and kernel methods every
 * runtime uses, so they have the very maps the runtime's objects get. Nothing
 * is scheduled, no timer is set, and no runtime sees them.
 *
 * @internal
 */
import { Fiber } from './fiber.js'
import { Kernel } from './kernel.js'
import { UNIT } from './op.js'
import { PidImpl } from './pid.js'
import { fifo, hostClock } from '../Scheduler.js'

let kept: ReadonlyArray<object> | undefined

/** A process of `kernel` that is never scheduled. */
const dormant = (kernel: Kernel, id: number): Fiber => {
  const pid = new PidImpl(id, undefined)
  const f = new Fiber(kernel, pid, UNIT, undefined)
  pid._fiber = f
  return f
}

/** Makes the kept objects, once (the first runtime made does it). @internal */
export const keepShapes = (): void => {
  if (kept !== undefined) return
  const kernel = new Kernel({ clock: hostClock, scheduler: fifo<Fiber>({ budget: 2000 }) })
  const watcher = dormant(kernel, 1)
  const watched = dormant(kernel, 2)
  kernel.monitor(watcher, watched.pid)
  watched.deliver(0)
  watched.deliver(1)
  kept = [kernel, watcher, watched]
}
