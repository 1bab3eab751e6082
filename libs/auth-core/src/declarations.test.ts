/**
 * The published declarations (what `tsc --emitDeclarationOnly` makes of src/index.ts and src/node.ts)
 * must compile for a Node service that has no DOM lib and checks library types (`skipLibCheck` off):
 * a DOM-only name in a public signature (`RequestInfo` was one) breaks such a build.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const projectDir = join(__dirname, '..');
const scratch = join(projectDir, '..', '..', 'node_modules', '.cache', 'carto-auth-declarations');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('the public declarations compile in a Node project without the DOM lib', () => {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(projectDir, 'tsconfig.lib.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  )!;
  const outDir = join(scratch, 'dist');
  rmSync(scratch, { recursive: true, force: true });
  const library = ts.createProgram({
    rootNames: config.fileNames,
    options: { ...config.options, outDir, declaration: true, emitDeclarationOnly: true, noEmit: false },
  });
  const emitted = library.emit();
  expect(emitted.emitSkipped).toBe(false);

  const consumer = join(scratch, 'service.ts');
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    consumer,
    [
      "import { apiToken, createCartoAuth, m2m, querySql, tokensApi } from './dist/index';",
      "import { nodePorts } from './dist/node';",
      "const auth = createCartoAuth({ strategy: m2m({ clientId: 'c', clientSecret: 's' }), apiBaseUrl: 'https://x.example', ports: nodePorts() });",
      "export const answer: Promise<Response> = auth.fetch(new URL('https://x.example/v3'), { method: 'GET' });",
      'export const rows = querySql(auth, { connection: "c", query: "select 1" });',
      'export const created = tokensApi(auth).create({ grants: [], allowed_apis: ["sql"] });',
      "export const other = createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: 'https://x.example' });",
    ].join('\n'),
  );
  const service = ts.createProgram({
    rootNames: [consumer],
    options: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(projectDir, '..', '..', 'node_modules', '@types')],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
    },
  });
  const problems = ts.getPreEmitDiagnostics(service).map((diagnostic) => {
    const where = diagnostic.file ? `${relative(scratch, diagnostic.file.fileName)}: ` : '';
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  });
  expect(problems).toEqual([]);
});
