/**
 * JsFile ⇒ TypeScript text, through `ts.factory` and `ts.createPrinter`.
 *
 * Guarantees: the output is a pure function of the input tree (byte-identical
 * for identical trees), parses as TypeScript, and keeps every `comment`
 * statement as a `//` line above the statement that follows it. Comment texts
 * (which hold file names and source text) cannot end their comment early: each
 * line break in them is written as its escape (`\n`, `\u2028`), and in a doc
 * comment a `*` before `/` as `*\/`; string literals are escaped by the
 * TypeScript printer.
 */
import { ts } from 'ts-morph';
import type { JsExpr, JsFile, JsFunction, JsStmt, BinOp, AssignOp } from './js';

const f = ts.factory;

const binOps: Record<BinOp, ts.BinaryOperator> = {
  '+': ts.SyntaxKind.PlusToken,
  '-': ts.SyntaxKind.MinusToken,
  '*': ts.SyntaxKind.AsteriskToken,
  '/': ts.SyntaxKind.SlashToken,
  '%': ts.SyntaxKind.PercentToken,
  '**': ts.SyntaxKind.AsteriskAsteriskToken,
  '<': ts.SyntaxKind.LessThanToken,
  '<=': ts.SyntaxKind.LessThanEqualsToken,
  '>': ts.SyntaxKind.GreaterThanToken,
  '>=': ts.SyntaxKind.GreaterThanEqualsToken,
  '===': ts.SyntaxKind.EqualsEqualsEqualsToken,
  '!==': ts.SyntaxKind.ExclamationEqualsEqualsToken,
  '==': ts.SyntaxKind.EqualsEqualsToken,
  '&&': ts.SyntaxKind.AmpersandAmpersandToken,
  '||': ts.SyntaxKind.BarBarToken,
  '??': ts.SyntaxKind.QuestionQuestionToken,
  ',': ts.SyntaxKind.CommaToken,
  '&': ts.SyntaxKind.AmpersandToken,
  '|': ts.SyntaxKind.BarToken,
  '^': ts.SyntaxKind.CaretToken,
  '<<': ts.SyntaxKind.LessThanLessThanToken,
  '>>': ts.SyntaxKind.GreaterThanGreaterThanToken,
  '>>>': ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

const assignOps: Record<AssignOp, ts.BinaryOperator> = {
  '=': ts.SyntaxKind.EqualsToken,
  '+=': ts.SyntaxKind.PlusEqualsToken,
  '-=': ts.SyntaxKind.MinusEqualsToken,
  '*=': ts.SyntaxKind.AsteriskEqualsToken,
  '/=': ts.SyntaxKind.SlashEqualsToken,
};

function numberLiteral(v: number): ts.Expression {
  if (Number.isNaN(v)) return f.createIdentifier('NaN');
  if (v === Infinity) return f.createIdentifier('Infinity');
  if (v === -Infinity) return f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createIdentifier('Infinity'));
  if (v < 0 || Object.is(v, -0)) return f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(String(-v)));
  return f.createNumericLiteral(String(v));
}

/**
 * Type annotations are short texts written by us (`number`, `Float64Array`,
 * `{ value: number; tangent: number }`); they are printed verbatim.
 */
function typeNode(text: string): ts.TypeNode {
  return f.createTypeReferenceNode(f.createIdentifier(text));
}

