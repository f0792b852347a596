import type { Role } from "../../db/schema";
import type { Language } from "../i18n/config";
import { formatMoney, formatMonth, formatNumber } from "../i18n/format";

export interface RevenueBar {
  /** a UTC month, "YYYY-MM" */
  month: string;
  /** minor units of the chart's currency */
  byRole: Record<Role, number>;
}

/** A bar with its words: the axis's short month, the long month and each role's amount. */
export interface RevenueChartBar extends RevenueBar {
  label: string;
  name: string;
  amounts: Record<Role, string>;
}

/** The chart's bars and the axis's ticks (whole units of the currency), words included. */
export interface RevenueChartData {
  bars: RevenueChartBar[];
  ticks: { value: number; label: string }[];
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
 * The chart's words in `language`, for the loader to write on the server (so the browser's
 * own Intl never rewrites them): months named by Intl (the axis "d\u00e9c. 26" / "Dec 26", the
 * bars' "d\u00e9cembre 2026" / "December 2026"), amounts as the language writes money, the
 * axis's figures grouped as the language groups digits.
 */
export function revenueChartData(
  bars: readonly RevenueBar[],
  currency: string,
  language: Language,
): RevenueChartData {
  const totals = bars.map((b) => ROLES.reduce((sum, r) => sum + major(b.byRole[r]), 0));
  const max = niceMax(Math.max(0, ...totals));
  return {
    bars: bars.map((bar) => ({
      ...bar,
      label: formatMonth(bar.month, language, "short"),
      name: formatMonth(bar.month, language, "long"),
      amounts: {
        talent: formatMoney(bar.byRole.talent, currency, language),
        professional: formatMoney(bar.byRole.professional, currency, language),
        company: formatMoney(bar.byRole.company, currency, language),
      },
    })),
    ticks: [0, max / 4, max / 2, (3 * max) / 4, max].map((value) => ({
      value,
      label: formatNumber(Math.round(value), language),
    })),
  };
}

/**
 * Revenue per month as stacked bars by role, drawn on the server as plain SVG: no script, no
 * chart library, nothing added to the page's JavaScript. The axis is in whole units of the
 * currency. The words come from the page (its language): the chart's title, the roles' names,
 * and the months, amounts and figures of `revenueChartData`.
 */
export function RevenueChart({
  data,
  title,
  roleNames,
  barTitle,
}: {
  data: RevenueChartData;
  title: string;
  roleNames: Record<Role, string>;
  /** a bar part's tooltip from the role's name, the month's name and the amount */
  barTitle: (role: string, month: string, amount: string) => string;
}) {
  const { bars, ticks } = data;
  const max = ticks.at(-1)?.value || 100;
  const plotWidth = WIDTH - LEFT - 10;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = slot * 0.6;
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight;
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
        <g key={t.value}>
          <line x1={LEFT} x2={WIDTH - 10} y1={y(t.value)} y2={y(t.value)} stroke="#ddd" />
          <text x={LEFT - 6} y={y(t.value) + 4} textAnchor="end" fontSize="11">
            {t.label}
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
                  <title>{barTitle(roleNames[role], bar.name, bar.amounts[role])}</title>
                </rect>
              );
              base += value;
              return rect;
            })}
            <text x={x + barWidth / 2} y={HEIGHT - BOTTOM + 16} textAnchor="middle" fontSize="11">
              {bar.label}
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
