/**
 * The `carto-emulator` command: starts the emulator, prints its URLs and the demo credentials (or one
 * JSON line with `--json`), and stops cleanly on SIGINT/SIGTERM (and, with `--json`, when stdin closes,
 * so spawned emulators never outlive the process that started them).
 */
import { DEMO } from './demo.js';
import { parseCliArguments, USAGE, type CliArguments } from './cli-args.js';
import { M2M_CLIENTS } from './directory.js';

function readyBanner(authUrl: string, apiUrl: string, issuer: string): string {
  const other = M2M_CLIENTS.find((client) => client.clientId !== DEMO.m2mClientId);
  return [
    'CARTO emulator ready',
    `  auth server    ${authUrl}   (issuer ${issuer})`,
    `  CARTO API      ${apiUrl}`,
    `  audience       ${DEMO.audience}`,
    `  SPA client     ${DEMO.spaClientId}   (public, code + PKCE)`,
    `  M2M client     ${DEMO.m2mClientId} / ${DEMO.m2mClientSecret}`,
    ...(other ? [`  M2M (other)    ${other.clientId} / ${other.clientSecret}`] : []),
    `  users          ${DEMO.users.demo}   ${DEMO.users.sso} (${DEMO.organization})   ${DEMO.users.signup} (sign-up pending)`,
    `  password       ${DEMO.password}`,
    `  connection     ${DEMO.connection}   (demo.public.cities, demo.public.countries, demo.geo.airports)`,
    'Press Ctrl+C to stop.',
  ].join('\n');
}

async function main(args: CliArguments): Promise<void> {
  if (args.json) {
    // stdout carries exactly one JSON line: route every other console output to stderr.
    console.log = console.info = console.debug = (...parts: unknown[]) => console.error(...parts);
  }
  // Two oidc-provider notices that do not apply here are dropped: the runtime warning (every flow the
  // emulator uses works on Node 20, TOOLCHAIN.md) and the one about the JSON token bodies the emulator
  // parses on purpose (Auth0 accepts them).
  const warn = console.warn;
  const benign = ['Unsupported runtime', 'already parsed request body detected'];
  console.warn = (...parts: unknown[]) => {
    const text = parts.filter((part) => typeof part === 'string').join(' ');
    if (!benign.some((notice) => text.includes(notice))) warn(...parts);
  };
  const { startEmulator } = await import('./emulator.js');

  const log = args.quiet
    ? undefined
    : (line: string) => (args.json ? console.error(line) : console.log(line));
  // Interactive use (the demo) warms the SQL engine up at once; spawned test emulators load it on demand.
  const emulator = await startEmulator({ ...args.options, log, preloadDatabase: !args.json });

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ authUrl: emulator.authUrl, apiUrl: emulator.apiUrl, issuer: emulator.issuer })}\n`,
    );
    process.stdin.on('end', () => stop(0));
    process.stdin.on('close', () => stop(0));
    process.stdin.resume();
  } else {
    console.log(readyBanner(emulator.authUrl, emulator.apiUrl, emulator.issuer));
  }
}

let args: CliArguments;
try {
  args = parseCliArguments(process.argv.slice(2));
} catch (error) {
  console.error(`carto-emulator: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
} else {
  main(args).catch((error: unknown) => {
    console.error(
      `carto-emulator: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
}
