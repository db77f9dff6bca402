/**
 * The state of one reverse-mode function while both sweeps are emitted, and
 * the dispatch over plan nodes. Each construct (a straight-line block, a
 * branch, a loop, a fused loop) lives in its own file and emits both of its
 * sweeps there (`Construct`); it recurses into nested nodes through
 * `sw.forward(nodes, out)` and `sw.reverse(nodes, out)`, so construct files
 * never import each other.
 *
 * What constructs share lives here: names, the forward sweep's expression of
 * each temp (`fwd`), which variables keep one value (`stable`), the tape, and
 * the declarations hoisted to the top of the function. What only one construct
 * needs stays in that construct's file.
 */
import { assertNever, isReferenceType, type IRFunction, type Op, type Stmt, type TempId, type VarId } from '../../ir/types';
import type { Activity } from '../../3-analyze/activity';
import type { Finiteness } from '../../3-analyze/finiteness';
import type { BlockInfo, FusedLoop, RNode } from '../../3-analyze/tbr';
import { b, type JsExpr, type JsStmt } from '../../5-print/js';
import type { FunctionNames } from '../names';
import type { FileContext } from '../context';
import { primalExpression } from '../arrays';
import { isElementWrite } from '../../ir/facts';
import { op } from '../../ir/ops';

export interface ReverseConvention {
  readonly kind: 'public' | 'internal';
  readonly name: string;
  readonly exported: boolean;
  readonly doc?: string;
  /** How messages name each gradient of `out` (default `out.grads[k]`; behind a function over objects, `out.grads[0].W`). */
  readonly outPaths?: readonly string[];
}

export type IfNode = Extract<RNode, { kind: 'if' }>;
export type LoopNode = Extract<RNode, { kind: 'loop' }>;

/** Both sweeps of one kind of plan node. */
export interface Construct<N extends RNode> {
  /** The primal code, recording what the reverse sweep will need. */
  forward(sw: Sweep, n: N, out: JsStmt[]): void;
  /** The adjoint code, undoing what the forward sweep recorded. */
  reverse(sw: Sweep, n: N, out: JsStmt[]): void;
  /** Whether the node has anything to do in the reverse sweep (if not, nothing is recorded for it either). */
  hasReverse(sw: Sweep, n: N): boolean;
}

/** The construct of each kind of plan node: adding a kind is a compile error until it has its file. */
export interface Constructs {
  readonly block: Construct<BlockInfo>;
  readonly if: Construct<IfNode>;
  readonly loop: Construct<LoopNode>;
  readonly fused: Construct<FusedLoop>;
}

export class Sweep {
  /** Temps referenced by the adjoint of a top-level block: they must keep a name from the forward sweep. */
  readonly keep = new Set<TempId>();
  /** Temps whose value the reverse sweep reads through a name: conditions of top-level ifs. */
  readonly conds = new Set<TempId>();
  readonly useCount: number[];
  /** The forward sweep's expression of each temp (a name, or an expression cheap to repeat). */
  readonly fwd = new Map<TempId, JsExpr>();
  /** Variables that hold one value for the whole function (parameters never assigned, top-level consts). */
  readonly stable: boolean[];
  /** Variables declared in the body of a fused loop: their adjoints live in one iteration. */
  readonly iterationLocal = new Set<VarId>();
  /** Inside a fused loop: adjoints summed under another name, and the accumulator's fixed adjoint (1). */
  readonly renamed = new Map<VarId, string>();
  readonly renamedArrays = new Map<VarId, string>();
  readonly fixed = new Map<VarId, JsExpr>();
  /** Variables some op reads (others need not be assigned at all). */
  readonly readVars: Set<VarId>;
  /** Variables declared directly in the function body: declared in place; the others are hoisted. */
  readonly atTop = new Set<VarId>();
  /**
   * Values copied to a local const before a write (top-level saves), by the node that saves them
   * (two blocks that each overwrite `p` keep two copies) and a key within it.
   */
  private readonly localSaves = new WeakMap<object, Map<string, string>>();
  /** Locals declared at the top of the function: decisions and trip counts of code that runs at most once. */
  readonly hoistedDecisions: JsStmt[] = [];
  /** Names of temps bound to a const in the forward sweep. */
  readonly boundTemps = new Set<string>();
  /** The source statement of the branch being reversed (its arms don't repeat its comment). */
  enclosingOrigin: string | undefined;
  /** The name of the value returned (public functions). */
  valueName = '';
  readonly outName: string;
  readonly seedName: string;
  private tapeLocal: string | undefined;
  private readonly reverseMemo = new Map<RNode, boolean>();
  private readonly own = new Map<object, unknown>();

