/**
 * Which check cycle the 诊断 tab starts on (client/panels/diagnosis/diagnosis-api.ts): the latest
 * published cycle, else the latest computed one, else none; cycles never computed are not offered.
 */
import { describe, expect, it } from 'vitest';
import { defaultCycle, usableCycles, type Cycle } from '../../client/panels/diagnosis/diagnosis-api.ts';

const cycle = (id: number, year: number, status: 'draft' | 'published', computed: boolean): Cycle => ({
  id, dataset: 'x', year, title: `${year}`, framework: '2024', gradeScheme: 'three', status,
  computedAt: computed ? '2025-12-01T00:00:00.000Z' : null, publishedAt: status === 'published' ? '2025-12-02T00:00:00.000Z' : null,
  durationMs: null, steps: [], progress: null, effective: {}, inputs: {}, valueCount: 0, sampleData: false,
});

describe('defaultCycle', () => {
  it('prefers the latest published cycle over a newer computed draft', () => {
    expect(defaultCycle([cycle(1, 2024, 'published', true), cycle(2, 2025, 'published', true), cycle(3, 2026, 'draft', true)])?.id).toBe(2);
  });

  it('takes the latest computed draft when none is published, and none when nothing is computed', () => {
    expect(defaultCycle([cycle(1, 2024, 'draft', true), cycle(2, 2025, 'draft', true), cycle(3, 2026, 'draft', false)])?.id).toBe(2);
    expect(defaultCycle([cycle(3, 2026, 'draft', false)])).toBeNull();
    expect(defaultCycle([])).toBeNull();
  });

  it('offers only computed cycles, newest year first', () => {
    expect(usableCycles([cycle(1, 2024, 'draft', true), cycle(3, 2026, 'draft', false), cycle(2, 2025, 'published', true)]).map((c) => c.id)).toEqual([2, 1]);
  });
});
