/**
 * ts-adc diagnostics as TypeScript diagnostics.
 *
 * Guarantees: every diagnostic gets a file and a span of the user's program
 * (the compiler's file:line:col when that file is in the program, else the
 * marker call it came from), its message starts with the ADC code
 * (`ADC104 closures are not supported: …`) and its TypeScript code is
 * 990000 + the ADC number, so `tspc` prints `file(line,col): error TS990104:
 * ADC104 …` and exits non-zero. A diagnostic located away from the marker call
 * carries the call as related information. Each is reported once per program.
 * The one exception is `programDiagnostic`'s, about the whole program (the
 * TypeScript version it runs in): it has no file.
 */
import type * as ts from 'typescript';
import type { Diagnostic } from '../compiler/index';

export interface Reporter {
  /** A compiler diagnostic, caused by the marker call `at`. */
  compiler(d: Diagnostic, at: ts.Node): void;
  /** A diagnostic of the plugin itself, at a node of the user's file. */
  at(node: ts.Node, code: string, message: string): void;
}

export function reporter(t: typeof ts, program: ts.Program, add: (d: ts.Diagnostic) => unknown, reported: Set<string>): Reporter {
  const emit = (d: ts.Diagnostic) => {
    const key = `${d.file?.fileName}:${d.start}:${d.code}:${d.messageText}`;
    if (reported.has(key)) return;
    reported.add(key);
    add(d);
  };
  const base = (code: string, message: string, category: ts.DiagnosticCategory) => ({
    category,
    code: 990000 + (Number(code.replace(/^ADC/, '')) || 0),
    messageText: `${code} ${message}`,
  });
  return {
    compiler(d, at) {
      const call = at.getSourceFile();
      const sf = d.file !== undefined ? program.getSourceFile(d.file) : undefined;
      const category = d.severity === 'warning' ? t.DiagnosticCategory.Warning : t.DiagnosticCategory.Error;
      if (!sf || d.line === undefined) {
        emit({ ...base(d.code, d.message, category), file: call, start: at.getStart(), length: at.getWidth() });
        return;
      }
      const start = positionOf(sf, d.line, d.col ?? 1);
      const related: ts.DiagnosticRelatedInformation = {
        category: t.DiagnosticCategory.Message,
        code: 990000,
        file: call,
        start: at.getStart(),
        length: at.getWidth(),
        messageText: `needed by ${at.getText().split('\n')[0]} here`,
      };
      const far = sf !== call || start < at.getStart() || start >= at.getEnd();
      emit({ ...base(d.code, d.message, category), file: sf, start, length: wordLength(sf.text, start), relatedInformation: far ? [related] : undefined });
    },
    at(node, code, message) {
      emit({ ...base(code, message, t.DiagnosticCategory.Error), file: node.getSourceFile(), start: node.getStart(), length: node.getWidth() });
    },
  };
}

/** A diagnostic about the whole program, without a file: `error TS990194: ADC194 …`. */
export function programDiagnostic(t: typeof ts, d: Diagnostic): ts.Diagnostic {
  return {
    category: t.DiagnosticCategory.Error,
    code: 990000 + Number(d.code.replace(/^ADC/, '')),
    messageText: `${d.code} ${d.message}`,
    file: undefined,
    start: undefined,
    length: undefined,
  };
}

/** 1-based line and column ⇒ offset, clamped to the file. */
function positionOf(sf: ts.SourceFile, line: number, col: number): number {
  const starts = sf.getLineStarts();
  const l = Math.min(Math.max(line - 1, 0), starts.length - 1);
  const lineEnd = l + 1 < starts.length ? starts[l + 1] - 1 : sf.text.length;
  return Math.min(starts[l] + Math.max(col - 1, 0), Math.max(lineEnd, starts[l]));
}

/** The length of the word (or else the character) at `start`, for the squiggle. */
function wordLength(text: string, start: number): number {
  const m = /^[\w$]+/.exec(text.slice(start, start + 200));
  return m ? m[0].length : Math.min(1, text.length - start);
}
