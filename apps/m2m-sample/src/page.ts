import type { SampleConfig } from './config';

const escape = (value: unknown) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * The page: rows rendered on the server, plus a button that fetches a minted token from `/api/token`
 * and queries the SQL API from the browser with it (the referer restriction is this origin).
 */
export function renderPage({
  rows,
  config,
}: {
  rows: Record<string, unknown>[];
  config: SampleConfig;
}): string {
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  const table = `<table data-testid="query-table"><thead><tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${columns.map((c) => `<td>${escape(row[c])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>carto-auth m2m-sample</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}</style>
</head><body>
<h1>carto-auth: M2M token factory</h1>
<p>This server holds an M2M client (<code>${escape(config.clientId)}</code>), minted an API access token limited to
<code>${escape(config.table)}</code>, the SQL API and this origin, and read these rows with it.</p>
${table}
<p><button data-testid="run-query" id="browser-query">Query again from this browser</button> <span id="browser-status" data-testid="auth-status"></span></p>
<script type="module">
const status = document.getElementById('browser-status');
document.getElementById('browser-query').addEventListener('click', async () => {
  status.textContent = 'loading';
  try {
    const { token, apiBaseUrl, connection, table } = await (await fetch('/api/token')).json();
    const q = encodeURIComponent('select name, country, population from ' + table + ' order by population desc limit 20');
    const response = await fetch(apiBaseUrl + '/v3/sql/' + connection + '/query?q=' + q, { headers: { Authorization: 'Bearer ' + token } });
    const body = await response.json();
    status.textContent = response.ok ? body.rows.length + ' rows read from the browser with the minted token' : 'error: ' + body.error;
  } catch (error) {
    status.textContent = 'error: ' + error.message;
  }
});
</script>
</body></html>`;
}
