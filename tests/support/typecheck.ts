/**
 * Type-checks in-memory TypeScript files under `strict` (and the unused-name,
 * exact-optional, implicit-return and fall-through flags) with the project's
 * `typescript` (6.0), in one program: `ts-adc/runtime` and `ts-adc` resolve to
 * the sources in runtime/. Returns the errors as `path:line:col: message`.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { compileSources } from '../../compiler';

const root = path.resolve(__dirname, '../..');

export function typeErrors(files: Readonly<Record<string, string>>): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    // The flags of strict project templates (Vite's among them): generated code passes them too.
    noUnusedLocals: true,
    noUnusedParameters: true,
    exactOptionalPropertyTypes: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: true,
    paths: {
      'ts-adc/runtime': [path.join(root, 'runtime/index.ts')],
      'ts-adc': [path.join(root, 'runtime/markers.ts')],
    },
  };
  const host = ts.createCompilerHost(options);
  const has = (f: string) => Object.prototype.hasOwnProperty.call(files, f);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (f) => has(f) || fileExists.call(host, f);
  host.directoryExists = (d) => Object.keys(files).some((f) => f.startsWith(`${d}/`)) || (directoryExists?.call(host, d) ?? false);
  host.readFile = (f) => (has(f) ? files[f] : readFile.call(host, f));
  host.getSourceFile = (f, lang, onError, create) => (has(f) ? ts.createSourceFile(f, files[f], lang, true, ts.ScriptKind.TS) : getSourceFile.call(host, f, lang, onError, create));
  const program = ts.createProgram(Object.keys(files), options, host);
  // A random source may leave a name or an import unused: that is the source's business, not the generated code's.
  const unused = new Set([6133, 6138, 6192, 6196, 6198, 6205]);
  const aboutGenerated = (d: ts.Diagnostic) => !unused.has(d.code) || (d.file?.fileName.endsWith('.grad.ts') ?? true);
  return ts
    .getPreEmitDiagnostics(program)
    .filter(aboutGenerated)
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
    });
}

/**
 * Compiles each program twice (the output must be the same bytes), then type-checks every
 * source and generated file together; on failure the report shows the seed and up to three
 * offending files.
 */
export function expectStrictAndDeterministic(programs: readonly { readonly files: Readonly<Record<string, string>> }[], seed: number): void {
  const files: Record<string, string> = {};
  programs.forEach((text, i) => {
    for (const [file, src] of Object.entries(text.files)) files[`/p${i}${file}`] = src;
    const once = compileSources(text.files).files;
    expect(compileSources(text.files).files.map((g) => g.text)).toEqual(once.map((g) => g.text));
    for (const g of once) files[`/p${i}${g.path}`] = g.text;
  });
  const errors = typeErrors(files);
  const shownFiles = [...new Set(errors.map((e) => e.split(':')[0]))].slice(0, 3);
  expect({ seed, errors, files: shownFiles.map((f) => `// ${f}\n${files[f]}`) }).toEqual({ seed, errors: [], files: [] });
}