  constructor(
    readonly fn: IRFunction,
    readonly act: Activity,
    readonly fin: Finiteness,
    readonly tree: RNode[],
    readonly conv: ReverseConvention,
    readonly ctx: FileContext,
    readonly names: FunctionNames,
    private readonly constructs: Constructs,
  ) {
    this.outName = names.apiNames[0];
    this.seedName = names.apiNames[1];
    this.useCount = new Array<number>(fn.temps.length).fill(0);
    const assigns = new Array<number>(fn.vars.length).fill(0);
    const count = (nodes: RNode[], top: boolean) => {
      for (const n of nodes) {
        switch (n.kind) {
          case 'block':
            for (const s of n.stmts) {
              if (s.kind === 'op') s.args.forEach((a) => this.useCount[a]++);
              else if (s.kind === 'assign') {
                this.useCount[s.value]++;
                assigns[s.var]++;
              } else if (s.kind === 'store') {
                this.useCount[s.index]++;
                this.useCount[s.value]++;
              } else if (s.kind === 'return') this.useCount[s.value]++;
            }
            if (top) n.needed.forEach((t) => this.keep.add(t));
            break;
          case 'if':
            this.useCount[n.stmt.cond]++;
            if (!n.nested) this.conds.add(n.stmt.cond);
            count(n.then, false);
            count(n.else, false);
            break;
          case 'fused':
            if (n.stmt.cond !== undefined) this.useCount[n.stmt.cond]++;
            count(n.test, true);
            count(n.body, true);
            for (const v of n.fusion.locals) this.iterationLocal.add(v);
            break;
          case 'loop':
            if (n.stmt.cond !== undefined) this.useCount[n.stmt.cond]++;
            count(n.test, false);
            count(n.body, false);
            break;
          default:
            assertNever(n, 'plan node');
        }
      }
    };
    count(tree, true);
    for (const st of fn.body) if ((st.kind === 'assign' && st.declare) || st.kind === 'declare') this.atTop.add(st.var);
    this.readVars = referencedVars(tree, true);
    this.stable = fn.vars.map((v, i) => (v.role === 'param' ? assigns[i] === 0 : assigns[i] === 1 && this.atTop.has(i)));
    // Variables' adjoints keep their natural names (`sum_bar`); adjoints of temps named after what
    // they are (`sum` for an addition, `b` for a read of b) yield: `sum_bar_2`.
    fn.vars.forEach((_, v) => act.activeVar[v] && names.adjoint(v));
    nameTempsAfterVariables(tree, fn, this.readVars, assigns, names);
  }

  /** The forward sweep of `nodes`, in order. */
  forward(nodes: readonly RNode[], out: JsStmt[]): void {
    for (const n of nodes) this.visit(n, 'forward', out);
  }

  /** The reverse sweep of `nodes`, last first; nodes with nothing to reverse are skipped. */
  reverse(nodes: readonly RNode[], out: JsStmt[]): void {
    for (let i = nodes.length - 1; i >= 0; i--) if (this.hasReverse(nodes[i])) this.visit(nodes[i], 'reverse', out);
  }

  hasReverse(n: RNode): boolean {
    let r = this.reverseMemo.get(n);
    if (r === undefined) this.reverseMemo.set(n, (r = this.visitHas(n)));
    return r;
  }

  private visit(n: RNode, sweep: 'forward' | 'reverse', out: JsStmt[]): void {
    const c = this.constructs;
    switch (n.kind) {
      case 'block':
        return c.block[sweep](this, n, out);
      case 'if':
        return c.if[sweep](this, n, out);
      case 'loop':
        return c.loop[sweep](this, n, out);
      case 'fused':
        return c.fused[sweep](this, n, out);
      default:
        return assertNever(n, 'plan node');
    }
  }

