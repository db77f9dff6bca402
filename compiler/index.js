"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.loadProject = exports.ts = exports.tsconfigDiagnostics = exports.findTsconfig = exports.ConfigError = exports.formatDiagnostic = exports.errors = void 0;
exports.outputPath = outputPath;
exports.compileFiles = compileFiles;
exports.compileSources = compileSources;
exports.compileLoaded = compileLoaded;
exports.compileRequests = compileRequests;
/**
 * The pipeline, top to bottom:
 *
 *   load project ─▶ find @differentiable functions ─▶ lower each (and every callee, on demand) to IR
 *     ─▶ differentiate (forward: f_jvp; reverse: f_vjp, f_grad; helpers per call pattern)
 *     ─▶ print `<file>.grad.ts`
 *
 * A file with any error produces no output and its diagnostics; other files are
 * unaffected. Output is a pure function of the sources.
 */
const path = __importStar(require("node:path"));
const ts_morph_1 = require("ts-morph");
Object.defineProperty(exports, "ts", { enumerable: true, get: function () { return ts_morph_1.ts; } });
const project_1 = require("./1-frontend/project");
Object.defineProperty(exports, "loadProject", { enumerable: true, get: function () { return project_1.loadProject; } });
const functions_1 = require("./1-frontend/functions");
const _2_lower_1 = require("./2-lower");
const _4_differentiate_1 = require("./4-differentiate");
const printer_1 = require("./5-print/printer");
const print_1 = require("./ir/print");
const catalog_1 = require("./diagnostics/catalog");
Object.defineProperty(exports, "errors", { enumerable: true, get: function () { return catalog_1.errors; } });
Object.defineProperty(exports, "formatDiagnostic", { enumerable: true, get: function () { return catalog_1.formatDiagnostic; } });
var project_2 = require("./1-frontend/project");
Object.defineProperty(exports, "ConfigError", { enumerable: true, get: function () { return project_2.ConfigError; } });
Object.defineProperty(exports, "findTsconfig", { enumerable: true, get: function () { return project_2.findTsconfig; } });
Object.defineProperty(exports, "tsconfigDiagnostics", { enumerable: true, get: function () { return project_2.tsconfigDiagnostics; } });
function outputPath(source, options = {}) {
    const suffix = options.suffix ?? '.grad.ts';
    const base = source.replace(/\.(m|c)?tsx?$/, '');
    if (!options.outDir)
        return base + suffix;
    const rel = path.relative(options.rootDir ?? path.dirname(source), base);
    return path.join(options.outDir, rel) + suffix;
}
function compileFiles(files, options = {}) {
    let loaded;
    try {
        loaded = (0, project_1.loadProject)(files, { tsconfig: options.tsconfig });
    }
    catch (e) {
        if (e instanceof project_1.ConfigError)
            return { files: [], diagnostics: e.diagnostics, failed: [...files], sources: [...files] };
        throw e;
    }
    return compileLoaded(loaded, options);
}
/** Compiles sources held in memory (tests, the plugin): `{ '/src/a.ts': '…' }`. */
function compileSources(sources, options = {}) {
    const loaded = (0, project_1.loadProject)(Object.keys(sources), { inMemory: sources });
    return compileLoaded(loaded, options);
}
function compileLoaded(loaded, options) {
    const irCache = new Map();
    const sourcesByKey = new Map();
    const lower = (src) => {
        let entry = irCache.get(src.key);
        if (!entry) {
            try {
                const lowered = (0, _2_lower_1.lowerFunction)(src, loaded.checker);
                const { ir, callees } = lowered;
                for (const [k, s] of callees)
                    sourcesByKey.set(k, s);
                entry = { ir, deps: [...callees.keys()], files: lowered.files };
            }
            catch (e) {
                if (!(e instanceof catalog_1.CompileError))
                    throw e;
                entry = e;
            }
            irCache.set(src.key, entry);
        }
        if (entry instanceof catalog_1.CompileError)
            throw entry;
        return entry.ir;
    };
    const getIR = (key) => {
        const src = sourcesByKey.get(key);
        if (!src)
            throw new Error(`unknown function ${key}`);
        return lower(src);
    };
    const files = [];
    const diagnostics = [];
    const failed = [];
    const dumps = [];
    const compilerOptions = loaded.program.getCompilerOptions();
    for (const file of loaded.files) {
        const sf = loaded.program.getSourceFile(file);
        if (!sf)
            continue;
        const fileDiags = [...(0, project_1.syntaxDiagnostics)(loaded, file)];
        if (fileDiags.length === 0) {
            const { marked, diagnostics: tagDiags } = (0, functions_1.findMarked)(sf);
            fileDiags.push(...tagDiags);
            const irs = [];
            for (const m of marked) {
                sourcesByKey.set(m.source.key, m.source);
                try {
                    const ir = lower(m.source);
                    checkCallees(ir, getIR, new Set());
                    irs.push({ ir, wrt: m.wrt });
                    if (options.dumpIR)
                        dumps.push((0, print_1.printIR)(ir));
                }
                catch (e) {
                    fileDiags.push(toDiagnostic(e, m.source.name));
                }
            }
            if (fileDiags.length === 0 && irs.length > 0) {
                try {
                    const out = outputPath(file, options);
                    const js = (0, _4_differentiate_1.differentiateFile)(irs, getIR, {
                        sourceLabel: path.relative(path.dirname(out), file).split(path.sep).join('/'),
                        runtimeModule: options.runtimeModule ?? 'ts-adc/runtime',
                        uncheckedIndex: compilerOptions.noUncheckedIndexedAccess === true,
                    });
                    const deps = new Set([file]);
                    const visit = (key) => {
                        const src = sourcesByKey.get(key);
                        if (!src || deps.has(`${key}`))
                            return;
                        deps.add(key);
                        deps.add(src.file);
                        const entry = irCache.get(key);
                        if (entry && !(entry instanceof catalog_1.CompileError)) {
                            entry.files.forEach((f) => deps.add(f));
                            entry.deps.forEach(visit);
                        }
                    };
                    irs.forEach((m) => visit(m.ir.key));
                    files.push({
                        source: file,
                        path: out,
                        text: (0, printer_1.printFile)(js),
                        functions: irs.map((m) => m.ir.name),
                        dependencies: [...deps].filter((d) => !d.includes('#')).sort(),
                    });
                }
                catch (e) {
                    fileDiags.push(toDiagnostic(e, irs.map((m) => m.ir.name).join(', ')));
                }
            }
        }
        if (fileDiags.length > 0) {
            failed.push(file);
            diagnostics.push(...fileDiags);
        }
    }
    return { files, diagnostics, failed, sources: loaded.files, ir: options.dumpIR ? dumps.join('\n') : undefined };
}
/** Lowers every function reachable from `ir`, so that errors in callees are reported before emitting. */
function checkCallees(ir, getIR, seen) {
    if (seen.has(ir.key))
        return;
    seen.add(ir.key);
    const visit = (stmts) => {
        for (const s of stmts) {
            if (s.kind === 'op' && s.op === 'call')
                checkCallees(getIR(s.callee), getIR, seen);
            else if (s.kind === 'if') {
                visit(s.then);
                visit(s.else);
            }
            else if (s.kind === 'loop') {
                visit(s.test);
                visit(s.body);
                visit(s.update);
            }
        }
    };
    visit(ir.body);
}
function toDiagnostic(e, fn) {
    if (e instanceof catalog_1.CompileError)
        return e.diagnostic;
    const detail = e instanceof Error ? e.message : String(e);
    const d = catalog_1.errors.internal(fn, detail);
    return process.env.ADC_DEBUG && e instanceof Error ? { ...d, frame: e.stack } : d;
}
/**
 * Differentiates the requested functions of a loaded project into one module
 * (used by the compiler plugin, which inlines it into the file that asked).
 */