function expr(e: JsExpr): ts.Expression {
  switch (e.k) {
    case 'num':
      return numberLiteral(e.v);
    case 'bool':
      return e.v ? f.createTrue() : f.createFalse();
    case 'str':
      return f.createStringLiteral(e.v, true);
    case 'id':
      return f.createIdentifier(e.name);
    case 'bin': {
      let l = expr(e.l);
      const r = expr(e.r);
      // `-x ** 2` is a syntax error: the base of ** must not be a unary expression.
      if (e.op === '**' && (e.l.k === 'un' || (e.l.k === 'num' && (e.l.v < 0 || Object.is(e.l.v, -0))))) l = f.createParenthesizedExpression(l);
      let right = r;
      // a - (b - c), a / (b * c), and also a * (b * c) and a + (b + c): floating-point arithmetic is
      // not associative, so the grouping written is the grouping computed (the factory drops these).
      if ((e.op === '-' || e.op === '/' || e.op === '%' || e.op === '*' || e.op === '+') && e.r.k === 'bin' && samePrecedence(e.op, e.r.op))
        right = f.createParenthesizedExpression(r);
      if (e.op === '**' && e.r.k === 'bin' && e.r.op === '**') right = r; // right-associative
      return f.createBinaryExpression(l, binOps[e.op], right);
    }
    case 'un': {
      const inner = expr(e.e);
      const op = e.op === '-' ? ts.SyntaxKind.MinusToken : e.op === '~' ? ts.SyntaxKind.TildeToken : ts.SyntaxKind.ExclamationToken;
      // - -x and -(-1) print with parentheses for clarity.
      const needsParens = e.op === '-' && (e.e.k === 'un' || (e.e.k === 'num' && e.e.v < 0));
      return f.createPrefixUnaryExpression(op, needsParens ? f.createParenthesizedExpression(inner) : inner);
    }
    case 'call':
      return f.createCallExpression(expr(e.fn), undefined, e.args.map(expr));
    case 'member':
      return f.createPropertyAccessExpression(expr(e.obj), e.name);
    case 'index':
      return f.createElementAccessExpression(expr(e.obj), expr(e.index));
    case 'cond':
      return f.createConditionalExpression(expr(test(e.c)), f.createToken(ts.SyntaxKind.QuestionToken), expr(e.a), f.createToken(ts.SyntaxKind.ColonToken), expr(e.b));
    case 'obj':
      return f.createObjectLiteralExpression(
        e.props.map(([k, v]) => (v.k === 'id' && v.name === k ? f.createShorthandPropertyAssignment(k) : f.createPropertyAssignment(k, expr(v)))),
        false,
      );
    case 'arr':
      return f.createArrayLiteralExpression(e.elems.map(expr), false);
    case 'new':
      return f.createNewExpression(f.createIdentifier(e.ctor), undefined, e.args.map(expr));
    case 'as':
      return f.createAsExpression(expr(e.e), typeNode(e.type));
    case 'nonNull':
      return f.createNonNullExpression(expr(e.e));
    case 'assignExpr':
      return f.createBinaryExpression(expr(e.target), ts.SyntaxKind.EqualsToken, expr(e.value));
    case 'postfix':
      return f.createPostfixUnaryExpression(expr(e.target), e.op === '++' ? ts.SyntaxKind.PlusPlusToken : ts.SyntaxKind.MinusMinusToken);
  }
}

function samePrecedence(a: BinOp, b: BinOp): boolean {
  const level = (op: BinOp) =>
    op === '+' || op === '-'
      ? 1
      : op === '*' || op === '/' || op === '%'
        ? 2
        : op === ','
          ? 0
          : op === '<<' || op === '>>' || op === '>>>'
            ? 4
            : op === '&' || op === '|' || op === '^'
              ? 5
              : 3;
  return level(a) === level(b);
}

