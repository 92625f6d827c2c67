/**
 * No import circle among the project's files, type imports included
 * (`scripts/import-cycles.ts` resolves every import with TypeScript itself).
 */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cycles, importGraph, specifiersOf } from '../scripts/import-cycles.js'

describe('import circles', () => {
  it('reads every kind of import: value, type, re-export, dynamic and import types', () => {
    const text = [
      "import a from './a.js'",
      "import type { B } from './b.js'",
      "import { type C } from './c.js'",
      "export * from './d.js'",
      "export type { E } from './e.js'",
      "const f = () => import('./f.js')",
      "type G = import('./g.js').G",
      "import './h.js'"
    ].join('\n')
    expect(specifiersOf('x.ts', text)).toEqual([
      './a.js',
      './b.js',
      './c.js',
      './d.js',
      './e.js',
      './f.js',
      './g.js',
      './h.js'
    ])
  })

  it('finds a circle, a self-import, and none in a chain', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']]
    ])
    expect(cycles(graph)).toEqual(
      expect.arrayContaining([
        ['a', 'b', 'c', 'a'],
        ['e', 'e']
      ])
    )
    expect(cycles(graph)).toHaveLength(2)
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', []]
        ])
      )
    ).toEqual([])
  })

  it('the project has none (lib, tests, laws, examples, bench)', () => {
    const root = path.resolve(import.meta.dirname, '..')
    const graph = importGraph(path.join(root, 'tsconfig.json'))
    expect(graph.has(path.join(root, 'lib/internal/kernel.ts'))).toBe(true)
    expect(graph.get(path.join(root, 'lib/internal/kernel.ts'))).toContain(path.join(root, 'lib/internal/fiber.ts'))
    expect(cycles(graph).map((c) => c.map((f) => path.relative(root, f)).join(' -> '))).toEqual([])
  })
})
