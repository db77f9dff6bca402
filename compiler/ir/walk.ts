/**
 * Visiting every statement of a region, nested regions included (`if` arms,
 * loop test, body and update), in program order.
 */
import type { Region, Stmt } from './types';

export function forEachStmt(region: Region, visit: (s: Stmt) => void): void {
  for (const s of region) {
    visit(s);
    if (s.kind === 'if') {
      forEachStmt(s.then, visit);
      forEachStmt(s.else, visit);
    } else if (s.kind === 'loop') {
      forEachStmt(s.test, visit);
      forEachStmt(s.body, visit);
      forEachStmt(s.update, visit);
    }
  }
}
