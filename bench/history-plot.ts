// The history benchmark's growth curve as an SVG line chart: days of history across, seconds up,
// one line per stage. Written by hand (no charting package): a few dozen elements, and the file
// is committed next to bench/README.md, so it must read well as text too.

/** One line of the chart: a stage's seconds on history days 1, 2, ... */
export type PlotSeries = { name: string; seconds: readonly number[] };

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 170, top: 40, bottom: 52 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** A round step (1, 2 or 5 times a power of ten) that divides `span` into about `count` ticks. */
export function tickStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function label(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return value.toFixed(decimals);
}

/** The chart of `series` (each as long as the history) with a title; x counts days from 1. */
export function growthSvg(title: string, series: readonly PlotSeries[]): string {
  const days = Math.max(1, ...series.map((line) => line.seconds.length));
  const highest = Math.max(0, ...series.flatMap((line) => line.seconds));
  const yStep = tickStep(highest, 6);
  const yTop = Math.max(yStep, Math.ceil(highest / yStep) * yStep);
  const xStep = Math.max(1, tickStep(Math.max(1, days - 1), 10));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (day: number): number => MARGIN.left + (days === 1 ? plotWidth / 2 : ((day - 1) / (days - 1)) * plotWidth);
  const y = (seconds: number): number => MARGIN.top + plotHeight - (seconds / yTop) * plotHeight;
  const round = (value: number): string => value.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let value = 0; value <= yTop + yStep / 2; value += yStep) {
    const at = round(y(value));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${at}" x2="${MARGIN.left + plotWidth}" y2="${at}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle">${label(value, yStep)}</text>`,
    );
  }
  const xTicks = [1];
  for (let day = xStep; day <= days; day += xStep) if (day > 1) xTicks.push(day);
  for (const day of xTicks) {
    const at = round(x(day));
    const bottom = MARGIN.top + plotHeight;
    parts.push(
      `<line x1="${at}" y1="${bottom}" x2="${at}" y2="${bottom + 5}" stroke="#333333"/>`,
      `<text x="${at}" y="${bottom + 18}" text-anchor="middle">${day}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotHeight}" stroke="#333333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${MARGIN.left + plotWidth}" y2="${MARGIN.top + plotHeight}" stroke="#333333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">days of history</text>`,
    `<text x="16" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotHeight / 2})">seconds</text>`,
  );
  series.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const points = line.seconds.map((seconds, day) => `${round(x(day + 1))},${round(y(seconds))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`);
    const legendY = MARGIN.top + 10 + index * 20;
    const legendX = MARGIN.left + plotWidth + 16;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="${legendY}" dominant-baseline="middle">${escapeXml(line.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
