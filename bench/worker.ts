/**
 * One benchmark process: `node worker.js <suite> <result.json> [--quick]
 * [--no-peers] [--budget ms] [--steps-1e7]`. Times every case of the suite, measures tape
 * sizes last, writes the CaseResults as JSON. Progress goes to stderr.
 */
import * as fs from 'node:fs';
import type { Suite } from './harness/suite';
import { runCase, type CaseRun } from './harness/run-case';

async function main(argv: string[]): Promise<void> {
  const [suiteName, resultFile] = argv;
  const quick = argv.includes('--quick');
  const peers = !argv.includes('--no-peers');
  const b = argv.indexOf('--budget');
  const budgetMs = b >= 0 ? Number(argv[b + 1]) : quick ? 600 : 2500;
  const log = (line: string) => process.stderr.write(line + '\n');
  const suite = (require(`./suites/${suiteName}`) as { suite: Suite }).suite;
  const cases = await suite.cases({ quick, peers, budgetMs, steps1e7: argv.includes('--steps-1e7') });
  const runs: CaseRun[] = [];
  for (const c of cases) runs.push(await runCase(c, budgetMs, log));
  for (const r of runs) for (const measure of r.tapes) measure();
  fs.writeFileSync(
    resultFile,
    JSON.stringify(
      runs.map((r) => r.result),
      null,
      1,
    ),
  );
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
