/**
 * What a function gives back as an object: an object result is returned in the IR as one flat
 * `number[]` (its numbers and its arrays' elements in declaration order, depth first, then its
 * arrays' lengths; `Structure.result` says where each property is), and a marked function that
 * returns nothing gives the final content of the parameter it writes into.
 *
 * Guarantees: every return of a function gives the same layout (it depends only on the type);
 * a property that cannot be in a result (data, a union of array kinds) is an error at the type.
 */
import type { ts } from 'ts-morph';
import { errors } from '../diagnostics/catalog';
import { isArrayType, isUnionArray, type ResultLeaf, type Shape, type TempId, type Type, type VarId } from '../ir/types';
import { writtenParameters } from '../1-frontend/writes';
import { fail, pos, type LowerContext } from './context';
import type { StructLeaf, StructValue } from './builder';
import { isStructType, listHolds, type StructType } from './types';
import { indexLoop, loopOverArray, namedArray } from './helpers';
import { readStruct } from './structs';

/**
 * The IR's result for an object result (`Structure.result`): a fresh `number[]` of its numbers and
 * its arrays' elements in declaration order, depth first, then the length of each array.
 */
export function packResult(cx: LowerContext, value: StructValue, at: ts.Node): TempId {
  // (where the rows of a matrix the function was given start: data, its numbers copied as they are)
  const leaves: (StructLeaf | { readonly starts: TempId })[] = [];
  const walk = (v: StructValue): void =>
    [...v.fields].forEach(([key, leaf]) => {
      if ('fields' in leaf) return walk(leaf);
      if ('temp' in leaf && cx.fn.temps[leaf.temp] !== 'number' && v.struct.matrix) return leaves.push({ starts: leaf.temp });
      if ('temp' in leaf && cx.fn.temps[leaf.temp] !== 'number' && v.struct.cls) return; // (data of an instance: not in its value)
      if ('temp' in leaf && cx.fn.temps[leaf.temp] !== 'number') return fail(resultError(cx, at, v.struct, key));
      leaves.push(leaf);
    });
  walk(value);
  const fn = cx.fn;
  if (leaves.every((l) => 'temp' in l))
    return namedArray(
      cx,
      fn.op(
        { op: 'newArray', type: 'number[]', form: 'literal' },
        leaves.map((l) => (l as { temp: TempId }).temp),
        'number[]',
      ),
      'result',
    );
  const packed = fn.declare('result', 'number[]', 'hidden', true);
  fn.assign(packed, fn.op({ op: 'newArray', type: 'number[]', form: 'literal' }, [], 'number[]'), true);
  const lengths: (() => TempId)[] = [];
  for (const leaf of leaves) {
    if ('temp' in leaf) fn.emit({ kind: 'push', var: packed, value: leaf.temp, origin: fn.origin });
    else if ('array' in leaf) {
      lengths.push(() => fn.op({ op: 'length', var: leaf.array }, [], 'number'));
      loopOverArray(cx, leaf.array, (i) => fn.emit({ kind: 'push', var: packed, value: fn.op({ op: 'load', var: leaf.array }, [fn.read(i)], 'number'), origin: fn.origin }));
    } else if ('starts' in leaf) {
      const starts = fn.declare('starts', fn.temps[leaf.starts], 'hidden', true);
      fn.assign(starts, leaf.starts, true);
      const length = () => fn.op({ op: 'get', key: 'length' }, [fn.read(starts)], 'number');
      lengths.push(length);
      indexLoop(cx, length, (i) => fn.emit({ kind: 'push', var: packed, value: fn.op({ op: 'get', key: undefined }, [fn.read(starts), fn.read(i)], 'number'), origin: fn.origin }));
    }
  }
  for (const length of lengths) fn.emit({ kind: 'push', var: packed, value: length(), origin: fn.origin });
  return fn.read(packed);
}