  private visitHas(n: RNode): boolean {
    const c = this.constructs;
    switch (n.kind) {
      case 'block':
        return c.block.hasReverse(this, n);
      case 'if':
        return c.if.hasReverse(this, n);
      case 'loop':
        return c.loop.hasReverse(this, n);
      case 'fused':
        return c.fused.hasReverse(this, n);
      default:
        return assertNever(n, 'plan node');
    }
  }

  /**
   * State one construct keeps for this function between its two sweeps (a loop's trip counters,
   * a branch's hoisted decisions), made on first use; `owner` is the construct's own key.
   */
  /** Records that `owner` copied a value to the local `name` under `key`. */
  saveLocal(owner: object, key: string, name: string): void {
    let saves = this.localSaves.get(owner);
    if (!saves) this.localSaves.set(owner, (saves = new Map()));
    saves.set(key, name);
  }

  /** The local `owner` copied a value to under `key`. */
  savedLocal(owner: object, key: string): string {
    const name = this.localSaves.get(owner)?.get(key);
    if (name === undefined) throw new Error(`internal error: no local save ${key}`);
    return name;
  }

  stateOf<T>(owner: object, make: () => T): T {
    if (!this.own.has(owner)) this.own.set(owner, make());
    return this.own.get(owner) as T;
  }

  /** `tape.push(…)`, through a local bound once per call (`const tape = adc.tape`): no namespace lookups in loops. */
  tape(method: string, args: JsExpr[] = []): JsExpr {
    this.tapeLocal ??= this.names.fresh('tape');
    return b.call(b.member(b.id(this.tapeLocal), method), args);
  }

  /** The local bound to the runtime's tape, when any code used it. */
  get tapeName(): string | undefined {
    return this.tapeLocal;
  }

  /** `for (let k = 0; k < n; k++) …`, or from n − 1 down to 0. */
  forEachIndex(n: JsExpr, body: (k: JsExpr) => JsStmt[], down = false): JsStmt {
    const k = this.names.fresh('k');
    if (!down) return b.countUp(k, n, body(b.id(k)));
    return { k: 'for', init: b.let(k, b.sub(n, b.num(1))), test: b.bin('>=', b.id(k), b.num(0)), update: { k: 'postfix', op: '--', target: b.id(k) }, body: body(b.id(k)) };
  }

  /** The primal expression of an op, its operands taken from `env` (calls go to the primal copies). */
  primal(s: Op, env: ReadonlyMap<TempId, JsExpr>): JsExpr {
    const v = (t: TempId) => env.get(t)!;
    return primalExpression(
      s,
      v,
      (x) => this.names.variable(x),
      this.fn,
      this.ctx,
      (c) => b.call(this.ctx.primal(c.callee), c.args.map(v)),
    );
  }

  /** Names of array variables the function writes (pushes, stores, fills), and of those that hold such an array (`y = next`). */
  get mutatedArrays(): Set<string> {
    const out = new Set<string>();
    const aliases: [VarId, VarId][] = [];
    const visit = (nodes: RNode[]) => {
      for (const n of nodes) {
        if (n.kind === 'block') {
          const reads = new Map<TempId, VarId>();
          for (const st of n.stmts) {
            if (isElementWrite(st)) out.add(this.names.variable(st.var));
            if (st.kind === 'op' && st.op === 'read') reads.set(st.id, st.var);
            if (st.kind === 'assign' && reads.has(st.value)) aliases.push([st.var, reads.get(st.value)!]);
          }
        } else if (n.kind === 'if') {
          visit(n.then);
          visit(n.else);
        } else {
          visit(n.test);
          visit(n.body);
        }
      }
    };
    visit(this.tree);
    for (let grew = true; grew;) {
      grew = false;
      for (const [to, from] of aliases)
        if (out.has(this.names.variable(from)) && !out.has(this.names.variable(to))) {
          out.add(this.names.variable(to));
          grew = true;
        }
    }
    return out;
  }
}

/**
 * `const x = xs[i]` inside a loop or branch: the value is a temp (reads of x were forwarded within the
 * block, so x itself is never printed), and it takes the name x rather than `t2`, as in forward mode.
 * Only for a local assigned once, of a value type, that no op reads by name (else x is declared and the
 * temp would shadow it).
 */
