/**
 * The `@differentiable` functions of a fixture, read from its source with the TypeScript parser,
 * independently of the compiler: names, parameter types, result type, `wrt`.
 *
 * Guarantees: every parameter gets a `ParamType` (shapes.ts): numeric types and unions of array
 * kinds by their text (a type alias declared in the file stands for its text); object types
 * (type literals, interfaces and type aliases of them, declared in the file or imported from a
 * sibling file through a relative import) with their properties in declaration order (an interface's
 * own properties, then those it inherits, as TypeScript lists them), nested; a required property of
 * type `number[][]` (rows that are arrays or tuples of numbers, `readonly` or not, `Array<…>`, through
 * type aliases: `[number, number][]` too) is a matrix, differentiated like a numeric array (a parameter
 * of that type stays data, as the compiler reads it); a required property that is an array of objects
 * (`bodies: Body[]`) is a list when every property of its elements is a number, a numeric array
 * (`number[]`, a tuple; not a typed array), a matrix, data (optional data too) or an object of those
 * (recursively; no array of objects again), and they have a differentiable leaf; any other array of
 * objects, and a parameter that is one, is data; an optional number
 * (`drag?: number`) of an object that is differentiable without it (a required number, numeric
 * array or such object) is a differentiated leaf, as the compiler reads it; any other optional
 * property, and any type that is neither numeric nor an object of properties, is data (with its few
 * `choices` when it is a boolean or a union of literals). The result must be numeric or an object without data,
 * or `void` (declared so, or unannotated without a `return` of a value): the value of such a
 * function is the final content of the parameter fixture.json's `writes` names (`valueType`).
 * By default every parameter with a differentiable leaf is in `wrt`; `wrt(a, b)` names whole parameters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import {
  differentiable,
  isData,
  isList,
  isMatrix,
  isObject,
  typeText,
  type DataType,
  type ListType,
  type MatrixType,
  type NumericType,
  type ObjectType,
  type ParamType,
  type Property,
} from './shapes';

export interface Param {
  readonly name: string;
  readonly type: ParamType;
  /** Declared with a default value (`m = 10`). */
  readonly hasDefault?: boolean;
}

export interface MarkedFunction {
  readonly name: string;
  readonly params: readonly Param[];
  /**
   * A numeric type, an object whose leaves are all numeric, or `void`: a function that returns
   * nothing has as its value the final content of the parameter it writes (`writes`).
   */
  readonly returnType: NumericType | ObjectType | 'void';
  /** For a `void` function, the index (into `params`) of the parameter whose final content is its value (fixture.json `writes`). */
  readonly writes?: number;
  /** Indices (into `params`) of the differentiated parameters, in signature order. */
  readonly wrt: readonly number[];
  /** A function an object literal holds (`Vector.angle`): where it is in the module, its name being the path joined by `_`. */
  readonly path?: readonly string[];
  /** An instance member of a class the module exports: its receiver is the first of `params` (`self`). */
  readonly method?: { readonly class: string; readonly member: string; readonly kind: 'method' | 'getter' | 'field' };
  /** `@differentiable hessian`: `f_hvp` and `f_hessian` too. */
  readonly hessian?: true;
}

/** The type of a function's value (f_jvp's value and tangent, f_vjp's cotangent): its result's, or for a void function that of the parameter it writes. */
export function valueType(fn: MarkedFunction): NumericType | ObjectType {
  if (fn.returnType !== 'void') return fn.returnType;
  const written = fn.writes === undefined ? undefined : skeleton(fn.params[fn.writes].type);
  if (written === undefined || !isValueType(written)) throw new Error(`${fn.name} returns void and fixture.json's writes names no array or object parameter as its value`);
  return written;
}

/**
 * The value of an instance of a class in a result: its state without its data (`{ x; y; z }` of a
 * `Vector3` with an `isVector3` flag), as generated code gives it.
 */
