/** Shared by every benchmark: summary statistics and the printed table. */

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Row {
  name: string;
  samples: number[];
  unit: string;
  extra?: Record<string, string>;
}

/** Prints median, p95 and the ratio of each row's median to the baseline row's median. */
export function printTable(title: string, baseline: Row, rows: Row[]): void {
  const all = [baseline, ...rows];
  const base = percentile(baseline.samples, 50);
  const extraKeys = [...new Set(all.flatMap((r) => Object.keys(r.extra ?? {})))];
  const header = ['scenario', 'runs', 'median', 'p95', 'ratio to baseline', ...extraKeys];
  const body = all.map((r) => {
    const median = percentile(r.samples, 50);
    return [
      r === baseline ? `${r.name} (baseline)` : r.name,
      String(r.samples.length),
      `${median.toFixed(1)} ${r.unit}`,
      `${percentile(r.samples, 95).toFixed(1)} ${r.unit}`,
      `${(median / base).toFixed(2)}x`,
      ...extraKeys.map((k) => r.extra?.[k] ?? ''),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(line(header) + '\n');
  process.stdout.write('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n');
  for (const b of body) process.stdout.write(line(b) + '\n');
}
