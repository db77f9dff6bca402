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
exports.ConfigError = void 0;
exports.findTsconfig = findTsconfig;
exports.tsconfigDiagnostics = tsconfigDiagnostics;
exports.loadProject = loadProject;
exports.syntaxDiagnostics = syntaxDiagnostics;
/**
 * Loading the user's project.
 *
 * Guarantees: every requested file is in the returned project together with the
 * files it imports (so callees resolve across files and re-exports); compiler
 * options come from the nearest `tsconfig.json` above the inputs when there is
 * one (or the one given); syntax errors are returned as ADC100 diagnostics.
 */
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const ts_morph_1 = require("ts-morph");
const catalog_1 = require("../diagnostics/catalog");
/** The nearest tsconfig.json in `dir` or above it. */
function findTsconfig(dir) {
    let d = path.resolve(dir);
    for (;;) {
        const candidate = path.join(d, 'tsconfig.json');
        if (fs.existsSync(candidate))
            return candidate;
        const parent = path.dirname(d);
        if (parent === d)
            return undefined;
        d = parent;
    }
}
const defaultOptions = {
    target: ts_morph_1.ts.ScriptTarget.ES2022,
    module: ts_morph_1.ts.ModuleKind.ESNext,
    moduleResolution: ts_morph_1.ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts'],
    types: [],
};
/** Problems with a tsconfig.json (unreadable JSON, a missing `extends`, unknown options), as ADC192 diagnostics. */
function tsconfigDiagnostics(tsconfig) {
    const read = ts_morph_1.ts.readConfigFile(tsconfig, ts_morph_1.ts.sys.readFile);
    const text = (d) => ts_morph_1.ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (read.error)
        return [catalog_1.errors.tsconfig(tsconfig, text(read.error))];
    const parsed = ts_morph_1.ts.parseJsonConfigFileContent(read.config, ts_morph_1.ts.sys, path.dirname(tsconfig), undefined, tsconfig);
    // "No inputs were found" does not matter: the files to compile are given explicitly.
    return parsed.errors.filter((d) => d.code !== 18003).map((d) => catalog_1.errors.tsconfig(tsconfig, text(d)));
}
class ConfigError extends Error {
    diagnostics;
    constructor(diagnostics) {
        super(diagnostics.map((d) => d.message).join('; '));
        this.diagnostics = diagnostics;
    }
}
exports.ConfigError = ConfigError;
/** Throws ConfigError when the tsconfig.json in use is broken. */
function loadProject(files, options = {}) {
    const absFiles = [...new Set(files.map((f) => path.resolve(f)))].sort();
    let project;
    let tsconfig;
    if (options.inMemory) {
        project = new ts_morph_1.Project({ useInMemoryFileSystem: true, compilerOptions: defaultOptions });
        for (const [name, text] of Object.entries(options.inMemory))
            project.createSourceFile(name, text, { overwrite: true });
    }
    else {
        tsconfig = options.tsconfig ?? (absFiles.length > 0 ? findTsconfig(path.dirname(absFiles[0])) : undefined);
        if (tsconfig) {
            const problems = tsconfigDiagnostics(tsconfig);
            if (problems.length > 0)
                throw new ConfigError(problems);
        }
        project = tsconfig
            ? new ts_morph_1.Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true, compilerOptions: { noEmit: true, skipLibCheck: true } })
            : new ts_morph_1.Project({ compilerOptions: defaultOptions });
        for (const f of absFiles)
            project.addSourceFileAtPath(f);
        project.resolveSourceFileDependencies();
    }
    const program = project.getProgram().compilerObject;
    return { project, checker: program.getTypeChecker(), program, files: options.inMemory ? Object.keys(options.inMemory).map((f) => project.getSourceFileOrThrow(f).getFilePath()).sort() : absFiles, tsconfig };
}
/** ADC100 for every syntax error of a file. */
function syntaxDiagnostics(loaded, file) {
    const sf = loaded.program.getSourceFile(file);
    if (!sf)
        return [];
    return loaded.program.getSyntacticDiagnostics(sf).map((d) => {
        const start = d.start ?? 0;
        const { line, character } = sf.getLineAndCharacterOfPosition(start);
        return catalog_1.errors.syntax({ file: sf.fileName, line: line + 1, col: character + 1, length: d.length ?? 1, sourceText: sf.text }, ts_morph_1.ts.flattenDiagnosticMessageText(d.messageText, ' '));
    });
}
