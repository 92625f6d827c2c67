// Resolve hook for use-dist.mjs: lib/index (the .ts sources, as tsx resolves them) -> dist/index.js.
const dist = new URL('../dist/index.js', import.meta.url).href
const lib = new URL('../lib/index', import.meta.url).href

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context)
  return r.url === `${lib}.ts` || r.url === `${lib}.js` ? { ...r, url: dist, format: 'module', shortCircuit: true } : r
}