function skeleton(t: ParamType): ParamType {
  if (!isObject(t) || !t.class) return t;
  return { object: t.object.filter((p) => !isData(p.type)).map((p) => ({ ...p, type: skeleton(p.type) })), class: t.class };
}

/** A parsed file, where type names are looked up. */
interface Source {
  readonly sf: ts.SourceFile;
  readonly file: string;
}

const normalized = (node: ts.Node, sf: ts.SourceFile) => node.getText(sf).replace(/\s+/g, ' ');

/**
 * The numeric type of a type's text, `data` when it is none. A union of array types is read
 * member by member; a type alias declared in the same file (`type vec3 = [number, number, number]
 * | Float32Array`) stands for its text.
 */
function typeOfText(text: string, sf: ts.SourceFile, depth = 0): NumericType | 'data' {
  const alias = sf.statements.find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === text);
  if (alias && depth < 5) return typeOfText(normalized(alias.type, sf).replace(/^\| /, ''), sf, depth + 1);
  const parts = text.split(' | ');
  if (parts.length > 1 || text === 'ArrayLike<number>') {
    const kinds = new Set<string>();
    let readonly = false;
    for (const part of parts) {
      const t = part === 'ArrayLike<number>' ? 'ArrayLike' : typeOfText(part, sf, depth + 1);
      if (t === 'ArrayLike') ['Array', 'Float64Array', 'Float32Array'].forEach((k) => kinds.add(k));
      else if (t === 'Float64Array' || t === 'Float32Array') kinds.add(t);
      else if (t === 'number[]' || t === 'readonly number[]') {
        kinds.add('Array');
        readonly ||= t === 'readonly number[]';
      } else if (t.startsWith('union:'))
        t.slice('union:'.length)
          .split('|')
          .forEach((k) => kinds.add(k));
      else return 'data';
    }
    // Plain arrays only (`number[] | [number, number]`) are one kind, as are typed arrays of one kind.
    if (kinds.size === 1 && kinds.has('Array')) return readonly ? 'readonly number[]' : 'number[]';
    if (kinds.size === 1) return [...kinds][0] as NumericType;
    return `union:${['Array', 'Float64Array', 'Float32Array'].filter((k) => kinds.has(k)).join('|')}`;
  }
  const known: NumericType[] = ['number', 'number[]', 'readonly number[]', 'Float64Array', 'Float32Array'];
  // A tuple of numbers is a numeric array of fixed length.
  const tuple = /^(readonly )?\[number(, number)*\]$/.exec(text);
  if (tuple) return tuple[1] ? 'readonly number[]' : 'number[]';
  if (text === 'ReadonlyArray<number>') return 'readonly number[]';
  return known.find((k) => k === text || (k === 'number[]' && text === 'Array<number>')) ?? 'data';
}

type Declaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration;

/** Parses a sibling file once per `markedFunctions` call. */
function sourceLoader(): (file: string) => Source | undefined {
  const cache = new Map<string, Source | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const exists = fs.existsSync(file) && fs.statSync(file).isFile();
      cache.set(file, exists ? { file, sf: ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS) } : undefined);
    }
    return cache.get(file);
  };
}

/** The file a relative import names (`./geometry`, `./geometry.js`, `./shapes` for shapes/index.ts). */
function resolveImport(from: Source, spec: string, load: (file: string) => Source | undefined): Source | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from.file), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) if (candidate.endsWith('.ts') && load(candidate)) return load(candidate);
  return undefined;
}

