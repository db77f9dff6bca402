/**
 * Watching folders for changed files, with one `fs.watch` per folder.
 *
 * Why not `fs.watch(root, { recursive: true })`: on Linux, Node 20 emulates it
 * by watching everything below the root, `node_modules` included; watching
 * folder by folder lets us skip what `discover` skips and add single folders
 * (those of dependencies outside the watched trees).
 *
 * Guarantees: `onChange` receives, after `debounceMs` without further events,
 * the sorted absolute paths of the files created, changed or deleted since the
 * last call (several events on one file count once); a folder created inside a
 * watched tree is watched too, and the files already in it are reported; a
 * watched folder that disappears is dropped without an error; after `close()`
 * nothing is reported and no handle keeps the process alive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSkippedFolder } from './discover';

export class FolderWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Folders whose new subfolders are watched too. */
  private readonly trees = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly onChange: (files: string[]) => void,
    private readonly debounceMs = 50,
  ) {}

  /** Watches `dir` and every folder below it that `discover` would walk. */
  watchTree(dir: string): void {
    this.trees.add(dir);
    this.watchFolder(dir);
    for (const entry of readDir(dir)) {
      if (entry.isDirectory() && !isSkippedFolder(entry.name)) this.watchTree(path.join(dir, entry.name));
    }
  }

  /** Watches the files directly in `dir`. */
  watchFolder(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    let w: fs.FSWatcher;
    try {
      w = fs.watch(dir, { persistent: true }, (_event, name) => {
        if (name !== null) this.saw(dir, name.toString());
      });
    } catch {
      return; // gone already, or not a folder
    }
    w.on('error', () => this.unwatch(dir));
    this.watchers.set(dir, w);
  }

  isWatching(dir: string): boolean {
    return this.watchers.has(dir);
  }

  get folderCount(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.pending.clear();
  }

  private saw(dir: string, name: string): void {
    if (this.closed) return;
    const full = path.join(dir, name);
    if (this.trees.has(dir) && !isSkippedFolder(name) && isDirectory(full)) {
      if (!this.watchers.has(full)) {
        this.watchTree(full);
        for (const f of filesBelow(full)) this.pending.add(f);
      }
    } else {
      this.pending.add(full);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.pending.size === 0) return;
    const files = [...this.pending].sort();
    this.pending.clear();
    this.onChange(files);
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
    this.trees.delete(dir);
  }
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readDir(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !isSkippedFolder(entry.name)) out.push(...filesBelow(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
