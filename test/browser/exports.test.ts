/**
 * `package.json` `exports` say which entry points a browser may import: every subpath is
 * either browser-safe (a `browser` condition, and its sources bundle for the browser with no
 * Node built-in) or marked Node-only (`"browser": null`, so a browser bundler refuses it
 * with a clear error, and a `node` condition).
 */
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string | null>>
}
const subpaths = Object.entries(pkg.exports).filter(([path]) => path !== './package.json')

/** The TypeScript source a built entry comes from: `./dist/x/index.js` -> `lib/x/index.ts`. */
const sourceOf = (target: string): string => join(root, target.replace(/^\.\/dist\//, 'lib/').replace(/\.js$/, '.ts'))

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

/** Every module the browser bundle of `entry` pulls in, and the Node built-ins among its imports. */
const browserBundle = async (entry: string) => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  const inputs = Object.entries(result.metafile.inputs)
  return {
    inputs: inputs.map(([path]) => path),
    builtins: inputs.flatMap(([path, i]) =>
      i.imports.filter((im) => builtins.has(im.path)).map((im) => `${path} -> ${im.path}`)
    )
  }
}

describe('package.json exports', () => {
  it('the core is browser-safe, the observer Node-only', () => {
    expect(pkg.exports['.']).toMatchObject({ browser: './dist/index.js', node: './dist/index.js' })
    expect(pkg.exports['./observer']).toMatchObject({ browser: null, node: './dist/observer/index.js' })
  })

  describe.each(subpaths)('%s', (path, conditions) => {
    const c = typeof conditions === 'string' ? { default: conditions } : conditions
    const target = c['node'] ?? c['default']

    it('has types first, and a node (or default) target built from lib/', () => {
      expect(Object.keys(c)[0]).toBe('types')
      expect(typeof target).toBe('string')
    })

    if (c['browser'] === null) {
      it('is Node-only: a browser bundler refuses it, Node resolves it', () => {
        expect(c['node']).toBe(target)
      })
    } else {
      it('is browser-safe: a browser target, and its sources bundle for a browser with no Node built-in', async () => {
        const hint = `${path}: a browser-safe entry point; if it needs Node, mark it "browser": null (and give it a "node" target)`
        expect(c['browser'], hint).toBe(target)
        const bundle = await browserBundle(sourceOf(target ?? '')).catch((e: unknown) => {
          throw new Error(`${hint}. Its sources do not bundle for a browser: ${String(e)}`)
        })
        expect(bundle.inputs.length).toBeGreaterThan(10)
        expect(bundle.builtins, hint).toEqual([])
      })
    }
  })
})
