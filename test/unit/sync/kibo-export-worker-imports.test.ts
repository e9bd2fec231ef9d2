// The thread that reads Kibo's export (read-kibo-side.ts) compiles every module it imports in its own
// isolate: archiver, zod, yaml and node-cron cost it ~12 MB at 1M rows, measured. This walks the worker's
// real import graph (value imports only: type imports are erased) so a new import cannot bring them back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const WORKER_ENTRY = path.resolve('src/sync/kibo-export-worker.ts');
/** What the worker needs: the zip reader and Node's own modules. */
const ALLOWED_PACKAGES = new Set(['yauzl']);

function listValueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || statement.moduleSpecifier === undefined) continue;
    if (!ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (ts.isImportDeclaration(statement) ? isTypeOnlyImport(statement) : statement.isTypeOnly) continue;
    specifiers.push(statement.moduleSpecifier.text);
  }
  return specifiers;
}

function isTypeOnlyImport(statement: ts.ImportDeclaration): boolean {
  const clause = statement.importClause;
  if (clause === undefined) return false; // a bare `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

/** Every module the worker loads: local files by path, packages by name. */
function collectImportGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of listValueImports(file)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the Kibo export worker's imports", () => {
  it('load no package beyond the zip reader', () => {
    const { files, packages } = collectImportGraph(WORKER_ENTRY);
    expect([...packages].filter((name) => !ALLOWED_PACKAGES.has(name))).toEqual([]);
    // The walk reached the reader's real modules, so an empty list above is not an empty walk.
    expect([...files].map((file) => path.relative(process.cwd(), file))).toEqual(
      expect.arrayContaining(['src/sync/hash-kibo-export.ts', 'src/csv/kibo-csv-reader.ts', 'src/kibo/kibo-zip.ts']),
    );
  });

  it('reach no mapping module that validates or parses mapping files', () => {
    const { files } = collectImportGraph(WORKER_ENTRY);
    const mappingModules = [...files].map((file) => path.relative(process.cwd(), file)).filter((file) => file.startsWith('src/mapping/'));
    expect(mappingModules).not.toContain('src/mapping/index.ts');
    expect(mappingModules).not.toContain('src/mapping/parse-mapping.ts');
  });
});
