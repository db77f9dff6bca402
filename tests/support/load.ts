/**
 * Loading TypeScript text as a module, in-process: transpile to CommonJS and
 * evaluate it with a `require` that knows `ts-adc/runtime` and the sibling
 * modules given. Used to run generated code without writing files.
 */
import { ts } from 'ts-morph';
import * as runtime from '../../runtime';
import * as markers from '../../runtime/markers';

export type Module = Record<string, any>;

export function loadModule(text: string, siblings: Record<string, Module> = {}, fileName = 'module.ts'): Module {
  const js = ts.transpileModule(text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName,
  }).outputText;
  const exports: Module = {};
  const module = { exports };
  const req = (spec: string): Module => {
    if (spec === 'ts-adc/runtime') return runtime;
    if (spec === 'ts-adc') return markers;
    const key = spec.replace(/^\.\//, '').replace(/\.(js|ts)$/, '');
    if (key in siblings) return siblings[key];
    throw new Error(`loadModule: cannot resolve '${spec}' from ${fileName}`);
  };
  new Function('require', 'exports', 'module', js)(req, exports, module);
  return module.exports;
}
