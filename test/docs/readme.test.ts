/**
 * README.md cannot rot: every ```ts block is taken out of the file, type-checked with the
 * repo's strict options, and run (```ts partial blocks are only type-checked). A block followed
 * by a ```text block must print exactly that text. Removing any import from a block is a type
 * error, so a block is always a complete program a reader can paste.
 */
import { describe, expect, it } from 'vitest'
import { markdownBlocks, runBlock, typecheck, withoutImport } from './blocks.js'

const blocks = markdownBlocks('README.md')
const checked = typecheck(new Map(blocks.map((b) => [b.file, b.code])))

describe('README.md', () => {
  it('has code blocks, most of them run', () => {
    expect(blocks.length).toBeGreaterThan(5)
    expect(blocks.filter((b) => b.run).length).toBeGreaterThan(blocks.length / 2)
  })

  describe.each(blocks.map((b) => [b.where, b] as const))('%s', (_where, block) => {
    it('type-checks', () => {
      expect(checked.get(block.file)).toEqual([])
    })
    if (block.run) {
      it('runs' + (block.prints === undefined ? '' : ' and prints what the README shows'), async () => {
        const printed = await runBlock(block)
        if (block.prints !== undefined) expect(printed).toBe(block.prints)
      })
    }
  })

  it('every import of every block is needed: removing one is a type error', () => {
    const variants = new Map<string, string>()
    for (const b of blocks) {
      for (let i = 0; ; i++) {
        const code = withoutImport(b.code, i)
        if (code === undefined) break
        variants.set(`${b.file}-without-import-${i}.ts`, code)
      }
    }
    expect(variants.size).toBeGreaterThanOrEqual(blocks.length)
    const unneeded = [...typecheck(variants)].filter(([, ds]) => ds.length === 0).map(([name]) => name)
    expect(unneeded).toEqual([])
  })

  it('a block with no import of what it uses fails to type-check', () => {
    const broken = typecheck(new Map([['broken.ts', 'const rt = Runtime.make()\nexport { rt }\n']]))
    expect(broken.get('broken.ts')?.join('\n')).toMatch(/Cannot find name 'Runtime'/)
  })
})