/** Whatever would end a line: TypeScript's line terminators. */
const lineBreaks = /\r\n|[\n\r\u2028\u2029]/g;
const escapes: Record<string, string> = { '\r\n': '\\r\\n', '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** `text` as the rest of a `//` comment: one line whatever it holds. */
function lineComment(text: string): string {
  return text.replace(lineBreaks, (b) => escapes[b]);
}

/** `text` inside a `/** … *\/` comment: one line, and never its end. */
function docComment(text: string): string {
  return lineComment(text).replace(/\*\//g, '*\\/');
}

function stmts(list: readonly JsStmt[]): ts.Statement[] {
  const out: ts.Statement[] = [];
  let pending: string[] = [];
  for (const s of list) {
    if (s.k === 'comment') {
      pending.push(s.text);
      continue;
    }
    const node = stmt(s);
    for (const text of pending) ts.addSyntheticLeadingComment(node, ts.SyntaxKind.SingleLineCommentTrivia, ` ${lineComment(text)}`, true);
    pending = [];
    out.push(node);
  }
  if (pending.length > 0) {
    const node = f.createNotEmittedStatement(f.createEmptyStatement());
    for (const text of pending) ts.addSyntheticLeadingComment(node, ts.SyntaxKind.SingleLineCommentTrivia, ` ${lineComment(text)}`, true);
    out.push(node);
  }
  return out;
}

function block(list: readonly JsStmt[]): ts.Block {
  return f.createBlock(stmts(list), true);
}

function labeled(label: string | undefined, s: ts.Statement): ts.Statement {
  return label ? f.createLabeledStatement(label, s) : s;
}

function declList(s: Extract<JsStmt, { k: 'decl' }>): ts.VariableDeclarationList {
  return f.createVariableDeclarationList(
    [
      f.createVariableDeclaration(
        s.name,
        s.definite ? f.createToken(ts.SyntaxKind.ExclamationToken) : undefined,
        s.type ? typeNode(s.type) : undefined,
        s.init ? expr(s.init) : undefined,
      ),
    ],
    s.kind === 'const' ? ts.NodeFlags.Const : ts.NodeFlags.Let,
  );
}

/** A condition reads a number by its truthiness: `!!x` (a number as a boolean value) is printed `x` there. */
function test(e: JsExpr): JsExpr {
  return e.k === 'un' && e.op === '!' && e.e.k === 'un' && e.e.op === '!' ? e.e.e : e;
}

function stmt(s: JsStmt): ts.Statement {
  switch (s.k) {
    case 'decl':
      return f.createVariableStatement(undefined, declList(s));
    case 'assign':
      return f.createExpressionStatement(f.createBinaryExpression(expr(s.target), assignOps[s.op], expr(s.value)));
    case 'expr':
      return f.createExpressionStatement(expr(s.e));
    case 'if': {
      const elseStmt = s.else === undefined ? undefined : s.else.length === 1 && s.else[0].k === 'if' ? stmt(s.else[0]) : block(s.else);
      return f.createIfStatement(expr(test(s.c)), block(s.then), elseStmt);
    }
    case 'for': {
      const init = s.init && s.init.k === 'decl' ? declList(s.init) : s.init && s.init.k === 'assign' ? (stmt(s.init) as ts.ExpressionStatement).expression : undefined;
      return labeled(s.label, f.createForStatement(init, s.test ? expr(test(s.test)) : undefined, s.update ? expr(s.update) : undefined, block(s.body)));
    }
    case 'while':
      return labeled(s.label, f.createWhileStatement(expr(test(s.test)), block(s.body)));
    case 'do':
      return labeled(s.label, f.createDoStatement(block(s.body), expr(test(s.test))));
    case 'block':
      return labeled(s.label, block(s.body));
    case 'break':
      return f.createBreakStatement(s.label);
    case 'continue':
      return f.createContinueStatement(s.label);
    case 'return':
      return f.createReturnStatement(s.e ? expr(s.e) : undefined);
    case 'throw':
      return f.createThrowStatement(expr(s.e));
    case 'comment':
      throw new Error('comment statements are attached by stmts()');
  }
}

function functionDecl(fn: JsFunction): ts.FunctionDeclaration {
  const node = f.createFunctionDeclaration(
    fn.exported ? [f.createModifier(ts.SyntaxKind.ExportKeyword)] : undefined,
    undefined,
    fn.name,
    undefined,
    fn.params.map((p, i) => {
      // An optional parameter before a required one cannot be written `p?: T`: it is `p: T | undefined`.
      const before = p.optional && fn.params.slice(i + 1).some((q) => !q.optional && !q.init);
      return f.createParameterDeclaration(
        undefined,
        undefined,
        p.name,
        p.optional && !before ? f.createToken(ts.SyntaxKind.QuestionToken) : undefined,
        typeNode(before ? `${p.type} | undefined` : p.type),
        p.init ? expr(p.init) : undefined,
      );
    }),
    fn.returnType ? typeNode(fn.returnType) : undefined,
    block(fn.body),
  );
  if (fn.doc) ts.addSyntheticLeadingComment(node, ts.SyntaxKind.MultiLineCommentTrivia, `* ${docComment(fn.doc)} `, true);
  return node;
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });

export function printStatements(list: readonly JsStmt[]): string {
  const sf = ts.createSourceFile('out.ts', '', ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return reindent(
    stmts(list)
      .map((s) => printer.printNode(ts.EmitHint.Unspecified, s, sf))
      .join('\n'),
  );
}

export function printExpression(e: JsExpr): string {
  const sf = ts.createSourceFile('out.ts', '', ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return printer.printNode(ts.EmitHint.Expression, expr(e), sf);
}

/** The whole generated file. Functions are separated by one blank line. */
export function printFile(file: JsFile): string {
  const sf = ts.createSourceFile('out.ts', '', ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const parts: string[] = [];
  parts.push(file.header.map((l) => `// ${lineComment(l)}`.trimEnd()).join('\n'));
  if (file.imports.length > 0) {
    const from = (m: string) => printer.printNode(ts.EmitHint.Expression, f.createStringLiteral(m), sf);
    const lines = file.imports.map((imp) => {
      if (imp.namespace) return `import * as ${imp.namespace} from ${from(imp.from)};`;
      return `import ${imp.typeOnly ? 'type ' : ''}{ ${imp.names.join(', ')} } from ${from(imp.from)};`;
    });
    parts.push(lines.join('\n'));
  }
  if (file.prelude.length > 0)
    parts.push(
      stmts(file.prelude)
        .map((s) => printer.printNode(ts.EmitHint.Unspecified, s, sf))
        .join('\n'),
    );
  for (const fn of file.functions) parts.push(printer.printNode(ts.EmitHint.Unspecified, functionDecl(fn), sf));
  return reindent(parts.join('\n\n')) + '\n';
}

/** The TypeScript printer indents by four spaces; we use two. */
function reindent(text: string): string {
  return text.replace(/^((?:    )+)/gm, (lead: string) => ' '.repeat(lead.length / 2)).replace(/\}\n\s*else /g, '} else ');
}
