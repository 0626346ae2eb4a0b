import { describe, expect, it } from 'vitest';
import { layoutCopies, planCopies, rewriteLine, type ScaleCopy, type Source } from './scale-city.ts';

const copy: ScaleCopy = { source: 'nanjing-core', index: 3, idOffset: 3 * 20_000_000_000, lon0: 118.5, lat0: 31.5, lonScale: 0.5 };

describe('scale city generator', () => {
  it('gives a node a fresh id and moves it by the copy\'s affine shift', () => {
    expect(rewriteLine('n42 Tname=a%20%b x118.7700000 y32.0400000', copy, 118.76, 32.03))
      .toBe('n60000000042 Tname=a%20%b x118.5050000 y31.5100000');
  });

  it('shifts a way\'s id and every node it references by the same offset, so the copy\'s topology is intact', () => {
    expect(rewriteLine('w7 Thighway=footway Nn1,n2,n1', copy, 0, 0)).toBe('w60000000007 Thighway=footway Nn60000000001,n60000000002,n60000000001');
  });

  it('shifts every relation member (nodes, ways, relations) and keeps their roles', () => {
    expect(rewriteLine('r5 Ttype=multipolygon Mw10@outer,w11@inner,n3@,r4@sub', copy, 0, 0))
      .toBe('r60000000005 Ttype=multipolygon Mw60000000010@outer,w60000000011@inner,n60000000003@,r60000000004@sub');
  });

  it('plans about 90 % of the buildings from Liechtenstein copies and 10 % from Nanjing core copies', () => {
    expect(planCopies(1_000_000, { liechtenstein: 17_839, nanjing: 1_278 })).toEqual({ liechtenstein: 50, nanjing: 78 });
    expect(planCopies(1_000, { liechtenstein: 17_839, nanjing: 1_278 })).toEqual({ liechtenstein: 1, nanjing: 1 });
  });

  it('places copies so that no two overlap and every id range is its own', () => {
    const sources: Pick<Source, 'key' | 'bbox'>[] = [
      { key: 'liechtenstein', bbox: [9.47, 47.04, 9.64, 47.28] },
      { key: 'nanjing-core', bbox: [118.76, 32.03, 118.8, 32.05] },
    ];
    const copies = layoutCopies(sources, [7, 12]);
    const boxes = copies.map((c) => {
      const b = sources.find((s) => s.key === c.source)!.bbox;
      return [c.lon0, c.lat0, c.lon0 + (b[2] - b[0]) * c.lonScale, c.lat0 + (b[3] - b[1])];
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
      expect(overlap, `copies ${i} and ${j}`).toBe(false);
    }
    expect(new Set(copies.map((c) => c.idOffset)).size).toBe(copies.length);
  });
});
