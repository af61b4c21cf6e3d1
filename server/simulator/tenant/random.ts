import { guidFromNibbles } from '../seed.js';

/** Seeded randomness helpers for the tenant seed (all draws come from `prng`). */

/** Hoisted: global lookups are slow inside vm contexts (jest), and these run millions of times. */
const { floor } = Math;
const DAY = 24 * 3600_000;

/** 128 random bits from four 32-bit draws: a cheap v4-shaped GUID for seeded objects. */
export function quickGuid(rand: () => number): string {
  let word = 0;
  return guidFromNibbles((i) => {
    if (i % 8 === 0) word = floor(rand() * 0x100000000);
    const d = (word >>> (28 - (i % 8) * 4)) & 0xf;
    return i === 12 ? 4 : i === 16 ? (d & 0x3) | 0x8 : d;
  });
}

export type Rand = () => number;
export type Picker = ReturnType<typeof picker>;

export function picker(rand: Rand) {
  return {
    rand,
    pick: <T>(list: readonly T[]): T => list[floor(rand() * list.length)]!,
    chance: (p: number) => rand() < p,
    int: (min: number, max: number) => min + floor(rand() * (max - min + 1)),
  };
}

/** Day-precision timestamps from a shared pool, so that 50,000 records share a few hundred strings. */
export function dayPool(now: Date, days: number): (daysAgo: number) => string {
  const pool: string[] = [];
  const base = floor(now.getTime() / DAY) * DAY;
  for (let i = 0; i <= days; i++) pool.push(new Date(base - i * DAY + 9 * 3600_000).toISOString());
  return (daysAgo) => pool[Math.max(0, Math.min(days, floor(daysAgo)))]!;
}

