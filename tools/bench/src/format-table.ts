/** The one table `npm run bench` prints (Markdown, so the README can hold it as is). */
import type { BenchResults } from './bench-results';
import type { BundleSize } from './bundle-size';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const bytes = (n: number) => `${int(n)} B`;
const verdict = (ok: boolean, over?: string) => (ok ? 'ok' : `**over**${over ? ` by ${over}` : ''}`);
const nameOf = (size: BundleSize) =>
  size.group === 'carto-auth'
    ? size.label
    : `${size.packageName} ${size.version}${size.group === 'floor' ? ', SPA subset (the floor)' : ''}`;

/** Formats a run as a header line and a Markdown table: sizes, round trips, single flight, hot path. */
export function formatTable(results: BenchResults): string {
  const { environment: env, sizes, budgets, roundTrips, singleFlight, hotPath } = results;
  const rows: string[][] = [];

  for (const size of sizes) {
    const budget = budgets.find((b) => b.id === size.id);
    const base = size.base && sizes.find((other) => other.id === size.base);
    const added =
      base && size.addedGzipBytes !== undefined
        ? `; adds ${bytes(size.addedGzipBytes)} to ${nameOf(base)}`
        : '';
    const target = budget
      ? `${size.base ? 'adds' : ''} ≤ ${bytes(budget.budgetBytes)}: ${verdict(budget.ok, bytes(budget.measuredBytes - budget.budgetBytes))}`.trim()
      : '';
    rows.push([
      'bundle (gzip)',
      nameOf(size),
      bytes(size.gzipBytes),
      `${bytes(size.rawBytes)} minified${added}`,
      target,
    ]);
  }

  for (const trip of roundTrips) {
    const byApp = trip.phases.filter((p) => p.byApp).flatMap((p) => p.requests);
    const byBrowser = trip.phases.filter((p) => !p.byApp).flatMap((p) => p.requests);
    const strip = (r: string) => r.replace(/ (auth|api) /, ' ').replace(/ \d{3}$/, '');
    const ours = trip.library === 'carto-auth';
    const minimal = trip.byApp === 2 && !byApp.some((r) => r.includes('openid-configuration'));
    rows.push([
      'requests, login click → first SQL response',
      `${trip.library}, ${trip.setup}`,
      `${trip.total} (${trip.byApp} by the app)`,
      `app: ${byApp.map(strip).join(', ')}; browser: ${byBrowser.map(strip).join(', ')}`,
      ours ? `the minimum (token + API call, no discovery): ${verdict(minimal)}` : '',
    ]);
  }

  const oneEach = singleFlight.tokenRequests.every((n) => n === 1);
  const perRound = singleFlight.msPerRound.map((ms) => int(ms)).join(', ');
  rows.push([
    'single flight',
    `${int(singleFlight.calls)} concurrent getAccessToken() across an expiry (m2m), ${singleFlight.rounds} rounds`,
    `token requests per round: ${singleFlight.tokenRequests.join(', ')}`,
    `all resolved in ${int(singleFlight.ms)} ms (median; rounds: ${perRound} ms); ${singleFlight.sameNewToken ? 'one new token for every call' : '**callers got different or old tokens**'}`,
    `exactly 1: ${verdict(oneEach && singleFlight.sameNewToken)}`,
  ]);

  const runs = `median of ${hotPath.rounds} × ${int(hotPath.iterations)} awaited calls`;
  rows.push([
    'hot path',
    'await Promise.resolve(token)',
    `${hotPath.baselineNsPerOp.toFixed(0)} ns/op`,
    runs,
    'baseline',
  ]);
  rows.push([
    'hot path',
    'await (Date.now(), Promise.resolve(token))',
    `${hotPath.clockReadNsPerOp.toFixed(0)} ns/op`,
    `${(hotPath.clockReadNsPerOp / hotPath.baselineNsPerOp).toFixed(2)}x the baseline: the clock read an expiring token needs on every call (case-13)`,
    'reference',
  ]);
  for (const subject of hotPath.subjects) {
    rows.push([
      'hot path',
      `await getAccessToken(), ${subject.label}, cached token`,
      `${subject.nsPerOp.toFixed(0)} ns/op`,
      `${subject.ratio.toFixed(2)}x the baseline`,
      `≤ 2x: ${verdict(subject.ratio <= 2)}`,
    ]);
  }

  const header = ['measure', 'subject', 'result', 'detail', 'target'];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `carto-auth bench, ${env.date}, ${env.commit}; Node ${env.node}, ${env.os}, ${env.cpus}, load ${env.loadAverage.toFixed(1)}`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
  ].join('\n');
}