/** The interface or type alias `name` means in `src`: declared there, imported from a sibling, or re-exported by one. */
function declarationOf(name: string, src: Source, load: (file: string) => Source | undefined, depth = 0): { decl: Declaration; src: Source } | undefined {
  if (depth > 5) return undefined;
  for (const st of src.sf.statements)
    if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name) return { decl: st as Declaration, src };
  for (const st of src.sf.statements) {
    const from = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    if (from === undefined) continue;
    let imported: string | undefined;
    if (ts.isImportDeclaration(st)) {
      const bindings = st.importClause?.namedBindings;
      const spec = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((e) => e.name.text === name) : undefined;
      imported = spec ? (spec.propertyName ?? spec.name).text : undefined;
    } else if (ts.isExportDeclaration(st) && depth > 0) {
      // (re-exports matter only in the file imported from: `export { A } from './a'`, `export * from './a'`)
      const clause = st.exportClause;
      if (!clause) imported = name;
      else if (ts.isNamedExports(clause)) {
        const spec = clause.elements.find((e) => e.name.text === name);
        imported = spec ? (spec.propertyName ?? spec.name).text : undefined;
      }
    }
    const target = imported === undefined ? undefined : resolveImport(src, from, load);
    const found = target && declarationOf(imported!, target, load, depth + 1);
    if (found) return found;
  }
  return undefined;
}

interface Reader {
  readonly load: (file: string) => Source | undefined;
  readonly where: string;
}

/** The choices of a data type that allows few values: a boolean, a union of literals (through aliases). */
function choicesOf(node: ts.TypeNode, src: Source, r: Reader, depth = 0): unknown[] | undefined {
  if (node.kind === ts.SyntaxKind.BooleanKeyword) return [false, true];
  if (ts.isLiteralTypeNode(node)) {
    const l = node.literal;
    if (ts.isStringLiteral(l)) return [l.text];
    if (ts.isNumericLiteral(l)) return [Number(l.text)];
    if (l.kind === ts.SyntaxKind.TrueKeyword) return [true];
    if (l.kind === ts.SyntaxKind.FalseKeyword) return [false];
    return undefined;
  }
  if (ts.isParenthesizedTypeNode(node)) return choicesOf(node.type, src, r, depth);
  if (ts.isUnionTypeNode(node)) {
    const parts = node.types.map((t) => choicesOf(t, src, r, depth));
    return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
  }
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && depth < 5) {
    const found = declarationOf(node.typeName.text, src, r.load);
    if (found && ts.isTypeAliasDeclaration(found.decl)) return choicesOf(found.decl.type, found.src, r, depth + 1);
  }
  return undefined;
}

function dataOf(node: ts.TypeNode, src: Source, r: Reader): DataType {
  const choices = choicesOf(node, src, r);
  return { data: normalized(node, src.sf), ...(choices ? { choices } : {}) };
}

/** The type a type node declares (see the module header). */
function typeOf(node: ts.TypeNode, src: Source, r: Reader, depth = 0): ParamType {
  const numeric = typeOfText(normalized(node, src.sf), src.sf);
  if (numeric !== 'data') return numeric;
  if (depth > 12) throw new Error(`${r.where}: type ${normalized(node, src.sf)} nests too deep (a recursive type?): the harness reads finite object types only`);
  if (ts.isParenthesizedTypeNode(node)) return typeOf(node.type, src, r, depth + 1);
  if (ts.isTypeLiteralNode(node)) return objectOf(node.members, src, r, depth) ?? dataOf(node, src, r);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !node.typeArguments) {
    const t = namedType(node.typeName.text, src, r, depth);
    if (t && !isData(t)) return t;
  }
  return dataOf(node, src, r);
}

/** The type an interface or type alias (without type parameters) declares, or undefined when `name` is neither. */
function namedType(name: string, src: Source, r: Reader, depth: number): ParamType | undefined {
  const found = declarationOf(name, src, r.load);
  if (!found || found.decl.typeParameters) return undefined;
  if (ts.isTypeAliasDeclaration(found.decl)) return typeOf(found.decl.type, found.src, r, depth + 1);
  if (ts.isClassDeclaration(found.decl)) return classState(found.decl, found.src, r, depth);
  const own = objectOf(found.decl.members, found.src, r, depth);
  const bases = (found.decl.heritageClauses ?? []).flatMap((h) =>
    h.types.map((e) => (ts.isIdentifier(e.expression) && !e.typeArguments ? namedType(e.expression.text, found.src, r, depth + 1) : undefined)),
  );
  if (!own || !bases.every((b) => b && isObject(b))) return undefined;
  // TypeScript lists an interface's own properties first, then the inherited ones it does not redeclare.
  const props = [...own.object];
  for (const b of bases as ObjectType[]) for (const p of b.object) if (!props.some((q) => q.name === p.name)) props.push(p);
  return { object: props };
}

