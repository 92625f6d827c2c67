import { describe, expect, it } from 'vitest'
import { fanin, pingpong, type IdiomBuild } from '../../bench/shared/idiom.js'
import { Effect, Process, type Pid } from '../../lib/index.js'
import { PidImpl } from '../../lib/internal/pid.js'

// the bench's measure of the workloads' own effects (bench/shared/idiom.ts) steps them as they are: it must step them right
const pid = (id: number): Pid.Pid<unknown> => new PidImpl(id, undefined) as unknown as Pid.Pid<unknown>
const build: IdiomBuild = { lib: { Effect, Process }, pids: [pid(1), pid(2)] }

describe("the shared workloads' effects stepped with no runtime", () => {
  it('steps the fan-in sender and receiver over every message, and the pingpong over every round trip', () => {
    const f = fanin(build, 1000)
    expect(f.sender).toBeGreaterThan(0)
    expect(f.receiver).toBeGreaterThan(0)
    expect(pingpong(build, 1000)).toBeGreaterThan(0)
  })

  it('tests each message with the codec of the clause that takes it', () => {
    // a pid the ponger's `Ping` codec refuses: the first round trip fails
    const notAPid = { id: 2 } as unknown as Pid.Pid<unknown>
    expect(() => pingpong({ ...build, pids: [notAPid, pid(2)] }, 3)).toThrow('the ponger refused a ping')
  })
})
