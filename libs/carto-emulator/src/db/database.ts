/**
 * The embedded SQL engine (PGlite: Postgres compiled to WebAssembly) holding the `carto_dw` data.
 *
 * Creating a Postgres cluster takes seconds (initdb, then `CREATE DATABASE demo` and a re-open so that
 * three-part names like `demo.public.cities` resolve; TOOLCHAIN pitfall 14). So the seeded cluster is
 * built once per seed and PGlite version, dumped to a tarball under the OS temp directory (written aside,
 * then renamed: atomic), and every emulator loads the tarball into its own in-memory file system. Nothing
 * is shared between emulators and nothing is left on disk per emulator.
 *
 * The tarball holds only the `demo` database: the files of `postgres`, `template0` and `template1` are
 * removed before the dump (nothing connects to them), which halves what each emulator loads.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { PGlite } from '@electric-sql/pglite';

import { DATABASE, READER_ROLE, REVOKED_FUNCTIONS, SCHEMA_VERSION, SEED_SQL } from './seed.js';

/** An open private copy of the demo database. */
export interface Database {
  readonly pg: PGlite;
  close(): Promise<void>;
}

function pgliteVersion(): string {
  try {
    const wasm = fileURLToPath(import.meta.resolve('@electric-sql/pglite/pglite.wasm'));
    const pkg = JSON.parse(readFileSync(join(dirname(wasm), '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where the seeded cluster of this seed and PGlite version is cached. */
export function templatePath(): string {
  return join(tmpdir(), `carto-emulator-pglite-${pgliteVersion()}-${SCHEMA_VERSION}.tar`);
}

/** PGlite takes a few hundred milliseconds to import: only when the database is needed. */
async function loadPGlite(): Promise<typeof PGlite> {
  return (await import('@electric-sql/pglite')).PGlite;
}

async function buildTemplate(target: string): Promise<void> {
  const PGlite = await loadPGlite();
  const directory = await mkdtemp(join(tmpdir(), 'carto-emulator-build-'));
  const partial = `${target}.${process.pid}-${randomUUID()}.part`;
  try {
    const bootstrap = await PGlite.create(directory);
    await bootstrap.exec(`CREATE DATABASE ${DATABASE}`);
    await bootstrap.close();
    const seeded = await PGlite.create(directory, { database: DATABASE });
    await seeded.exec(SEED_SQL);
    await seeded.exec('CHECKPOINT');
    const others = await seeded.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname <> $1', [
      DATABASE,
    ]);
    await seeded.close();
    await Promise.all(
      others.rows.map(({ oid }) =>
        rm(join(directory, 'base', String(oid)), { recursive: true, force: true }),
      ),
    );
    const stripped = await PGlite.create(directory, { database: DATABASE });
    await stripped.query('SELECT count(*) FROM public.cities');
    const dump = await stripped.dumpDataDir('none');
    await stripped.close();
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    // Whoever renames last wins with an identical file; readers never see a partial one.
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
    await rm(directory, { recursive: true, force: true });
  }
}

let template: Promise<string> | undefined;

/** Returns the cached template tarball, building it first when missing (once per process). */
export function ensureTemplate(): Promise<string> {
  template ??= (async () => {
    const target = templatePath();
    if (!existsSync(target)) await buildTemplate(target);
    return target;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

/**
 * PGlite reads `loadDataDir` with `arrayBuffer()`; Node's Blob copies a large buffer through its stream
 * machinery (hundreds of milliseconds for the tarball). Hand over the bytes already read instead.
 */
class BytesBlob extends Blob {
  readonly #bytes: ArrayBuffer;

  constructor(bytes: Buffer) {
    super([]);
    this.#bytes = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes);
  }
}

/**
 * Opens a private in-memory copy of the seeded demo database, with the session switched to the
 * read-only role (see {@link READER_ROLE}), and checks that it took: the caller gets a session that is
 * not a superuser and cannot execute {@link REVOKED_FUNCTIONS}, or an error.
 */
export async function openDatabase(): Promise<Database> {
  const [PGlite, tarball] = await Promise.all([
    loadPGlite(),
    ensureTemplate().then((path) => readFile(path)),
  ]);
  const pg = await PGlite.create({
    loadDataDir: new BytesBlob(tarball),
    database: DATABASE,
    // Postgres numeric arrives as text; CARTO's SQL API answers numbers.
    parsers: { 1700: (value: string) => Number(value) },
  });
  try {
    await pg.exec(`SET SESSION AUTHORIZATION ${READER_ROLE}`);
    const { rows } = await pg.query<{
      session_user: string;
      current_user: string;
      superuser: boolean;
      runnable: number;
    }>(
      `SELECT session_user::text AS session_user, current_user::text AS current_user,
              (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) AS superuser,
              (SELECT count(*)::int FROM pg_proc
                WHERE proname = ANY ($1::text[]) AND has_function_privilege(oid, 'EXECUTE')) AS runnable`,
      [REVOKED_FUNCTIONS],
    );
    const session = rows[0];
    if (
      session?.session_user !== READER_ROLE ||
      session.current_user !== READER_ROLE ||
      session.superuser !== false ||
      session.runnable !== 0
    ) {
      throw new Error(
        `The SQL session is not the restricted ${READER_ROLE} role: ${JSON.stringify(session)}`,
      );
    }
  } catch (error) {
    await pg.close().catch(() => undefined);
    throw error;
  }
  return {
    pg,
    async close() {
      await pg.close().catch(() => undefined);
    },
  };
}