/**
 * The state of an instance of a class: its fields (declared, or parameter properties), in
 * declaration order; methods, accessors and fields holding functions are behaviour, not state.
 */
function classState(cls: ts.ClassDeclaration, src: Source, r: Reader, depth: number): ObjectType | undefined {
  const isStatic = (m: ts.Node) => ts.canHaveModifiers(m) && (ts.getModifiers(m) ?? []).some((k) => k.kind === ts.SyntaxKind.StaticKeyword);
  const props: Property[] = [];
  for (const m of cls.members) {
    const params = ts.isConstructorDeclaration(m) ? m.parameters.filter((p) => ts.isParameterPropertyDeclaration(p, m)) : [];
    for (const p of params) props.push(propertyOf(p.name.getText(src.sf), p.type, p.questionToken !== undefined, src, r, depth));
    if (!ts.isPropertyDeclaration(m) || isStatic(m) || !ts.isIdentifier(m.name)) continue;
    const init = m.initializer;
    if (m.type ? ts.isFunctionTypeNode(m.type) : init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
    // (`x = 0`: a number; `isVector3 = true`: data)
    if (!m.type && init) props.push({ name: m.name.text, type: initializerType(init, src.sf) });
    else props.push(propertyOf(m.name.text, m.type, m.questionToken !== undefined, src, r, depth));
  }
  // (then the fields it inherits and does not declare again, as TypeScript lists them)
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const inherited = base && ts.isIdentifier(base) ? namedType(base.text, src, r, depth + 1) : undefined;
  if (inherited && isObject(inherited)) for (const p of inherited.object) if (!props.some((q) => q.name === p.name)) props.push(p);
  return { object: props, class: cls.name!.text };
}

/** An object type of property signatures only (a method, index or call signature makes it data: undefined). */
function objectOf(members: ts.NodeArray<ts.TypeElement>, src: Source, r: Reader, depth: number): { object: Property[] } | undefined {
  const props: Property[] = [];
  for (const m of members) {
    if (!ts.isPropertySignature(m) || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) return undefined;
    props.push(propertyOf(m.name.text, m.type, m.questionToken !== undefined, src, r, depth));
  }
  return { object: props };
}

/** A property of an object type: its name, its type (none: any), whether it may be absent. */
function propertyOf(name: string, type: ts.TypeNode | undefined, optional: boolean, src: Source, r: Reader, depth: number): Property {
  if (!type) return { name, type: { data: 'any' } };
  if (optional && optionalNumber(type, src)) return { name, type: 'number', optional: true };
  if (optional) return { name, type: dataOf(type, src, r), optional: true };
  return { name, type: matrixOf(type, src, r) ?? listOf(type, src, r, depth) ?? typeOf(type, src, r, depth + 1) };
}

/**
 * The element type of an array type (`T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>`, a type
 * alias of one; not a tuple) and whether the array is read-only; undefined for any other type.
 */
function arrayElement(node: ts.TypeNode, src: Source, r: Reader, depth = 0): { element: ts.TypeNode; src: Source; readonly: boolean } | undefined {
  if (ts.isParenthesizedTypeNode(node)) return arrayElement(node.type, src, r, depth);
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) {
    const inner = arrayElement(node.type, src, r, depth);
    return inner && { ...inner, readonly: true };
  }
  if (ts.isArrayTypeNode(node)) return { element: node.elementType, src, readonly: false };
  if (!ts.isTypeReferenceNode(node) || !ts.isIdentifier(node.typeName)) return undefined;
  const name = node.typeName.text;
  if ((name === 'Array' || name === 'ReadonlyArray') && node.typeArguments?.length === 1) return { element: node.typeArguments[0], src, readonly: name === 'ReadonlyArray' };
  const found = !node.typeArguments && depth < 5 ? declarationOf(name, src, r.load) : undefined;
  return found && ts.isTypeAliasDeclaration(found.decl) && !found.decl.typeParameters ? arrayElement(found.decl.type, found.src, r, depth + 1) : undefined;
}

