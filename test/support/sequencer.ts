import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files known to take longest, longest first: started first, they leave the short files to
 * fill the two slots at the end, instead of one long file running alone at the end while the other
 * slot idles (a fresh clone has no timings for vitest to order by; on CI that tail was ~100 s).
 */
const LONGEST_FIRST = [
  'test/faults.test.ts',
  'e2e/station.e2e.test.ts',
  'test/spreadsheets-memory-parsers.test.ts',
  'e2e/people.e2e.test.ts',
  'e2e/org.e2e.test.ts',
  'e2e/mobile.e2e.test.ts',
  'e2e/parcels.e2e.test.ts',
  'test/spreadsheets-hostile.test.ts',
  'test/spreadsheets-memory.test.ts',
  'test/startup.test.ts',
  'test/operations.test.ts',
  'test/bad-input.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((p) => f.moduleId.endsWith(p));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    return base
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
