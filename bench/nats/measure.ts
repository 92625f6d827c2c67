/**
 * What every side of the NATS bench measures and prints, so the sides differ
 * only in how one ping-pong is done: sequential round trips, then `pairs`
 * ping-pong pairs in flight at once.
 */

/** The sizes a side is run with (`<seqN> <pairs> <perPair>` on its command line). */
export interface Sizes {
  readonly seqN: number
  readonly pairs: number
  readonly perPair: number
}

/** Times `pingPong(pair, n)`: a warm-up, `seqN` round trips on pair 0, then `pairs` pairs of `perPair` each at once. */
export const measure = async (
  pingPong: (pair: number, n: number) => Promise<unknown>,
  { seqN, pairs, perPair }: Sizes
): Promise<{ seqMs: number; parMs: number }> => {
  await pingPong(0, 2000) // warm-up
  const t0 = performance.now()
  await pingPong(0, seqN)
  const seqMs = performance.now() - t0
  const t1 = performance.now()
  await Promise.all(Array.from({ length: pairs }, (_, p) => pingPong(p, perPair)))
  return { seqMs, parMs: performance.now() - t1 }
}

/** Prints the line `bench/nats/run.ts` reads: sequential round-trip time and rate, and the rate with pairs in flight. */
export const report = ({ seqN, pairs, perPair }: Sizes, seqMs: number, parMs: number): void =>
  console.log(
    JSON.stringify({
      seqRoundTripUs: +((seqMs * 1000) / seqN).toFixed(2),
      seqPerSec: Math.round((seqN * 1000) / seqMs),
      pairs,
      parPerSec: Math.round((pairs * perPair * 1000) / parMs)
    })
  )