/** A property's matrix type: an array of arrays or tuples of numbers (`number[][]`, `readonly (readonly number[])[]`, `[number, number][]`, `Matrix`), else undefined. */
function matrixOf(node: ts.TypeNode, src: Source, r: Reader): MatrixType | undefined {
  const rows = arrayElement(node, src, r);
  if (!rows) return undefined;
  const row = arrayElement(rows.element, rows.src, r);
  if (row && typeOfText(normalized(row.element, row.src.sf), row.src.sf) === 'number') return rows.readonly || row.readonly ? 'readonly number[][]' : 'number[][]';
  // (a row that is a tuple of numbers, or an alias of one declared in the file)
  const kind = typeOfText(normalized(rows.element, rows.src.sf), rows.src.sf);
  if (kind !== 'number[]' && kind !== 'readonly number[]') return undefined;
  return rows.readonly || kind === 'readonly number[]' ? 'readonly number[][]' : 'number[][]';
}

/**
 * A property's list type: an array of objects (`Body[]`, `readonly { x: number }[]`) whose elements
 * a list may hold (see the module header), else undefined (the property is then data).
 */
function listOf(node: ts.TypeNode, src: Source, r: Reader, depth: number): ListType | undefined {
  // (a tuple of objects of one type, `[Vec2, Vec2]`, is a list of a fixed length)
  const same = ts.isTupleTypeNode(node) && node.elements.length > 0 && node.elements.every((e) => normalized(e, src.sf) === normalized(node.elements[0], src.sf));
  const array = same ? { element: node.elements[0], src } : arrayElement(node, src, r);
  const element = array && typeOf(array.element, array.src, r, depth + 1);
  return element && isObject(element) && leafy(element) && listable(element) ? { list: element } : undefined;
}

/** An object with a required differentiable property: differentiable (one with only optional numbers is data, see `settled`). */
const leafy = (t: ObjectType): boolean => t.object.some((p) => !p.optional && differentiable(p.type));

/** Whether objects of type `t` may be the elements of a list: every property a number, a numeric array (not typed), a matrix, data (optional data too) or such an object; no optional number. */
function listable(t: ObjectType): boolean {
  return t.object.every(
    (p) =>
      (!p.optional || isData(p.type)) &&
      !isList(p.type) &&
      (p.type === 'number' ||
        p.type === 'number[]' ||
        p.type === 'readonly number[]' ||
        isMatrix(p.type) ||
        isData(p.type) ||
        (isObject(p.type) && (!leafy(p.type) || listable(p.type)))),
  );
}

/** `drag?: number` (also `number | undefined`, or an alias of number): an optional number, a leaf once its object is differentiable (`settled`). */
function optionalNumber(node: ts.TypeNode, src: Source): boolean {
  const parts = normalized(node, src.sf)
    .replace(/^\| /, '')
    .split(' | ')
    .filter((p) => p !== 'undefined');
  return parts.length === 1 && typeOfText(parts[0], src.sf) === 'number';
}

/**
 * `t` with the optional numbers of every object that is not differentiable without them made data
 * (`opts: { gain?: number }` is read-only data: the compiler differentiates an optional number
 * only beside a required leaf). Applied once a type is complete, inherited properties included.
 */
