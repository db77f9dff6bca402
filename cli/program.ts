/**
 * `adc`'s command line, wired with commander (main.ts runs it once the
 * compiler's packages are known to be installed). Each command lives in
 * `commands/`; this file only declares them and turns every way of ending
 * into an exit code.
 *
 * Guarantees: usage errors (commander's and ours) print one `adc: error…` line
 * and exit 2; `--help` and `--version` exit 0; an unexpected exception prints
 * `adc: internal error: …` with how to report it and exits 1; `main` returns
 * the exit code rather than exiting, so stdout is always flushed.
 */
import { Command, CommanderError, Option } from 'commander';
import type { BuildFlags } from './commands/build';
import { ExitCode, UsageError, errorLine, internalErrorText } from './errors';
import { buildHelp, checkHelp, configurationHelp, description, graphHelp, packageVersion, watchHelp } from './help';
import { Reporter } from './report';
import type { CommonFlags } from './settings';

type Run = (paths: string[], flags: BuildFlags) => ExitCode | Promise<ExitCode>;

function program(reporter: Reporter, done: (code: ExitCode) => void): Command {
  const adc = new Command('adc')
    .description(description)
    .version(packageVersion(), '-v, --version', 'print the version of adc')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`adc: ${text}`) })
    .showHelpAfterError('(run adc --help for usage)')
    .addHelpText('after', configurationHelp);

  const command = (name: string, summary: string, help: string, run: Run): Command =>
    adc
      .command(name)
      .summary(summary)
      .description(`${summary}.`)
      .argument('[paths...]', 'files and folders to compile (folders recursively)')
      .option('--tsconfig <path>', 'the tsconfig.json to compile with (default: the nearest one above the first source)')
      .option('--out-dir <dir>', 'write generated files under this folder, mirroring the sources (default: next to each source)')
      .option('--suffix <suffix>', 'suffix of generated files (default: .grad.ts)')
      .addHelpText('after', help)
      .showHelpAfterError(`(run adc ${name} --help for usage)`)
      .action(async (paths: string[], flags: BuildFlags) => {
        if (process.env.ADC_TEST_INTERNAL_ERROR) throw new Error('injected by ADC_TEST_INTERNAL_ERROR');
        done(await run(paths, flags));
      });

  // Commands are loaded when run, so that --help and --version do not load the compiler.
  command('build', 'write the generated file of every source with marked functions', buildHelp, (paths, flags) =>
    (require('./commands/build') as typeof import('./commands/build')).build(paths, flags, reporter),
  )
    .addOption(new Option('--dump <what>', 'also print an intermediate form of each marked function on stdout').choices(['ir']))
    .option('--dry-run', 'compile and report what would be written, but write nothing')
    .option('--prune', 'after a build without errors, delete the orphaned generated files found under the paths (files adc wrote that no source generates any more)');
  command('check', 'exit 1 when a generated file is missing, stale, edited by hand or orphaned; write nothing', checkHelp, (paths, flags: CommonFlags) =>
    (require('./commands/check') as typeof import('./commands/check')).check(paths, flags, reporter),
  );
  command('watch', 'build, then rebuild what each change to the sources affects', watchHelp, (paths, flags: CommonFlags) =>
    (require('./commands/watch') as typeof import('./commands/watch')).watch(paths, flags, reporter),
  );
  adc
    .command('graph')
    .summary('draw the computational graph of a function, with values, tangents and adjoints at a point')
    .description('Draw the computational graph of a function, with values, tangents and adjoints at a point.')
    .argument('<file>', 'the source file')
    .argument('<function>', 'the function to draw')
    .option('--at <point>', 'the point, as name=value pairs: x=3,y=2 or xs=[1,2,3] or p={"x":1}')
    .option('--direction <tangent>', 'the direction of the tangents, written like --at (default: 1 for the first number)')
    .option('--expand', 'draw the operations of called functions inside their calls')
    .option('-o, --output <file>', 'write the picture here (default: stdout)')
    .addOption(new Option('--format <format>', 'svg or dot (default: from the extension of -o, else svg)').choices(['svg', 'dot']))
    .option('--tsconfig <path>', 'the tsconfig.json to compile with (default: the nearest one above the file)')
    .addHelpText('after', graphHelp)
    .showHelpAfterError('(run adc graph --help for usage)')
    .action(async (file: string, name: string, flags: import('./commands/graph').GraphFlags) => {
      done(await (require('./commands/graph') as typeof import('./commands/graph')).graph(file, name, flags, reporter));
    });
  return adc;
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  const reporter = new Reporter(process.cwd());
  let code: ExitCode = ExitCode.ok;
  try {
    await program(reporter, (c) => (code = c)).parseAsync([...argv]);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (e instanceof UsageError) {
      reporter.line(errorLine(e.message, e.code));
      return ExitCode.usage;
    }
    reporter.line(internalErrorText(e, Boolean(process.env.ADC_DEBUG)));
    return ExitCode.diagnostics;
  }
}
