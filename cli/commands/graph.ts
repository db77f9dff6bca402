/**
 * `adc graph <file> <function>`: the computational graph of a function, as SVG (rendered
 * offline by Graphviz compiled to WebAssembly, @hpcc-js/wasm-graphviz) or as DOT text.
 *
 * Guarantees: writes the picture to `-o` (the format from its extension unless --format says)
 * or to stdout; writes nothing when the function has compile errors (printed as diagnostics,
 * exit 1) or when --at / --direction do not fit its parameters (exit 2, saying what to write);
 * the same inputs give the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { graphFunction, GraphInputError } from '../../compiler';
import { ExitCode, UsageError, fsReason } from '../errors';
import type { Reporter } from '../report';

export interface GraphFlags {
  readonly at?: string;
  readonly direction?: string;
  readonly output?: string;
  readonly format?: 'svg' | 'dot';
  readonly expand?: boolean;
  readonly tsconfig?: string;
}

export async function graph(file: string, name: string, flags: GraphFlags, reporter: Reporter): Promise<ExitCode> {
  const format = flags.format ?? (flags.output && path.extname(flags.output).toLowerCase() === '.dot' ? 'dot' : 'svg');
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`, 'ADC190');
  let result;
  try {
    result = graphFunction({ file: path.resolve(file), name, at: flags.at, direction: flags.direction, expand: flags.expand, tsconfig: flags.tsconfig });
  } catch (e) {
    if (e instanceof GraphInputError) throw new UsageError(e.message);
    throw e;
  }
  if ('diagnostics' in result) {
    for (const d of result.diagnostics) reporter.diagnostic(d);
    reporter.line(`adc graph: nothing drawn: fix the errors above`);
    return ExitCode.diagnostics;
  }
  const text = format === 'dot' ? result.dot : await renderSvg(result.dot);
  if (!flags.output) {
    reporter.data(text);
    return ExitCode.ok;
  }
  try {
    fs.writeFileSync(flags.output, text);
  } catch (e) {
    reporter.line(`adc: error: cannot write ${flags.output}: ${fsReason(e)}`);
    return ExitCode.diagnostics;
  }
  reporter.line(`wrote ${reporter.display(path.resolve(flags.output))} (${result.nodes} nodes, ${format.toUpperCase()})`);
  return ExitCode.ok;
}

/** The part of @hpcc-js/wasm-graphviz used here. */
interface GraphvizModule {
  readonly Graphviz: { load(): Promise<{ dot(source: string, format: 'svg'): string }> };
}

/** DOT ⇒ SVG with Graphviz in WebAssembly (an ES module: loaded with a real dynamic import). */
async function renderSvg(dot: string): Promise<string> {
  const load = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<GraphvizModule>;
  const { Graphviz } = await load('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg');
}
