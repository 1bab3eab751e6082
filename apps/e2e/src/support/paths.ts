import * as path from 'node:path';

/** The Nx workspace root (apps/e2e/src/support → four levels up). */
export const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
