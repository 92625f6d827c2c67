import v8 from 'node:v8'
import * as t from 'io-ts'
const lib = await import(process.env.LIB ?? '/work/wt/perf-10b/dist/index.js')
const { Effect, Process, Runtime } = lib
const N = 20000
const style = process.argv[2]
const rt = Runtime.make()
const prog = style === 'gen' ? Effect.gen(function* () { return yield* Process.receive(t.number) }) : Process.receive(t.number)
for (let i = 0; i < N; i++) rt.spawn(prog)
await new Promise(r => setTimeout(r, 200))
const snap = JSON.parse(await new Promise((res) => { let s=''; const st = v8.getHeapSnapshot(); st.on('data', d => s += d); st.on('end', () => res(s)) }))
const f = snap.snapshot.meta.node_fields, types = snap.snapshot.meta.node_types[0]
const nf = f.length, nodes = snap.nodes, strings = snap.strings
const agg = new Map()
for (let i = 0; i < nodes.length; i += nf) {
  const type = types[nodes[i + f.indexOf('type')]], name = strings[nodes[i + f.indexOf('name')]], size = nodes[i + f.indexOf('self_size')]
  const k = type + ':' + (type === 'string' || type==='concatenated string' ? '' : name.slice(0, 40))
  const a = agg.get(k) ?? [0, 0]; a[0]++; a[1] += size; agg.set(k, a)
}
const rows = [...agg].filter(() => true).sort((a, b) => b[1][1] - a[1][1]).slice(0, 25)
let tot = 0
for (const [k, [c, s]] of rows) { tot += s / N; console.log((s / N).toFixed(1).padStart(7), 'B/proc', (c / N).toFixed(2).padStart(5), 'per proc', k) }
console.log('sum of listed', tot.toFixed(1))
await rt.shutdown()
