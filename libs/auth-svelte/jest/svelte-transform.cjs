/**
 * Jest transform for `.svelte` components (TOOLCHAIN pitfall 4): svelte-jester needs Jest's ESM mode,
 * so compile with `svelte/compiler` (client output; `<script lang="ts">` types are stripped by Svelte
 * itself) and turn the ESM result into CommonJS with TypeScript. Only auth-svelte's tests use it.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { compile, VERSION } = require('svelte/compiler');
const ts = require('typescript');

const OWN_SOURCE = readFileSync(__filename, 'utf8');

/**
 * ES modules run their imports before any other statement; CommonJS runs `require` in place. Svelte's
 * dev output assigns to the component (through `$`) above `import * as $`, so move imports first.
 */
function hoistImports(code, fileName) {
  const { statements } = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest);
  const text = (statement) => code.slice(statement.getFullStart(), statement.end);
  const imports = statements.filter(ts.isImportDeclaration);
  const rest = statements.filter((statement) => !ts.isImportDeclaration(statement));
  return [...imports, ...rest].map(text).join('\n');
}

module.exports = {
  process(source, filename) {
    // Dev output: Svelte's runtime checks (store validation, props) report misuse in the fixtures.
    const { js } = compile(source, { filename, generate: 'client', dev: true });
    const fileName = `${filename}.js`;
    const { outputText } = ts.transpileModule(hoistImports(js.code, fileName), {
      fileName,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    return { code: outputText };
  },
  // Jest caches by this key: the transform's own source and the compiler versions belong in it, or an
  // edited transform would be served stale output.
  getCacheKey(source, filename, { configString }) {
    return createHash('sha256')
      .update(OWN_SOURCE)
      .update(VERSION)
      .update(ts.version)
      .update(filename)
      .update(configString)
      .update(source)
      .digest('hex');
  },
};
