/** Pure parts of the annual report: choropleth classes, the PDF page count, the report's words. */
import { describe, expect, it } from 'vitest';
import { PALETTE, quantileClasses } from '../../server/report/map-figures.ts';
import { codeLabel, dimensionLabel } from '../../server/report/report-messages.ts';
import { pdfPageCount } from '../../server/report/report-service.ts';

describe('quantileClasses', () => {
  it('cuts ten values into five classes at the quantiles', () => {
    expect(quantileClasses([10, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({ colours: PALETTE, breaks: [3, 5, 7, 9] });
  });

  it('merges equal breaks and keeps the darkest colours for fewer classes', () => {
    const c = quantileClasses([0, 0, 0, 0, 0, 0, 0, 0, 100, 100]);
    expect(c.breaks).toEqual([0, 100]);
    expect(c.colours).toEqual(PALETTE.slice(2));
  });

  it('gives one class and no break without finite values', () => {
    expect(quantileClasses([Number.NaN])).toEqual({ colours: [PALETTE[2]], breaks: [] });
  });
});

describe('pdfPageCount', () => {
  it('counts page objects, not the page tree', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page/Parent 1 0 R>>\n', 'latin1');
    expect(pdfPageCount(pdf)).toBe(2);
  });
});

describe('report words', () => {
  it('labels the 2024 check level "city" apart from the unit kind "city"', () => {
    expect(codeLabel('zh', 'city')).toBe('全市');
    expect(dimensionLabel('zh', 'city')).toBe('城区(城市)');
    expect(dimensionLabel('en', 'eco_livable')).toBe('Ecological livability');
    expect(codeLabel('en', 'unknown_code')).toBe('unknown_code');
  });
});

describe('life-circle gap classes', () => {
  it('keeps "none missing" apart and splits the other counts into at most five classes that cover them', async () => {
    const { gapClasses } = await import('../../server/report/analysis-figures.ts');
    const c = gapClasses([0, 3, 4, 4, 5, 7, 8, 9, 12]);
    expect(c[0]).toMatchObject({ from: 0, to: 0 });
    expect(c.length).toBe(6);
    expect(c.slice(1).map((x) => x.from)).toEqual([3, 4, 5, 8, 9]);
    expect(c[5].to).toBe(12);
    expect(gapClasses([2, 2]).map((x) => [x.from, x.to])).toEqual([[0, 0], [2, 2]]);
  });
});
