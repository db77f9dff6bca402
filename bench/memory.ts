/**
 * One call in a fresh process: `node memory.js <suite> <variant> <steps>`. Prints one line of
 * JSON: the peak resident set size of the process (bytes) and, for a ts-adc variant, the tape's
 * `peakBytes`. See harness/rss.ts.
 */
import * as fs from 'node:fs';
import type { MemoryRun } from './harness/rss';

/**
 * The process's peak resident set: VmHWM where Linux has it. Not `resourceUsage().maxRSS`: Linux
 * keeps that across exec, so it would include the RSS of the process that spawned this one.
 */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const [suiteName, variantName, steps] = process.argv.slice(2);
const memoryRun = (require(`./suites/${suiteName}`) as { memoryRun: MemoryRun }).memoryRun;
const run = memoryRun(variantName, Number(steps));
run();
const tape = variantName.startsWith('ts-adc') ? (require('ts-adc/runtime') as { tape: { peakBytes: number } }).tape.peakBytes : undefined;
process.stdout.write(JSON.stringify({ rssBytes: peakRssBytes(), tapeBytes: tape }) + '\n');
