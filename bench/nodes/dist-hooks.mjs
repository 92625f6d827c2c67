// Resolve hook for use-dist.mjs: lib/index and lib/node/index (the .ts sources) -> dist/.
const map = new Map()
for (const entry of ['index', 'node/index']) {
  const dist = new URL(`../../dist/${entry}.js`, import.meta.url).href
  const lib = new URL(`../../lib/${entry}`, import.meta.url).href
  map.set(`${lib}.ts`, dist)
  map.set(`${lib}.js`, dist)
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  const dist = map.get(r.url)
  return dist === undefined ? r : { ...r, url: dist, format: 'module', shortCircuit: true }
}
