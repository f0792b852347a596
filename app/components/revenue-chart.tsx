import type { Role } from "../../db/schema";

export interface RevenueBar {
  month: string;
  byRole: Record<Role, number>;
}

const ROLE_COLOURS: Record<Role, string> = {
  talent: "#2f6fb0",
  professional: "#d08a1f",
  company: "#3c8d5a",
};
const ROLES: Role[] = ["talent", "professional", "company"];

const WIDTH = 760;
const HEIGHT = 280;
const LEFT = 70;
const BOTTOM = 40;
const TOP = 30;

function major(minor: number): number {
  return Math.round(minor / 100);
}

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest bar. */
function niceMax(value: number): number {
  if (value <= 0) return 100;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * Revenue per month as stacked bars by role, drawn on the server as plain SVG: no script, no
 * chart library, nothing added to the page's JavaScript. Amounts are whole MAD. The words come
 * from the page (its language): the chart's title, the roles' names, the numbers' locale.
 */
export function RevenueChart({
  bars,
  currency,
  title,
  roleNames,
  numberLocale,
}: {
  bars: RevenueBar[];
  currency: string;
  title: string;
  roleNames: Record<Role, string>;
  /** an Intl locale for the axis and the bars' figures */
  numberLocale: string;
}) {
  const number = new Intl.NumberFormat(numberLocale);
  const totals = bars.map((b) => ROLES.reduce((sum, r) => sum + major(b.byRole[r]), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - LEFT - 10;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = slot * 0.6;
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight;
  const ticks = [0, max / 4, max / 2, (3 * max) / 4, max];
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby="revenue-chart-title"
      className="revenue-chart"
      width="100%"
    >
      <title id="revenue-chart-title">{title}</title>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={LEFT} x2={WIDTH - 10} y1={y(t)} y2={y(t)} stroke="#ddd" />
          <text x={LEFT - 6} y={y(t) + 4} textAnchor="end" fontSize="11">
            {number.format(Math.round(t))}
          </text>
        </g>
      ))}
      {bars.map((bar, i) => {
        const x = LEFT + i * slot + (slot - barWidth) / 2;
        let base = 0;
        return (
          <g key={bar.month}>
            {ROLES.map((role) => {
              const value = major(bar.byRole[role]);
              const top = y(base + value);
              const rect = (
                <rect
                  key={role}
                  x={x}
                  y={top}
                  width={barWidth}
                  height={Math.max(0, y(base) - top)}
                  fill={ROLE_COLOURS[role]}
                >
                  <title>{`${bar.month} ${roleNames[role]}: ${number.format(value)} ${currency.toUpperCase()}`}</title>
                </rect>
              );
              base += value;
              return rect;
            })}
            <text x={x + barWidth / 2} y={HEIGHT - BOTTOM + 16} textAnchor="middle" fontSize="11">
              {bar.month.slice(2)}
            </text>
          </g>
        );
      })}
      {ROLES.map((role, i) => (
        <g key={role}>
          <rect x={LEFT + i * 130} y={6} width={12} height={12} fill={ROLE_COLOURS[role]} />
          <text x={LEFT + i * 130 + 18} y={16} fontSize="12">
            {roleNames[role]}
          </text>
        </g>
      ))}
    </svg>
  );
}
