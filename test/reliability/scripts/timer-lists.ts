/**
 * Run as its own Node process by `test/reliability/node-exit.test.ts`: the
 * host clock's timers (`lib/internal/timers.ts`, one list per duration):
 * timers of one duration fire in order, a cleared one never does (clearing
 * one that already fired changes nothing), one that throws does not keep
 * the others from running, and a list whose timers were all cleared does
 * not keep Node alive (it exits long before 60 s).
 */
import { Scheduler } from '../../../lib/index.js'

const clock = Scheduler.hostClock
const fired: Array<string> = []
const uncaught: Array<string> = []
process.on('uncaughtException', (e) => uncaught.push(e instanceof Error ? e.message : String(e)))

const at = (name: string) => () => void fired.push(name)
const a = clock.setTimer(30, at('a'))
const b = clock.setTimer(30, at('b'))
clock.setTimer(30, () => {
  fired.push('c')
  throw new Error('c threw')
})
clock.setTimer(30, at('d'))
const e = clock.setTimer(30, at('e'))
clock.clearTimer(b) // in the middle
clock.clearTimer(e) // the last one
clock.clearTimer(e) // twice: nothing
clock.setTimer(10, () => {
  // set while the 30 ms list waits: after d, in its own turn
  clock.setTimer(30, at('f'))
})
// a list emptied at once, as by every GenServer.call: its host timer must not hold Node
for (let i = 0; i < 100; i++) clock.clearTimer(clock.setTimer(60_000, at('never')))

// `a` has fired, `f` still waits in the same list: clearing `a` now must not touch it
clock.setTimer(35, () => clock.clearTimer(a))

setTimeout(() => console.log(JSON.stringify({ fired, uncaught })), 200)
