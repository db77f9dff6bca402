/**
 * TypeScript types ⇒ IR types: numbers, booleans and numeric arrays
 * (`irType`; a union of array kinds or `ArrayLike<number>`, whose kind is known
 * only at run time, is an `array:` type printed as the user wrote it), and data
 * the function only reads (`opaqueType`); anything else is `undefined` and the
 * caller reports it.
 */
import { ts } from 'ts-morph';
import { isArrayType, isOpaqueType, isUnionArray, runtimeKinds, unionMembers, type ArrayType, type OpaqueType, type Type } from '../ir/types';

export function irType(t: ts.Type, checker: ts.TypeChecker): Type | undefined {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
  if (t.flags & ts.TypeFlags.NumberLike) return 'number';
  if (t.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (t.isUnion()) {
    const parts = t.types.map((p) => irType(p, checker));
    if (parts.every((p) => p === 'number')) return 'number';
    if (parts.every((p) => p === 'boolean')) return 'boolean';
    if (parts.every((p) => p !== undefined && isArrayType(p))) return arrayUnion(t.types.map((p) => arrayMember(p, checker)!));
    return undefined;
  }
  const sym = t.getSymbol();
  const name = sym?.getName();
  if (name === 'Float64Array' || name === 'Float32Array') return name;
  if (name === 'ArrayLike' && isArrayLikeOfNumbers(t, checker)) return arrayUnion(['ArrayLike<number>']);
  if (name === 'Array' || name === 'ReadonlyArray') {
    const args = checker.getTypeArguments(t as ts.TypeReference);
    if (args.length === 1 && irType(args[0], checker) === 'number') return name === 'Array' ? 'number[]' : 'readonly number[]';
  }
  // A tuple of numbers (`[number, number]`) is a numeric array of fixed length.
  if (checker.isTupleType(t)) {
    const target = (t as ts.TypeReference).target as ts.TupleType;
    const items = checker.getTypeArguments(t as ts.TypeReference);
    if (items.length > 0 && target.elementFlags.every((f) => f & ts.ElementFlags.Required) && items.every((a) => irType(a, checker) === 'number'))
      return target.readonly ? 'readonly number[]' : 'number[]';
  }
  return undefined;
}

function isArrayLikeOfNumbers(t: ts.Type, checker: ts.TypeChecker): boolean {
  const args = checker.getTypeArguments(t as ts.TypeReference);
  return args.length === 1 && irType(args[0], checker) === 'number';
}

/**
 * How a member of a union of numeric arrays is written in generated code: `number[]`,
 * `[number, number]`, `readonly number[]`, `Float64Array`, `ArrayLike<number>`, …
 * (aliases written out, so the generated file needs no import).
 */
function arrayMember(t: ts.Type, checker: ts.TypeChecker): string | undefined {
  const type = irType(t, checker);
  if (type === undefined || !isArrayType(type)) return undefined;
  if (isUnionArray(type)) return unionMembers(type).join(' | ');
  if (checker.isTupleType(t)) {
    const target = (t as ts.TypeReference).target as ts.TupleType;
    return `${target.readonly ? 'readonly ' : ''}[${checker
      .getTypeArguments(t as ts.TypeReference)
      .map(() => 'number')
      .join(', ')}]`;
  }
  return type;
}

/** The order of members in a union's text: plain arrays, read-only ones, Float64Array, Float32Array, ArrayLike. */
function memberRank(m: string): number {
  if (m === 'number[]') return 0;
  if (m.startsWith('[')) return 1 + m.length / 1000;
  if (m === 'readonly number[]') return 2;
  if (m.startsWith('readonly [')) return 3 + m.length / 1000;
  return ['Float64Array', 'Float32Array', 'ArrayLike<number>'].indexOf(m) + 4;
}

/**
 * A union of numeric arrays: one kind when every member has it at run time (tuples and arrays
 * are plain arrays: `number[] | [number, number]` is `number[]`, with a read-only member
 * `readonly number[]`), else a union type, whose kind is known only at run time.
 */
function arrayUnion(parts: readonly string[]): ArrayType {
  const members = [...new Set(parts.flatMap((p) => p.split(' | ')))].sort((a, b) => memberRank(a) - memberRank(b));
  const plain = (m: string) => m === 'number[]' || m === 'readonly number[]' || m.startsWith('[') || m.startsWith('readonly [');
  if (members.every(plain)) return members.some((m) => m.startsWith('readonly')) ? 'readonly number[]' : 'number[]';
  if (members.length === 1 && (members[0] === 'Float64Array' || members[0] === 'Float32Array')) return members[0];
  return `array:${members.join(' | ')}`;
}

/**
 * The type of a copy made by `slice()`: the same kinds, a plain array as `number[]`
 * (`readonly number[] | Float64Array` ⇒ `number[] | Float64Array`).
 */
export function copyType(t: ArrayType): ArrayType {
  if (t === 'readonly number[]') return 'number[]';
  if (!isUnionArray(t)) return t;
  return arrayUnion(runtimeKinds(t).map((k) => (k === 'plain' ? 'number[]' : k)));
}

/** Readable name of a type for messages. */
export function typeText(t: ts.Type, checker: ts.TypeChecker): string {
  return checker.typeToString(t);
}

const typedArrays = new Set(['Float64Array', 'Float32Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array']);

/**
 * The IR type of a value read from data: a number or boolean (which may be undefined at run
 * time, as the primal reads it: an optional property), or data again.
 */
export function dataType(t: ts.Type, checker: ts.TypeChecker): Type | undefined {
  const scalar = irType(checker.getNonNullableType(t), checker);
  return scalar === 'number' || scalar === 'boolean' ? scalar : opaqueType(t, checker);
}

/**
 * The IR type of data a function only reads (`number[][]`, `Int32Array`,
 * `{ x: number; y: number }[]`): `opaque:` and a text of the type that the
 * generated file can print without imports (interfaces and aliases are
 * written out structurally). `undefined` for types with methods, index
 * signatures, generics or recursion.
 */
export function opaqueType(t: ts.Type, checker: ts.TypeChecker): OpaqueType | undefined {
  const text = printable(t, checker, 0);
  return text === undefined ? undefined : `opaque:${text}`;
}

/** The text of an array of `element` (only a union or a readonly type needs parentheses before `[]`). */
function arrayOf(element: string): string {
  return /^([\w.]+|\{.*\}|\[.*\])(\[\])*$/.test(element) ? `${element}[]` : `(${element})[]`;
}

function printable(t: ts.Type, checker: ts.TypeChecker, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const f = t.flags;
  if (f & ts.TypeFlags.Number) return 'number';
  if (f & ts.TypeFlags.String) return 'string';
  if (f & ts.TypeFlags.Boolean) return 'boolean';
  if (f & ts.TypeFlags.Undefined) return 'undefined';
  if (f & ts.TypeFlags.Null) return 'null';
  // A member of an enum is printed as its value (the generated file imports nothing): `Side.Left` ⇒ `"left"`.
  if (f & ts.TypeFlags.StringLiteral) return JSON.stringify((t as ts.StringLiteralType).value);
  if (f & ts.TypeFlags.NumberLiteral) return String((t as ts.NumberLiteralType).value);
  if (f & ts.TypeFlags.BooleanLiteral) return checker.typeToString(t);
  if (t.isUnion()) {
    // `boolean` inside a union is `true | false`: printed back as one.
    const parts = t.types.map((p) => printable(p, checker, depth + 1));
    if (parts.some((p) => p === undefined)) return undefined;
    const merged = parts.includes('true') && parts.includes('false') ? ['boolean', ...parts.filter((p) => p !== 'true' && p !== 'false')] : parts;
    return merged.join(' | ');
  }
  if (!(f & ts.TypeFlags.Object)) return undefined;
  const name = t.getSymbol()?.getName();
  if (name !== undefined && typedArrays.has(name)) return name;
  const ref = t as ts.TypeReference;
  if (checker.isArrayType(t)) {
    const inner = printable(checker.getTypeArguments(ref)[0], checker, depth + 1);
    if (inner === undefined) return undefined;
    return name === 'ReadonlyArray' ? `readonly ${arrayOf(inner)}` : arrayOf(inner);
  }
  if (checker.isTupleType(t)) {
    const target = ref.target as ts.TupleType;
    if (target.elementFlags.some((e) => !(e & ts.ElementFlags.Required))) return undefined;
    const items = checker.getTypeArguments(ref).map((a) => printable(a, checker, depth + 1));
    if (items.some((p) => p === undefined)) return undefined;
    return `${target.readonly ? 'readonly ' : ''}[${items.join(', ')}]`;
  }
  if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0 || checker.getIndexInfosOfType(t).length > 0) return undefined;
  if ((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference && checker.getTypeArguments(ref).length > 0) return undefined;
  const members: string[] = [];
  for (const p of checker.getPropertiesOfType(t)) {
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    if (decl && isBehaviour(t, decl, checker.getTypeOfSymbol(p))) continue;
    const name = decl && fieldName(p, decl);
    if (!decl || name === undefined) return undefined;
    if (ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl) || ts.isGetAccessor(decl) || ts.isSetAccessor(decl)) return undefined;
    const modifiers = ts.canHaveModifiers(decl) ? (ts.getModifiers(decl) ?? []) : [];
    const isClass = ((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) !== 0;
    if (!isClass && modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) return undefined;
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    const pt = checker.getTypeOfSymbol(p);
    const text = printable(optional ? checker.getNonNullableType(pt) : pt, checker, depth + 1);
    if (text === undefined) return undefined;
    const readonly = modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : '';
    members.push(`${readonly}${name}${optional ? '?' : ''}: ${text}`);
  }
  return members.length === 0 ? undefined : `{ ${members.join('; ')} }`;
}

/**
 * Whether a property of an instance of a class is behaviour rather than state: a method, a getter
 * or setter, a field holding a function (`step = (dt: number) => …`). An instance's state is its
 * other fields; its type is written as them (`{ x: number; y: number; z: number }`, which the
 * instances are).
 */
/** The name of a property as code writes it (`x`, `#theta` of a class); undefined when it is no identifier. */
function fieldName(p: ts.Symbol, decl: ts.Declaration): string | undefined {
  const name = (decl as { name?: ts.Node }).name;
  if (name && ts.isPrivateIdentifier(name)) return name.text;
  return /^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : undefined;
}

/**
 * The fields of a class instance type that code outside the class cannot name (`private`,
 * `protected`, `#private`): a parameter holding one cannot be given or read by generated code.
 */
export function hiddenFields(t: ts.Type, checker: ts.TypeChecker): string[] {
  if (!((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class)) return [];
  return checker.getPropertiesOfType(t).flatMap((p) => {
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    if (!decl || isBehaviour(t, decl, checker.getTypeOfSymbol(p))) return [];
    const modifiers = ts.canHaveModifiers(decl) ? (ts.getModifiers(decl) ?? []) : [];
    const hidden = modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
    const name = fieldName(p, decl);
    return hidden || name?.startsWith('#') ? [name ?? p.name] : [];
  });
}

export function isBehaviour(owner: ts.Type, decl: ts.Declaration, type: ts.Type): boolean {
  if (!((owner.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class)) return false;
  if (ts.isMethodDeclaration(decl) || ts.isGetAccessor(decl) || ts.isSetAccessor(decl)) return true;
  return ts.isPropertyDeclaration(decl) && type.getCallSignatures().length > 0;
}

/**
 * Whether `t` is an instance of a class without state (every property is behaviour: `new
 * MeanSquaredError()`): nothing to hold, its methods are all it has.
 */
export function isStateless(t: ts.Type, checker: ts.TypeChecker): boolean {
  if (t.flags & ts.TypeFlags.TypeParameter && (t as { isThisType?: boolean }).isThisType) t = checker.getBaseConstraintOfType(t) ?? t;
  if (!((t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class)) return false;
  return checker.getPropertiesOfType(t).every((p) => {
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    return decl !== undefined && isBehaviour(t, decl, checker.getTypeOfSymbol(p));
  });
}

/**
 * A plain object type whose values are differentiated (`{ x: number; y: number }`, an interface
 * `Params { W: number[]; b: number[] }`, nested ones): its properties in declaration order, each a
 * number, a numeric array, data (strings, booleans, read-only data) or an object again; `text` is
 * the type written out structurally (the generated file imports nothing).
 */
export interface StructType {
  readonly text: string;
  readonly fields: readonly StructField[];
  /**
   * A matrix (`number[][]`, rows of any lengths) held as an object of two: `data`, its numbers
   * row after row (differentiated), and `starts`, where each row starts (data, rows + 1 entries).
   * `W[i][j]` is `data[starts[i] + j]`; the public functions convert to and from rows.
   */
  readonly matrix?: true;
  /**
   * An array of objects (`points: { x: number; y: number }[]`, `layers: Layer[]`) held as one value
   * per property of its elements, each across all elements (`x` of every point: a `number[]`; `bias`
   * of every layer: a matrix whose rows are the layers' biases; `weights` of every layer: a grouped
   * matrix; a nested object: such a list again; data: an array of it). `fields` are these columns,
   * in the elements' declaration order; `list` is the elements' type.
   */
  readonly list?: StructType;
  /** The matrices of a list's elements (`groupedMatrixType`). */
  readonly grouped?: true;
  /** Of an instance of a class of the project: its class (whose members its methods are looked up in). */
  readonly cls?: ts.ClassDeclaration;
}

/** The type of a matrix property (`W: number[][]`): see `StructType.matrix`. */
export const matrixType: StructType = {
  text: 'number[][]',
  matrix: true,
  fields: [
    { key: 'data', type: 'number[]' },
    { key: 'starts', type: 'opaque:readonly number[]' as Type },
  ],
};

/**
 * The matrices of the elements of a list (`weights: number[][]` of every layer), held as one matrix
 * of all their rows, element after element, and `groups`: where each element's rows start among
 * them (data, elements + 1 entries). Element `l`'s `W[i]` is row `groups[l] + i`.
 */
export const groupedMatrixType: StructType = {
  text: 'number[][][]',
  matrix: true,
  grouped: true,
  fields: [...matrixType.fields, { key: 'groups', type: 'opaque:readonly number[]' as Type }],
};

/** Whether `t` is `number[][]` (or a readonly one, or rows that are tuples: `[number, number][]`): rows of numbers. */
export function isMatrixType(t: ts.Type, checker: ts.TypeChecker): boolean {
  if (!checker.isArrayType(t)) return false;
  const row = checker.getIndexTypeOfType(t, ts.IndexKind.Number);
  const kind = row && irType(row, checker);
  return kind === 'number[]' || kind === 'readonly number[]';
}

/**
 * The matrix or list type of `t` (`number[][]`, `[number, number][]`, `Point[]`), as a parameter named
 * in `wrt(…)` is differentiated, with the parameter's type as written (a parameter of such a type
 * not named there is read-only data); undefined for other types.
 */
export function containerType(t: ts.Type, checker: ts.TypeChecker): StructType | undefined {
  const text = opaqueType(t, checker)?.slice('opaque:'.length);
  if (text === undefined) return undefined;
  if (isMatrixType(t, checker)) return { ...matrixType, text };
  return listType(t, checker, 0);
}

/** The list type of `t` when it is an array of objects of numbers (or objects of them, recursively): `Point[]`, `Particle[]`. */
export function numbersList(t: ts.Type, checker: ts.TypeChecker): StructType | undefined {
  const list = containerType(t, checker);
  return list?.list && listHolds(list) === undefined ? list : undefined;
}

/** What a list of `struct` made inside a function or returned cannot hold, if anything: only numbers and objects of them (`'arrays (\'v\')'`). */
export function listHolds(struct: StructType): string | undefined {
  for (const f of struct.fields) {
    if (isStructType(f.type) && f.type.list) {
      const inner = listHolds(f.type);
      if (inner !== undefined) return inner;
    } else if (f.type !== 'number[]') return isStructType(f.type) ? `arrays ('${f.key}')` : `data ('${f.key}')`;
  }
  return undefined;
}

/**
 * The list type of an array of objects `t` (`Point[]`), when its elements are objects of numbers
 * (see `StructType.list`); undefined when they are not, or hold what a list cannot (an optional
 * number, an array of objects again, a typed array: such an array is read-only data).
 */
function listType(t: ts.Type, checker: ts.TypeChecker, depth: number): StructType | undefined {
  // (a tuple of objects of one type, `[Vec2, Vec2]`, is an array of them of a fixed length)
  const tuple = checker.isTupleType(t) ? checker.getTypeArguments(t as ts.TypeReference) : undefined;
  if (tuple && (tuple.length === 0 || tuple.some((e) => checker.typeToString(e) !== checker.typeToString(tuple[0])))) return undefined;
  if (!checker.isArrayType(t) && !tuple) return undefined;
  const elementType = tuple ? tuple[0] : checker.getIndexTypeOfType(t, ts.IndexKind.Number);
  const element = elementType && structType(elementType, checker, depth + 1);
  const text = opaqueType(t, checker);
  if (!element || !text) return undefined;
  const columns = listColumns(element);
  return columns && { text: text.slice('opaque:'.length), fields: columns, list: element };
}

/** The columns of a list of objects of type `element`: see `StructType.list`. */
function listColumns(element: StructType): StructField[] | undefined {
  const fields: StructField[] = [];
  for (const f of element.fields) {
    const t = f.type;
    if (f.optional) return undefined;
    if (t === 'number') fields.push({ key: f.key, type: 'number[]' });
    else if (t === 'number[]' || t === 'readonly number[]') fields.push({ key: f.key, type: matrixType });
    else if (isStructType(t) && t.matrix && !t.grouped) fields.push({ key: f.key, type: groupedMatrixType });
    else if (isStructType(t) && !t.matrix && !t.list) {
      const columns = listColumns(t);
      if (!columns) return undefined;
      fields.push({ key: f.key, type: { text: `${t.text}[]`, fields: columns, list: t } });
    } else if (t === 'boolean') fields.push({ key: f.key, type: 'opaque:boolean[]' as Type });
    else if (!isStructType(t) && isOpaqueType(t)) fields.push({ key: f.key, type: `opaque:${arrayOf(t.slice('opaque:'.length))}` as Type });
    else return undefined;
  }
  return fields;
}

export interface StructField {
  readonly key: string;
  readonly type: Type | StructType;
  /** An optional number (`drag?: number`): differentiated where it is present. */
  readonly optional?: true;
}

export function isStructType(t: Type | StructType): t is StructType {
  return typeof t === 'object';
}

/**
 * The object type `t` is, when its values can be differentiated: a plain object (no methods, index
 * signatures or type arguments) with at least one number or numeric array among its properties,
 * recursively, that is not optional; an optional number is differentiated too, an optional array
 * or object is data. Undefined otherwise (such a value is read-only data).
 */
export function structType(t: ts.Type, checker: ts.TypeChecker, depth = 0, optionsOnly = false): StructType | undefined {
  // (`this` in a class's member: its class)
  if (t.flags & ts.TypeFlags.TypeParameter && (t as { isThisType?: boolean }).isThisType) t = checker.getBaseConstraintOfType(t) ?? t;
  // (an intersection, `P & { y: number }` from Object.assign, is the object of all its properties)
  const intersection = t.isIntersection() && t.types.every((p) => p.flags & ts.TypeFlags.Object);
  if (depth > 8 || !(t.flags & ts.TypeFlags.Object || intersection) || t.isUnion()) return undefined;
  if (irType(t, checker) !== undefined || checker.isArrayType(t) || checker.isTupleType(t) || typedArrays.has(t.getSymbol()?.getName() ?? '')) return undefined;
  if (intersection && (t as ts.IntersectionType).types.some((p) => opaqueType(p, checker) === undefined)) return undefined;
  const text = intersection ? 'opaque:' : opaqueType(t, checker);
  if (text === undefined) return undefined;
  const fields: StructField[] = [];
  let differentiable = false;
  for (const p of checker.getPropertiesOfType(t)) {
    const pt = checker.getTypeOfSymbol(p);
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    if (decl && isBehaviour(t, decl, pt)) continue;
    // (`#theta` of a class: named as code names it)
    const key = (decl && fieldName(p, decl)) ?? p.name;
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    const inner = optional ? undefined : structType(pt, checker, depth + 1);
    // (`y: number | undefined`, what `{ y: ys[i] }` is under noUncheckedIndexedAccess, holds a number)
    const leaf = optional ? undefined : (irType(pt, checker) ?? (irType(checker.getNonNullableType(pt), checker) === 'number' ? 'number' : undefined));
    const list = optional ? undefined : listType(pt, checker, depth);
    if (optional && irType(checker.getNonNullableType(pt), checker) === 'number') {
      // An optional number is differentiated where it is present (it does not make an object of numbers by itself).
      fields.push({ key, type: 'number', optional: true });
      continue;
    }
    if (inner) {
      fields.push({ key, type: inner });
      differentiable = true;
    } else if (!optional && isMatrixType(pt, checker)) {
      fields.push({ key, type: matrixType });
      differentiable = true;
    } else if (list) {
      fields.push({ key, type: list });
      differentiable = true;
    } else if (leaf !== undefined && (leaf === 'number' || isArrayType(leaf))) {
      fields.push({ key, type: leaf });
      differentiable = true;
    } else {
      const data = leaf === 'boolean' ? 'boolean' : opaqueType(pt, checker);
      if (data === undefined) return undefined;
      fields.push({ key, type: data });
    }
  }
  // (`optionsOnly`: an options object of optional numbers, `{ mass?: number; x?: number }`, as a function of the project takes it)
  if (!differentiable && !(optionsOnly && fields.some((f) => f.optional))) return undefined;
  const written = (f: StructField): string =>
    isStructType(f.type) ? f.type.text : isOpaqueType(f.type) ? f.type.slice('opaque:'.length) : isUnionArray(f.type) ? unionMembers(f.type).join(' | ') : f.type;
  const cls = (t.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class ? t.getSymbol()?.declarations?.find(ts.isClassDeclaration) : undefined;
  return { text: intersection ? `{ ${fields.map((f) => `${f.key}: ${written(f)}`).join('; ')} }` : text.slice('opaque:'.length), fields, ...(cls ? { cls } : {}) };
}

/**
 * The type of a parameter of a function of the project that takes an options object of optional
 * numbers (`constructor(options: { mass?: number } = {})`, read `options.mass ?? 1`): an object
 * whose numbers are differentiated where they are given. (A marked function's own parameter of
 * that type stays data: its generated signature does not change.)
 */
export function optionsType(t: ts.Type, checker: ts.TypeChecker): StructType | undefined {
  const plain = checker.getNonNullableType(t);
  if ((plain.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) return undefined;
  return structType(plain, checker, 0, true);
}
