/**
 * `npm run reliability`: the reliability suite at full size. Runs
 * `RELIABILITY_PROGRAMS` (default 1,000) random programs on both `Runtime`
 * and `TestRuntime` with their invariants checked after each run, and the
 * hostile-input sweep with every call; prints the counts (the README's
 * "Guarantees" quotes them) and exits 1 on any violation. Last, Node must
 * be left with no handle: every runtime shut down cleanly.
 *
 * ```sh
 * npm run reliability
 * RELIABILITY_PROGRAMS=200 RELIABILITY_SEED=7 npm run reliability
 * ```
 */
import { runPrograms, type Totals } from '../test/reliability/programs.js'
import { sweep } from '../test/reliability/hostile.js'

const programs = Number(process.env['RELIABILITY_PROGRAMS'] ?? 1_000)
const seedText = process.env['RELIABILITY_SEED']
const seed = seedText === undefined ? Date.now() % 2 ** 31 : Number(seedText)

const line = (name: string, t: Totals): string =>
  `${name}: ${t.programs} programs, ${t.processes} processes, ${t.messages} messages (${t.received} received, ` +
  `${t.deadLetters} dead letters; ${t.refused} more refused at the sender), ${t.monitors} monitors (${t.downs} DOWNs), ` +
  `${t.links} links, ${t.timersDropped} timers dropped with their target; ${t.lost} lost, ${t.stuck} stuck, ${t.crashes} crashes`

const main = async (): Promise<number> => {
  const started = Date.now()
  console.log(`random programs: ${programs} on each interpreter, seed ${seed}`)
  let failed = false
  try {
    const { runtime, testRuntime } = await runPrograms(programs, seed)
    console.log(line('Runtime', runtime))
    console.log(line('TestRuntime', testRuntime))
  } catch (e) {
    failed = true
    console.log(e instanceof Error ? e.message : String(e))
  }
  const s = await sweep(1)
  console.log(
    `hostile inputs: ${s.entryPoints} entry points, ${s.calls} calls with a bad input: ${s.named} threw an error naming the function, ` +
      `${s.returned} returned (${s.processes} Effects run as processes); ${s.unclear.length} unclear errors, ${s.crashes.length} crashes`
  )
  for (const u of [...s.unclear, ...s.crashes].slice(0, 30)) console.log(`  ${u}`)
  if (s.unclear.length + s.crashes.length > 0) failed = true
  // every runtime was shut down: nothing may keep Node alive
  await new Promise((r) => setImmediate(r))
  const handles = process
    .getActiveResourcesInfo()
    .filter((h) => h !== 'TTYWrap' && h !== 'PipeWrap' && h !== 'FSReqCallback')
  console.log(`handles left: ${handles.length === 0 ? 'none' : handles.join(', ')}`)
  if (handles.length > 0) failed = true
  console.log(`${failed ? 'FAILED' : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return failed ? 1 : 0
}

process.exitCode = await main()