/** Where each property of an object result of type `struct` is in the IR's result (see `ResultLeaf`); a property that is not a number, an array or an object of them is an error at `at`. */
export function resultShape(cx: LowerContext, struct: StructType, at: ts.Node, next = { number: 0, array: 0, seenArray: false }): Shape<ResultLeaf> {
  if (struct.matrix && !struct.grouped) {
    // (a matrix: its numbers row after row, then where each row starts)
    next.seenArray = true;
    const data = { leaf: { array: next.array++, type: 'number[]' as const } };
    return {
      matrix: true,
      object: [
        ['data', data],
        ['starts', { leaf: { array: next.array++, type: 'number[]' } }],
      ],
    };
  }
  // (the data of an instance of a class, `isVector3 = true`, `name: string`, is not in its value: see `resultText`)
  const fields = struct.cls ? struct.fields.filter((f) => isStructType(f.type) || isArrayType(f.type as Type) || f.type === 'number') : struct.fields;
  return {
    ...(struct.list ? { list: true as const } : {}),
    object: fields.map(({ key, type }) => {
      if (isStructType(type) && ((type.list && listHolds(type) === undefined) || (type.matrix && !type.grouped))) return [key, resultShape(cx, type, at, next)] as const;
      if (isStructType(type) && (type.matrix || type.list)) {
        const what = type.matrix ? ['the matrix', 'a number[][]', 'the matrix'] : ['the array of objects', 'an array of objects', 'its objects'];
        return fail(
          errors.returnType(
            pos(cx, at),
            cx.name,
            `${struct.text}, which holds ${what[0]} '${key}' (an object result or written parameter holding ${what[1]} is not supported yet: return a number, or write ${what[2]} into an object parameter of a function that returns a number)`,
          ),
        );
      }
      if (isStructType(type)) return [key, resultShape(cx, type, at, next)] as const;
      if (isArrayType(type) && !isUnionArray(type)) {
        next.seenArray = true;
        return [key, { leaf: { array: next.array++, type } }] as const;
      }
      if (type !== 'number') return fail(resultError(cx, at, struct, key));
      return [key, { leaf: { number: next.number++ } }] as const;
    }),
  };
}

/**
 * The type of an object result as generated code writes it: its type, or of an instance of a class
 * holding data, its numeric skeleton (`{ x: number; y: number; z: number }` of a `Vector3` with an
 * `isVector3` flag): what a method returning `this` gives.
 */
export function resultText(struct: StructType): string {
  const state = (f: StructType['fields'][number]) => isStructType(f.type) || isArrayType(f.type as Type) || f.type === 'number';
  if (!struct.cls || struct.fields.every(state)) return struct.text;
  return `{ ${struct.fields
    .filter(state)
    .map((f) => `${f.key}: ${isStructType(f.type) ? resultText(f.type) : f.type}`)
    .join('; ')} }`;
}

function resultError(cx: LowerContext, at: ts.Node, struct: StructType, key: string) {
  return errors.returnType(
    pos(cx, at),
    cx.name,
    `${struct.text}, whose '${key}' is not a number, an array of one kind (not a union) or an object of them (an object result holds only those: leave data out of it)`,
  );
}

/**
 * The value of a marked function that returns nothing (`step(state, dt): void`, `rhs(out, y, t):
 * void`): the final content of the parameter it writes into, an array or an object of numbers;
 * undefined when it writes into none. Its result type, shape (an object), and how to read it.
 */
export function writtenResult(
  cx: LowerContext,
  node: ts.SignatureDeclaration & { readonly parameters: ts.NodeArray<ts.ParameterDeclaration> },
  params: readonly { readonly name: string; readonly text: string; readonly shape: Shape<VarId> }[],
): { readonly returnType: Type; readonly result?: { readonly text: string; readonly shape: Shape<ResultLeaf> }; readonly final: () => TempId } | undefined {
  // (the receiver of an instance member, `this`, is the first of `params`: index -1 of the source's)
  const offset = params.length - node.parameters.length;
  const written = [...writtenParameters(node as never, cx.checker)]
    .filter((i) => i + offset >= 0)
    .map((i) => i + offset)
    .sort((a, b) => a - b);
  if (written.length === 0) return undefined;
  const names = written.map((i) => params[i].name);
  if (written.length > 1)
    return fail(
      errors.returnType(
        pos(cx, node.type ?? node),
        cx.name,
        `void, writing into ${names.join(' and ')} (a function that returns nothing has as its value the parameter it writes into: write into one, or return what you compute)`,
      ),
    );
  const p = params[written[0]];
  if ('leaf' in p.shape) {
    const v = p.shape.leaf;
    const type = cx.fn.vars[v].type;
    if (!isArrayType(type)) return undefined;
    return { returnType: type, final: () => cx.fn.read(v) };
  }
  const sv = cx.fn.lookupStruct(p.name)!;
  const at = node.parameters[written[0] - offset] ?? node;
  const shape = resultShape(cx, sv.struct, at);
  return {
    returnType: 'number[]',
    result: { text: resultText(sv.struct), shape },
    final: () => packResult(cx, readStruct(cx, sv), at),
  };
}
