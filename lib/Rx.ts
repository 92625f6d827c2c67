/**
 * The RxJS bridge: processes in pipelines, exits as streams, and why a
 * process died.
 *
 * ```ts
 * // observing a runtime (hot streams: what happens while subscribed)
 * rt.exits$         // every exit: { pid, reason, cause }
 * rt.events$        // spawn, exit, link, unlink, monitor, down, send, receive, dead letter, error
 * rt.deadLetters$   // every undelivered message: { to, message, reason, report? }
 * exits(rt, pid)    // the exit reason of one process, once, then complete
 * links$(rt, pid)   // its Link/Unlink events, the exits of linked processes, its own Exit
 * why(rt, pid)      // the causal chain of its death: [{ pid, reason, cause }, ...]; formatWhy(chain)
 *
 * // processes in pipelines
 * fromProcess(rt, (emit) => program)                 // Observable: subscribing spawns the process
 * source.pipe(sendTo(rt, dest))                      // send each value, pass it on
 * source.pipe(ask(rt, dest, (v, replyTo) => msg, { concurrency, timeout }))  // request/reply, in order
 *
 * // Observables inside a process
 * subscribe(observable, { bound, overflow })        // Next/Complete/Error messages to its own mailbox
 * ```
 *
 * The three runtime streams are plain fields of the runtime (`Runtime.make`):
 * they are hot, emit synchronously as things happen, and cost nothing while
 * nobody subscribes (`events$` turns tracing on only while observed). The
 * per-process streams here allocate nothing per process until someone
 * subscribes for that process: `exits` and `why` add one exit watcher for the
 * subscriber (removed on unsubscribe), `links$` observes `events$` while
 * subscribed.
 *
 * Values cross from RxJS into processes as ordinary messages (`sendTo`,
 * `ask`: sent from outside any process, through the target's mailbox codec;
 * a rejected one is a dead letter) and from processes into RxJS through
 * `emit` (`fromProcess`) or a reply (`ask`). Callbacks into RxJS run
 * synchronously, inside the runtime, when the process emits or replies.
 *
 * Marble tests: `TestRuntime.make({ seed, testScheduler })` puts the runtime
 * on an RxJS `TestScheduler`'s clock (one clock for both), so
 * `testScheduler.run(({ cold, expectObservable }) => ...)` exercises
 * processes that `sleep` or receive with `after`, in virtual time.
 *
 * @example
 * import { from, lastValueFrom, toArray } from 'rxjs'
 * import * as t from 'io-ts'
 * import { Effect, Process, Runtime, Rx } from 'fp-ts-actors'
 *
 * const Req = t.type({ n: t.number, replyTo: Rx.replyTo<number>() })
 * const doubler: Effect.Effect<never, never> = Process.receive(
 *   Process.on(Req, (m) => Effect.flatMap(Rx.reply(m.replyTo, m.n * 2), () => doubler))
 * )
 * const rt = Runtime.make()
 * const server = rt.spawn(doubler)
 * const request = (n: number, replyTo: Rx.ReplyTo<number>) => ({ n, replyTo })
 * const out = await lastValueFrom(from([1, 2, 3]).pipe(Rx.ask(rt, server, request, { concurrency: 2 }), toArray()))
 * // [2, 4, 6]
 *
 * @since 0.1.0
 */
export * from './rx/ask.js'
export * from './rx/errors.js'
export * from './rx/fromProcess.js'
export * from './rx/observe.js'
export * from './rx/subscribe.js'
