import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { DEMO } from './testing';

const PACKAGE_ROOT = path.resolve(__dirname, '..');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'carto-emulator.mjs');

describe('carto-emulator command', () => {
  it('prints its URLs and the demo credentials when ready, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--auth-port', '0', '--api-port', '0', '--quiet'], {
      cwd: PACKAGE_ROOT,
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Press Ctrl+C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');

    expect(output).toMatch(/auth server\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/CARTO API\s+http:\/\/127\.0\.0\.1:\d+/);
    for (const value of [
      DEMO.spaClientId,
      DEMO.m2mClientId,
      DEMO.m2mClientSecret,
      DEMO.users.demo,
      DEMO.users.sso,
      DEMO.users.signup,
      DEMO.organization,
      DEMO.connection,
    ]) {
      expect(output).toContain(value);
    }
    expect(output).toMatch(/password\s+demo/);
    expect(await exited).toBe(0);
  });

  it('explains its options with --help', () => {
    const result = spawnSync(process.execPath, [BIN, '--help'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--no-refresh-tokens');
  });

  it('refuses an unknown option with exit code 2', () => {
    const result = spawnSync(process.execPath, [BIN, '--port', '1'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage: carto-emulator');
  });
});
