import { useId, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { TodayBoard } from '../../../../shared/ipc/recon-api';
import { formatCount } from '../../format/display';

// The palette of styles.css (--color-accent, --color-warn, --color-ok, --color-muted): SVG
// presentation attributes are given plain colours, which every engine draws alike.
const ACCENT = '#1f5fa8';
const WARN = '#c98a0b';
const OK = '#1d7a46';
const MUTED = '#5f6b7a';
const AXIS_TICK = { fill: MUTED, fontSize: 12 };

/** A chart with its title, and the same figures in words for whoever cannot see it. */
function ChartFigure({ title, summary, className, children }: { title: string; summary: string; className: string; children: ReactNode }) {
  const titleId = useId();
  const summaryId = useId();
  return (
    <figure className={`panel today-chart ${className}`} aria-labelledby={titleId} aria-describedby={summaryId}>
      <figcaption id={titleId} className="today-chart-title">
        {title}
      </figcaption>
      <div aria-hidden="true" className="today-chart-canvas">
        {children}
      </div>
      <p id={summaryId} className="visually-hidden" data-testid="chart-summary">
        {summary}
      </p>
    </figure>
  );
}

/** Open items by age band on the open date, mismatches and global finance stacked. */
export function AgeBandsChart({ ageBands, openDate }: { ageBands: TodayBoard['ageBands']; openDate: string }) {
  const data = ageBands.map((band) => ({ band: `${band.band} days`, Mismatches: band.mismatches, 'Global finance': band.globalFinance }));
  const summary = `Open items by age on ${openDate}: ${ageBands
    .map((band) => `${band.band} days, ${formatCount(band.mismatches)} mismatches and ${formatCount(band.globalFinance)} global finance`)
    .join('; ')}.`;
  return (
    <ChartFigure title={`Open items by age on ${openDate}`} summary={summary} className="today-ages">
      <BarChart responsive data={data} style={{ width: '100%', height: 220 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="#e6e9ee" />
        <XAxis dataKey="band" tick={AXIS_TICK} tickLine={false} />
        <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} width={40} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="Mismatches" stackId="open" fill={ACCENT} isAnimationActive={false} />
        <Bar dataKey="Global finance" stackId="open" fill={WARN} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}

/** Per closed date: matches made (bars, left axis), mismatches open at the cut-off and global-finance items made (lines, right axis). */
export function TrendChart({ trend }: { trend: TodayBoard['trend'] }) {
  const data = trend.map((day) => ({
    date: day.date.slice(5),
    'Matches made': day.matched,
    'Mismatches open at cut-off': day.open,
    'Global finance made': day.globalFinance,
  }));
  const first = trend[0]?.date ?? '';
  const last = trend.at(-1)?.date ?? '';
  const summary = `Daily trend from ${first} to ${last}: ${trend
    .map((day) => `${day.date}, ${formatCount(day.matched)} matched, ${formatCount(day.open)} mismatches open, ${formatCount(day.globalFinance)} to global finance`)
    .join('; ')}.`;
  return (
    <ChartFigure title={`Matched, open and global finance per day, ${first} to ${last}`} summary={summary} className="today-trend">
      <ComposedChart responsive data={data} style={{ width: '100%', height: 220 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="#e6e9ee" />
        <XAxis dataKey="date" tick={AXIS_TICK} tickLine={false} interval="preserveStartEnd" />
        <YAxis yAxisId="matches" allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} width={44} />
        <YAxis yAxisId="items" orientation="right" allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} width={36} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar yAxisId="matches" dataKey="Matches made" fill={OK} fillOpacity={0.55} isAnimationActive={false} />
        <Line yAxisId="items" dataKey="Mismatches open at cut-off" stroke={ACCENT} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
        <Line yAxisId="items" dataKey="Global finance made" stroke={WARN} strokeWidth={2} strokeDasharray="5 3" dot={{ r: 2 }} isAnimationActive={false} />
      </ComposedChart>
    </ChartFigure>
  );
}
