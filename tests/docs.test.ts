/**
 * The READMEs' links lead somewhere: every `[text](#anchor)` names a heading of the same file (as
 * GitHub makes anchors of headings), and every relative link names a file or folder of the
 * repository. A section cut by mistake, or renamed, breaks the links to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const docs = ['README.md', 'bench/README.md', 'compiler/README.md'];

/** GitHub's anchor of a heading: lower case, punctuation other than `-` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The headings of a markdown text outside fenced code blocks. */
function headings(text: string): string[] {
  let fenced = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && /^#{1,6} /.test(line)) out.push(line.replace(/^#+ /, ''));
  }
  return out;
}

describe.each(docs)('%s', (doc) => {
  const text = fs.readFileSync(path.join(root, doc), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

  it('links to its own headings by their anchors', () => {
    const anchors = new Set(headings(text).map(anchorOf));
    const broken = links.filter((l) => l.startsWith('#') && !anchors.has(l.slice(1)));
    expect(broken).toEqual([]);
  });

  it('links to files and folders that exist', () => {
    const relative = links.filter((l) => !l.startsWith('#') && !/^[a-z]+:/.test(l)).map((l) => l.split('#')[0]);
    const missing = relative.filter((l) => !fs.existsSync(path.join(root, path.dirname(doc), l)));
    expect(missing).toEqual([]);
  });
});

it('anchors are made as GitHub makes them', () => {
  expect(anchorOf('Looking at a derivative: `adc graph`')).toBe('looking-at-a-derivative-adc-graph');
  expect(anchorOf('The `adc` command')).toBe('the-adc-command');
  expect(anchorOf('Long loops: checkpointing')).toBe('long-loops-checkpointing');
});
