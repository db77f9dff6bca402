#!/usr/bin/env node
/**
 * `adc`, the program: checks that the compiler is installed, then runs the
 * command line (program.ts).
 *
 * Guarantees: in an install without the compiler's packages (runtime-only,
 * see install.ts) every command prints what is missing and the command that
 * installs it, and exits 1, having loaded none of them; output piped into a
 * reader that stopped early (`adc --help | head`) ends quietly with the exit
 * code it had; an uncaught exception prints `adc: internal error: …` and exits
 * 1; otherwise the exit code is program.ts's, set through `process.exitCode`,
 * so stdout is always flushed.
 */
import { ExitCode, internalErrorText } from './errors';
import { missingDependencies, missingDependenciesText } from './install';

// (output piped into a reader that stopped early: nothing is wrong, stop quietly)
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.on('uncaughtException', (e) => {
  process.stderr.write(internalErrorText(e, Boolean(process.env.ADC_DEBUG)) + '\n');
  process.exit(ExitCode.diagnostics);
});

const missing = missingDependencies();
if (missing.length > 0) {
  process.stderr.write(missingDependenciesText(missing) + '\n');
  process.exitCode = ExitCode.diagnostics;
} else {
  // Loaded only now: program.ts needs commander, its commands the compiler.
  const { main } = require('./program') as typeof import('./program');
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