function nameTempsAfterVariables(nodes: readonly RNode[], fn: IRFunction, readVars: ReadonlySet<VarId>, assigns: readonly number[], names: FunctionNames): void {
  for (const n of nodes) {
    if (n.kind === 'block') {
      const ops = new Map<TempId, Op>();
      n.stmts.forEach((s, i) => {
        if (s.kind === 'op') {
          ops.set(s.id, s);
          const what = describe(s, names, (t) => ops.get(t));
          if (what !== undefined) names.describeTemp(s.id, what);
        }
        const next = n.stmts[i + 1];
        if (s.kind !== 'op' || next?.kind !== 'assign' || !next.declare || next.value !== s.id) return;
        const v = fn.vars[next.var];
        if (v.role === 'local' && assigns[next.var] === 1 && !readVars.has(next.var) && !isReferenceType(v.type)) names.nameTempAfter(s.id, next.var);
      });
    } else if (n.kind === 'if') {
      nameTempsAfterVariables(n.then, fn, readVars, assigns, names);
      nameTempsAfterVariables(n.else, fn, readVars, assigns, names);
    } else {
      nameTempsAfterVariables(n.test, fn, readVars, assigns, names);
      nameTempsAfterVariables(n.body, fn, readVars, assigns, names);
    }
  }
}

/** Infix operations named after what they make. */
const infixNames: Partial<Record<string, string>> = { add: 'sum', sub: 'diff', mul: 'prod', div: 'quot', neg: 'neg', pow: 'pow' };

/** What an op's value is, as a name: `x`, `y_i` (y[i]), `y_0`, `sin`, `prod`, `softplus` (a call), `w` (o.w). */
function describe(s: Op, names: FunctionNames, def: (t: TempId) => Op | undefined): string | undefined {
  switch (s.op) {
    case 'read':
      return names.variable(s.var);
    case 'load': {
      const index = def(s.args[0]);
      const at =
        index?.op === 'read'
          ? names.variable(index.var)
          : index?.op === 'const' && typeof index.value === 'number' && Number.isInteger(index.value) && index.value >= 0
            ? `${index.value}`
            : 'k';
      return `${names.variable(s.var)}_${at}`;
    }
    case 'prim': {
      const source = op(s.fn).source;
      return infixNames[s.fn] ?? ('call' in source ? source.call.split('.').pop() : undefined);
    }
    case 'call':
      return /[A-Za-z_$][\w$]*$/.exec(s.callee)?.[0];
    case 'get':
      return s.key;
    case 'select':
      return 'sel';
    default:
      return undefined;
  }
}

/** Variables read by some op (`readsOnly`), or also written. Arrays count as read when written (their elements are state). */
export function referencedVars(nodes: readonly RNode[], readsOnly = false, into = new Set<VarId>()): Set<VarId> {
  for (const n of nodes) {
    if (n.kind === 'block') {
      for (const s of n.stmts) {
        if (s.kind === 'op' && (s.op === 'read' || s.op === 'load' || s.op === 'length' || s.op === 'slice')) into.add(s.var);
        else if (isElementWrite(s)) into.add(s.var);
        else if (!readsOnly && (s.kind === 'assign' || s.kind === 'declare')) into.add(s.var);
      }
    } else if (n.kind === 'if') {
      referencedVars(n.then, readsOnly, into);
      referencedVars(n.else, readsOnly, into);
    } else {
      referencedVars(n.test, readsOnly, into);
      referencedVars(n.body, readsOnly, into);
    }
  }
  return into;
}

/** Variables the reverse sweep of these nodes restores (saved before a write). */
export function restoredIn(nodes: readonly RNode[], into = new Set<VarId>()): Set<VarId> {
  for (const n of nodes) {
    if (n.kind === 'block') n.saves.forEach((sv) => into.add(sv.var));
    else if (n.kind === 'if') {
      restoredIn(n.then, into);
      restoredIn(n.else, into);
    } else {
      restoredIn(n.test, into);
      restoredIn(n.body, into);
      if (n.kind === 'fused') n.entrySaves.forEach((v) => into.add(v));
    }
  }
  return into;
}

/** A string literal (for messages passed to runtime helpers). */
export function str(text: string): JsExpr {
  return { k: 'str', v: text };
}

export type { Stmt };