function compileRequests(loaded, requests, options = {}) {
    const sourcesByKey = new Map();
    const cache = new Map();
    const lowerSrc = (src) => {
        let ir = cache.get(src.key);
        if (!ir) {
            const lowered = (0, _2_lower_1.lowerFunction)(src, loaded.checker);
            for (const [k, s] of lowered.callees)
                sourcesByKey.set(k, s);
            ir = lowered.ir;
            cache.set(src.key, ir);
        }
        return ir;
    };
    const getIR = (key) => lowerSrc(sourcesByKey.get(key));
    const diagnostics = [];
    const marked = [];
    for (const r of requests) {
        const sf = loaded.program.getSourceFile(r.file);
        const src = sf ? (0, functions_1.moduleFunctions)(sf).find((f) => f.name === r.name) : undefined;
        if (!src) {
            diagnostics.push(catalog_1.errors.unresolvedCall({ file: r.file, line: 1, col: 1 }, `'${r.name}' is not a module-level function of ${r.file}`));
            continue;
        }
        sourcesByKey.set(src.key, src);
        try {
            const ir = lowerSrc(src);
            checkCallees(ir, getIR, new Set());
            const params = ir.params.map((p) => ir.vars[p].name);
            const unknown = (r.wrt ?? []).filter((w) => !params.includes(w));
            if (unknown.length > 0) {
                diagnostics.push(catalog_1.errors.badTag({ file: r.file, line: 1, col: 1 }, `'${unknown[0]}' is not a parameter of '${r.name}' (parameters: ${params.join(', ')})`));
                continue;
            }
            marked.push({ ir, wrt: r.wrt ?? params, prefix: r.prefix });
        }
        catch (e) {
            diagnostics.push(toDiagnostic(e, r.name));
        }
    }
    if (diagnostics.length > 0 || marked.length === 0)
        return { text: undefined, diagnostics };
    try {
        const js = (0, _4_differentiate_1.differentiateFile)(marked, getIR, {
            sourceLabel: options.sourceLabel ?? 'the compiler plugin',
            runtimeModule: options.runtimeModule ?? 'ts-adc/runtime',
            uncheckedIndex: loaded.program.getCompilerOptions().noUncheckedIndexedAccess === true,
        });
        return { text: (0, printer_1.printFile)(js), diagnostics };
    }
    catch (e) {
        return { text: undefined, diagnostics: [toDiagnostic(e, requests.map((r) => r.name).join(', '))] };
    }
}
