import { describe, expect, it } from 'vitest';
import { growthSvg, tickStep } from '../../../bench/history-plot';

function polylines(svg: string): { x: number; y: number }[][] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((match) =>
    match[1]!.split(' ').map((pair) => {
      const [x, y] = pair.split(',').map(Number);
      return { x: x!, y: y! };
    }),
  );
}

describe('tickStep', () => {
  it('divides a span into round steps of 1, 2 or 5 times a power of ten', () => {
    expect(tickStep(7.3, 6)).toBe(2);
    expect(tickStep(59, 10)).toBe(10);
    expect(tickStep(0.37, 6)).toBeCloseTo(0.1, 10);
    expect(tickStep(300, 6)).toBe(50);
    expect(tickStep(0, 6)).toBe(1);
  });
});

describe('growthSvg', () => {
  const svg = growthSvg('Seconds per day <60 days & more>', [
    { name: 'ingest', seconds: [1, 2, 3, 4] },
    { name: 'match', seconds: [2, 2.5, 3.5, 7.3] },
  ]);

  it('is one SVG document with a white background and an escaped title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Seconds per day &lt;60 days &amp; more&gt;');
    expect(svg).not.toContain('<60');
  });

  it('draws one line per stage, a point per day, days left to right and more seconds higher up', () => {
    const lines = polylines(svg);
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.length)).toEqual([4, 4]);
    for (const line of lines) {
      for (let index = 1; index < line.length; index++) expect(line[index]!.x).toBeGreaterThan(line[index - 1]!.x);
    }
    const [ingest, match] = lines;
    // SVG's y grows downwards: the larger value sits higher, so its y is smaller.
    expect(ingest![0]!.y).toBeGreaterThan(ingest![3]!.y);
    expect(match![3]!.y).toBeLessThan(ingest![3]!.y);
    // Day 1 of both lines at the same x; the highest value inside the plot (under the title).
    expect(ingest![0]!.x).toBe(match![0]!.x);
    expect(Math.min(...match!.map((point) => point.y))).toBeGreaterThanOrEqual(40);
  });

  it('labels the axes with round ticks covering the highest value, and names each line in a legend', () => {
    const labels = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    // Seconds: 0 to 8 in steps of 2 (7.3 rounds up to the next tick); days 1 to 4.
    for (const tick of ['0', '2', '4', '6', '8']) expect(labels).toContain(tick);
    for (const day of ['1', '3']) expect(labels).toContain(day);
    expect(labels).toEqual(expect.arrayContaining(['days of history', 'seconds', 'ingest', 'match']));
  });

  it('draws a single day in the middle rather than dividing by zero', () => {
    const single = growthSvg('one day', [{ name: 'total', seconds: [5] }]);
    expect(single).not.toContain('NaN');
    expect(polylines(single)[0]).toHaveLength(1);
  });
});
