/**
 * A stable text dump of the IR (`adc build --dump ir`): one line per op or
 * statement, regions indented. Used by tests and in bug reports.
 *
 *   function f(x: number, y: number): number
 *     %0 = read x
 *     %1 = read y
 *     %2 = add %0 %1
 *     a := %2
 */
import { assertNever, type IRFunction, type Region } from './types';

export function printIR(fn: IRFunction, annotate?: (kind: 'temp' | 'var', id: number) => string): string {
  const v = (id: number) => fn.vars[id].name + (fn.vars.filter((x) => x.name === fn.vars[id].name).length > 1 ? `#${id}` : '');
  const t = (id: number) => `%${id}`;
  const note = (kind: 'temp' | 'var', id: number) => (annotate ? annotate(kind, id) : '');
  const lines: string[] = [];
  const params = fn.params.map((p) => `${v(p)}: ${fn.vars[p].type}${note('var', p)}`).join(', ');
  lines.push(`function ${fn.name}(${params}): ${fn.returnType}`);
  const region = (r: Region, depth: number): void => {
    const pad = '  '.repeat(depth);
    for (const s of r) {
      switch (s.kind) {
        case 'op': {
          const args = s.args.map(t).join(' ');
          let rhs: string;
          switch (s.op) {
            case 'const':
              rhs = `const ${typeof s.value === 'object' || typeof s.value === 'string' ? JSON.stringify(s.value) : String(s.value)}`;
              break;
            case 'read':
              rhs = `read ${v(s.var)}`;
              break;
            case 'prim':
              rhs = `${s.fn} ${args}`;
              break;
            case 'select':
              rhs = `select ${args}`;
              break;
            case 'call':
              rhs = `call ${s.callee.slice(s.callee.lastIndexOf('#') + 1)} ${args}`;
              break;
            case 'load':
              rhs = `load ${v(s.var)}[${args}]`;
              break;
            case 'length':
              rhs = `length ${v(s.var)}`;
              break;
            case 'get':
              rhs = s.key === undefined ? `get ${t(s.args[0])}[${t(s.args[1])}]` : `get ${t(s.args[0])}.${s.key}`;
              break;
            case 'newArray':
              rhs = `new ${s.type} ${s.form} ${args}`;
              break;
            case 'slice':
              rhs = `slice ${v(s.var)} ${args}`.trimEnd();
              break;
            default:
              assertNever(s, 'op');
          }
          lines.push(`${pad}${t(s.id)}${note('temp', s.id)} = ${rhs.trimEnd()}`);
          break;
        }
        case 'assign':
          lines.push(`${pad}${s.declare ? 'let ' : ''}${v(s.var)}${note('var', s.var)} := ${t(s.value)}`);
          break;
        case 'declare':
          lines.push(`${pad}let ${v(s.var)}${s.definite ? '!' : ''}`);
          break;
        case 'store':
          lines.push(`${pad}${v(s.var)}[${t(s.index)}] := ${t(s.value)}`);
          break;
        case 'push':
          lines.push(`${pad}push ${v(s.var)} ${t(s.value)}`);
          break;
        case 'fill':
          lines.push(`${pad}fill ${v(s.var)} ${t(s.value)}`);
          break;
        case 'if':
          lines.push(`${pad}if ${t(s.cond)}`);
          region(s.then, depth + 1);
          if (s.else.length > 0) {
            lines.push(`${pad}else`);
            region(s.else, depth + 1);
          }
          break;
        case 'loop':
          lines.push(`${pad}loop#${s.id} ${s.form}`);
          if (s.test.length > 0 || s.cond !== undefined) {
            lines.push(`${pad}  test${s.cond === undefined ? '' : ` -> ${t(s.cond)}`}`);
            region(s.test, depth + 2);
          }
          lines.push(`${pad}  body`);
          region(s.body, depth + 2);
          if (s.update.length > 0) {
            lines.push(`${pad}  update`);
            region(s.update, depth + 2);
          }
          break;
        case 'break':
          lines.push(`${pad}break loop#${s.loop}`);
          break;
        case 'continue':
          lines.push(`${pad}continue loop#${s.loop}`);
          break;
        case 'return':
          lines.push(`${pad}return ${t(s.value)}`);
          break;
        case 'check':
          lines.push(`${pad}check ${t(s.cond)} throws ${s.error} ${JSON.stringify(s.message)}`);
          break;
        default:
          assertNever(s, 'statement');
      }
    }
  };
  region(fn.body, 1);
  return lines.join('\n') + '\n';
}