function settled(t: ParamType): ParamType {
  if (isList(t)) return { list: settled(t.list) as ObjectType };
  if (!isObject(t)) return t;
  const props = t.object.map((p) => ({ ...p, type: settled(p.type) }));
  const required = props.some((p) => !p.optional && differentiable(p.type));
  return { object: props.map((p) => (p.optional && !required && p.type === 'number' ? { ...p, type: { data: 'number' } } : p)), ...(t.class ? { class: t.class } : {}) };
}

/** The type of an unannotated parameter with a default: data for a string, boolean or object literal, else a number. */
function initializerType(e: ts.Expression, sf: ts.SourceFile): ParamType {
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) return { data: 'boolean', choices: [false, true] };
  return ts.isStringLiteral(e) || ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) ? { data: normalized(e, sf) } : 'number';
}

/** Whether every leaf of `t` is numeric, optional numbers included (what a result may be). */
const allNumeric = (t: ParamType): boolean => (isList(t) ? allNumeric(t.list) : !isData(t) && (!isObject(t) || (differentiable(t) && t.object.every((p) => allNumeric(p.type)))));

/** What a value may be: a number, a numeric array, or an object whose leaves are all numeric. */
export const isValueType = (t: ParamType): t is NumericType | ObjectType => allNumeric(t);

/**
 * A function that returns nothing: declared `: void`, or without a return type and without a
 * `return` of a value in its body (nested functions aside).
 */
function returnsNothing(fn: ts.SignatureDeclarationBase & { body?: ts.Node }): boolean {
  if (fn.type) return fn.type.kind === ts.SyntaxKind.VoidKeyword;
  if (!fn.body || !ts.isBlock(fn.body)) return false;
  const returnsValue = (node: ts.Node): boolean =>
    (ts.isReturnStatement(node) && node.expression !== undefined) || (!ts.isFunctionLike(node) && !ts.isClassLike(node) && ts.forEachChild(node, returnsValue) === true);
  return !returnsValue(fn.body);
}

