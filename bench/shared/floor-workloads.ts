// The five workloads on the floor runtime (continuation-passing processes).
import { main, now, settle, waitUntil, type Workloads } from './harness.mjs'
import { Down, Proc, monitor, receive, send, spawn } from './floor-runtime.js'

type Ping = { from: Proc }
const PONG = 'pong'
const noop = (_: unknown): void => {}
/** a process that waits for one message, then exits */
const oneShot = (self: Proc): void => receive(self, noop)

/** a process that exits after `count` messages, then calls fin() */
const counter = (count: number, fin: () => void) => (self: Proc) => {
  let left = count
  const loop = (_: unknown): void => {
    if (--left === 0) fin()
    else receive(self, loop)
  }
  receive(self, loop)
}

const w: Workloads = {
  async ring(n, m) {
    let done!: () => void
    const finished = new Promise<void>((r) => (done = r))
    const procs: Proc[] = new Array(n)
    for (let i = 0; i < n; i++) {
      procs[i] = spawn((self) => {
        const next = procs[(i + 1) % n]
        const loop = (tok: number): void => {
          if (tok === 0) return done() // exits
          send(next, tok - 1)
          receive(self, loop)
        }
        receive(self, loop)
      })
    }
    await waitUntil(() => procs[n - 1].start === null) // FIFO run queue: all started and blocked
    const t0 = now()
    send(procs[0], m)
    await finished
    return now() - t0
  },

  async pingpong(n) {
    return new Promise<number>((resolve) => {
      const ponger = spawn((self) => {
        const loop = (msg: Ping): void => {
          send(msg.from, PONG)
          receive(self, loop)
        }
        receive(self, loop)
      })
      spawn((self) => {
        let left = n
        const t0 = now()
        const loop = (_pong: unknown): void => {
          if (--left === 0) return resolve(now() - t0)
          send(ponger, { from: self } satisfies Ping)
          receive(self, loop)
        }
        send(ponger, { from: self } satisfies Ping)
        receive(self, loop)
      })
    })
  },

  async spawn(n) {
    const t0 = now()
    await new Promise<void>((resolve) => {
      // the coordinator monitors every process and waits for n DOWN messages
      const coord = spawn(counter(n, resolve))
      const ps: Proc[] = new Array(n)
      for (let i = 0; i < n; i++) {
        const p = spawn(oneShot)
        monitor(p, coord)
        ps[i] = p
      }
      for (let i = 0; i < n; i++) send(ps[i], i)
    })
    return now() - t0
  },

  async memory(n, snapshot) {
    const ps: Proc[] = new Array(n)
    for (let i = 0; i < n; i++) ps[i] = spawn(oneShot)
    await waitUntil(() => ps[n - 1].start === null)
    for (let i = 0; i < n; i++) if (ps[i].k === null) throw new Error('process not blocked')
    const heap = await snapshot()
    for (let i = 0; i < n; i++) send(ps[i], i)
    await waitUntil(() => !ps[n - 1].alive)
    if (ps.some((p) => p.alive)) throw new Error('process did not exit')
    return heap
  },

  async fanin(senders, msgs) {
    const t0 = now()
    await new Promise<void>((resolve) => {
      const recv = spawn(counter(senders * msgs, resolve))
      for (let s = 0; s < senders; s++) {
        spawn(() => {
          for (let j = 0; j < msgs; j++) send(recv, j)
        })
      }
    })
    return now() - t0
  }
}

void Down
await main(w)
