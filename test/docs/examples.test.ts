/**
 * The TSDoc cannot rot either (as fp-ts' docs-ts): every `@example` in `lib/` is taken out of
 * its comment, type-checked with the repo's strict options as a program of its own (its imports
 * from `'fp-ts-actors'` resolve to `lib/`), and run. An example that `declare`s what it works on
 * (a pid, a runtime: `declare const worker: Pid<Job>`) cannot run alone and is type-checked
 * only; so is one written as a vitest test.
 */
import { describe, expect, it } from 'vitest'
import { runBlock, tsdocExamples, typecheck } from './blocks.js'

const examples = tsdocExamples('lib')
const checked = typecheck(new Map(examples.map((b) => [b.file, b.code])))

describe('TSDoc @example blocks', () => {
  it('are found in every public module, and most of them run', () => {
    expect(examples.length).toBeGreaterThan(200)
    for (const m of ['Process', 'Effect', 'GenServer', 'Supervisor', 'Agent', 'Task', 'Exit', 'Runtime'])
      expect(examples.some((b) => b.where.startsWith(`lib/${m}.ts:`))).toBe(true)
    expect(examples.filter((b) => b.run).length).toBeGreaterThan(examples.length / 2)
  })

  it('an example with a mistake fails to type-check, naming its line', () => {
    const broken = typecheck(new Map([['broken.ts', "import { Effect } from 'fp-ts-actors'\nEffect.succeed(1).x\n"]]))
    expect(broken.get('broken.ts')?.join('\n')).toMatch(/line 2 of the block: Property 'x' does not exist/)
  })

  describe.each(examples.map((b) => [b.where, b] as const))('%s', (_where, example) => {
    it('type-checks', () => {
      expect(checked.get(example.file)).toEqual([])
    })
    if (example.run) it('runs', () => runBlock(example))
  })
})
