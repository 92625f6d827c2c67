/**
 * `TestRuntime.explore` hunting the lost update of `examples/testing-explore.ts` (two
 * read-modify-write increments racing), and passing the fixed version: the same seeded
 * search in a page as under Node.
 */
import * as O from 'fp-ts/lib/Option.js'
import { TestRuntime } from '../../../lib/index.js'
import { buggy, countsTwo, fixed } from '../../../examples/testing-explore.js'

const found = TestRuntime.explore(buggy, { runs: 500, seed: 3, check: countsTwo })
const fix = TestRuntime.explore(fixed, { runs: 200, seed: 3, check: countsTwo })

export const result = {
  found: O.isSome(found),
  schedule: O.isSome(found) ? found.value.schedule : '',
  explanation: O.isSome(found) ? found.value.explanation : [],
  failure: O.isSome(found) ? found.value.failure : '',
  fixPasses: O.isNone(fix)
}