/** The `@differentiable` functions of a source text, with their parameters and `wrt` indices. */
export function markedFunctions(text: string, file = 'input.ts'): MarkedFunction[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const src: Source = { sf, file: path.resolve(file) };
  const load = sourceLoader();
  const out: MarkedFunction[] = [];
  const add = (name: string, tagged: ts.Node, fn: ts.SignatureDeclarationBase & { body?: ts.Node }, at?: readonly string[], method?: MarkedFunction['method']) => {
    const tag = ts.getJSDocTags(tagged).find((t) => t.tagName.text === 'differentiable');
    if (!tag) return;
    const reader = (what: string): Reader => ({ load, where: `${file}: ${what} of ${name}` });
    const wrtText = /wrt\s*\(([^)]*)\)/.exec(ts.getTextOfJSDocComment(tag.comment) ?? '');
    // (`this` is the receiver, `self`)
    const named = wrtText ? wrtText[1].split(',').map((s) => (s.trim() === 'this' ? 'self' : s.trim())) : [];
    const self = method && namedType(method.class, src, reader('the receiver'), 0);
    // (a matrix or an array of objects named in wrt(…) is differentiated; elsewhere such a parameter is data)
    const typeOfParam = (p: ts.ParameterDeclaration, t: ts.TypeNode): ParamType => {
      const r = reader(`parameter ${p.name.getText(sf)}`);
      const container = named.includes(p.name.getText(sf)) ? (matrixOf(t, src, r) ?? listOf(t, src, r, 0)) : undefined;
      return container ? (settled(container) as ParamType) : settled(typeOf(t, src, r));
    };
    const own = fn.parameters.map((p) => ({
      name: p.name.getText(sf),
      type: p.type ? typeOfParam(p, p.type) : p.initializer ? initializerType(p.initializer, sf) : ('number' as const),
      // Generated signatures give every parameter that may be left out a default (`undefined` for an optional
      // number or one computed from earlier parameters, which the body computes).
      ...(p.initializer || p.questionToken ? { hasDefault: true } : {}),
    }));
    const params: Param[] = self ? [{ name: 'self', type: settled(self) }, ...own] : own;
    const returnType = returnsNothing(fn)
      ? 'void'
      : fn.type && fn.type.kind === ts.SyntaxKind.ThisType && self
        ? settled(self)
        : fn.type
          ? settled(matrixOf(fn.type, src, reader('the return type')) ?? listOf(fn.type, src, reader('the return type'), 0) ?? typeOf(fn.type, src, reader('the return type')))
          : 'number';
    if (returnType !== 'void' && !allNumeric(skeleton(returnType)))
      throw new Error(`${file}: return type of ${name}: the harness cannot produce values of type '${typeText(returnType)}'`);
    // By default every parameter that can be differentiated is.
    const wrtNames = wrtText ? named : params.filter((p) => differentiable(p.type)).map((p) => p.name);
    const wrt = params.flatMap((p, i) => (wrtNames.includes(p.name) ? [i] : []));
    out.push({
      name,
      params,
      returnType: (returnType === 'void' ? returnType : skeleton(returnType)) as MarkedFunction['returnType'],
      wrt,
      ...(at ? { path: at } : {}),
      ...(method ? { method } : {}),
      ...(/\bhessian\b/.test(ts.getTextOfJSDocComment(tag.comment) ?? '') ? { hessian: true as const } : {}),
    });
  };
  // The members of a class: a static one is found by its path (`Vec3.angle`), an instance one on the prototype.
  const classMembers = (cls: ts.ClassDeclaration & { name: ts.Identifier }): void =>
    cls.members.forEach((m) => {
      if (!m.name || !(ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name))) return;
      const member = m.name.text;
      const isStatic = (ts.getModifiers(m as ts.HasModifiers) ?? []).some((k) => k.kind === ts.SyntaxKind.StaticKeyword);
      const init = ts.isPropertyDeclaration(m) && m.initializer;
      const fn = ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m) ? m : init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
      if (!fn) return;
      const name = `${cls.name.text}_${member.replace(/^#/, '')}`;
      if (isStatic) add(name, m, fn, [cls.name.text, member]);
      else add(name, m, fn, undefined, { class: cls.name.text, member, kind: ts.isGetAccessorDeclaration(m) ? 'getter' : ts.isMethodDeclaration(m) ? 'method' : 'field' });
    });
  // The functions an object literal of a module-level const holds, at any depth (`convert.rgb.lab`).
  const members = (object: ts.ObjectLiteralExpression, at: readonly string[]): void =>
    object.properties.forEach((p) => {
      if (!p.name || !ts.isIdentifier(p.name)) return;
      const here = [...at, p.name.text];
      if (ts.isMethodDeclaration(p)) return add(here.join('_'), p, p, here);
      if (!ts.isPropertyAssignment(p)) return;
      const init = p.initializer;
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) add(here.join('_'), p, init, here);
      else if (ts.isObjectLiteralExpression(init)) members(init, here);
    });
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) add(st.name.text, st, st);
    if (ts.isClassDeclaration(st) && st.name) classMembers(st as ts.ClassDeclaration & { name: ts.Identifier });
    // (a function assigned to a property of a module-level object: `convert.rgb.lab = function …`, found by its path)
    const assigned =
      ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken ? st.expression : undefined;
    const at = assigned && ts.isPropertyAccessExpression(assigned.left) ? assigned.left.getText(sf).split('.') : undefined;
    if (assigned && at && at.every((k) => /^[A-Za-z_$][\w$]*$/.test(k)) && (ts.isFunctionExpression(assigned.right) || ts.isArrowFunction(assigned.right)))
      add(at.join('_'), st, assigned.right, at);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) add(d.name.text, d, init);
        if (ts.isIdentifier(d.name) && init && ts.isObjectLiteralExpression(init)) members(init, [d.name.text]);
      }
    }
  }
  return out;
}
