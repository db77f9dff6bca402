/**
 * Peak memory of one call, in a Node process of its own: `node memory.js <suite> <variant>
 * <steps>` makes the call the suite's `memoryRun` returns and prints its peak resident set size
 * (VmHWM, Node and its heap included) and the tape's `peakBytes`.
 * A process of its own, so that neither the timings' garbage nor another variant's tape counts.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { MemoryResult } from './types';

/** What a suite exports for memory.ts: one call of `variant` at `steps` steps, ready to run. */
export type MemoryRun = (variant: string, steps: number) => () => unknown;

export function peakRss(suite: string, variant: string, steps: number): MemoryResult {
  const script = path.join(__dirname, '..', 'memory.js');
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', script, suite, variant, String(steps)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return { variant, failed: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}` };
  const m = JSON.parse(line) as { rssBytes: number; tapeBytes?: number };
  return { variant, rssBytes: m.rssBytes, tapeBytes: m.tapeBytes };
}
