/**
 * What `adc` needs of the install: the compiler's packages.
 *
 * ts-adc's `optionalDependencies` (ts-morph, which carries its own TypeScript,
 * commander, picomatch) are everything `adc` and the plugin load besides Node;
 * the runtime that generated files import needs none of them. A full install
 * (`npm install ts-adc`) brings them, a runtime-only one (`npm install
 * --omit=optional ts-adc`, for an app that runs checked-in generated files)
 * leaves them out.
 *
 * Guarantees: `missingDependencies` resolves the packages' names without
 * loading any of them, so main.ts can ask before anything needs them; the text
 * names each missing package and the command that installs them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PackageManifest {
  readonly version?: string;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

let manifest: { readonly pkg: PackageManifest | undefined } | undefined;

/** The package.json of ts-adc (found above this file, from dist/cli or cli/); undefined when there is none. Read once. */
export function packageManifest(): PackageManifest | undefined {
  manifest ??= { pkg: findManifest() };
  return manifest.pkg;
}

function findManifest(): PackageManifest | undefined {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as PackageManifest & { name?: string };
      if (pkg.name === 'ts-adc') return pkg;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The compiler's packages that cannot be resolved from here, in package.json's order. */
export function missingDependencies(resolve: (name: string) => string = require.resolve): string[] {
  return Object.keys(packageManifest()?.optionalDependencies ?? {}).filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 *   adc: error: the compiler is not installed (missing: ts-morph, commander, picomatch).
 *   …
 *     npm install --include=optional
 */
export function missingDependenciesText(missing: readonly string[]): string {
  return [
    `adc: error: the compiler is not installed (missing: ${missing.join(', ')}).`,
    'ts-adc was installed without its optional dependencies (a runtime-only install, npm install --omit=optional,',
    'or one whose optional packages failed to install): generated files run, but adc cannot write them.',
    'Install the compiler in this project with:',
    '  npm install --include=optional',
  ].join('\n');
}
