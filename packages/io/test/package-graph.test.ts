// The README's architecture block is the package graph: every workspace package.json must declare exactly the
// @adder/* edges it shows, and every name nn re-exports from io (deprecated) must be in the README's changelog.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The repository root (three levels up from packages/io/test). */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SCOPE = '@adder/';

interface Edges {
  /** Short names (without `@adder/`) from dependencies, peerDependencies and optionalDependencies, sorted. */
  deps: string[];
  /** Short names from devDependencies, sorted. */
  tests: string[];
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readText(rel: string): string {
  return readFileSync(join(REPO_ROOT, rel), 'utf8');
}

/** The workspace folders (relative to the root) that hold a package.json, from pnpm-workspace.yaml's `packages:` list. */
function workspaceDirs(): string[] {
  const lines = readText('pnpm-workspace.yaml').split('\n');
  const start = lines.findIndex((l) => /^packages:\s*$/.test(l));
  expect(start, 'pnpm-workspace.yaml has a packages: list').toBeGreaterThanOrEqual(0);
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/.exec(line);
    if (m) globs.push(m[1]!);
    else if (/^\S/.test(line)) break;
  }
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      for (const entry of readdirSync(join(REPO_ROOT, parent), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(REPO_ROOT, parent, entry.name, 'package.json'))) dirs.push(`${parent}/${entry.name}`);
      }
    } else {
      expect(glob, `pnpm-workspace.yaml entry ${glob} is a folder or folder/*`).not.toContain('*');
      if (existsSync(join(REPO_ROOT, glob, 'package.json'))) dirs.push(glob);
    }
  }
  return dirs.sort();
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readText(`${dir}/package.json`)) as PackageJson;
}

function adderNames(...maps: (Record<string, string> | undefined)[]): string[] {
  const names = new Set<string>();
  for (const map of maps) for (const key of Object.keys(map ?? {})) if (key.startsWith(SCOPE)) names.add(key.slice(SCOPE.length));
  return [...names].sort();
}

/** A README section's text, from its `## title` line to the next `## ` heading. */
function readmeSection(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README.md has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

interface DiagramRow {
  dir: string;
  edges: Edges;
}

function parseNames(list: string, line: string): string[] {
  const trimmed = list.trim();
  if (trimmed === '(none)') return [];
  const names = trimmed.split(',').map((s) => s.trim());
  for (const n of names) expect(n, `a package name in README line "${line}"`).toMatch(/^[a-z][a-z0-9-]*$/);
  return [...names].sort();
}

/** The rows `dir <- a, b; tests: c` of the fenced block in the README's Architecture section, in order. */
function parseDiagram(readme: string): DiagramRow[] {
  const section = readmeSection(readme, 'Architecture');
  const block = /\n```[^\n]*\n([\s\S]*?)\n```/.exec(section);
  expect(block, 'the Architecture section has a fenced diagram block').not.toBeNull();
  const rows: DiagramRow[] = [];
  for (const line of block![1]!.split('\n')) {
    if (!line.includes('<-')) continue;
    const m = /^\s*(\S+)\s+<-\s+(.+?)\s*$/.exec(line);
    expect(m, `README diagram line "${line}" reads "<dir> <- a, b" or "<dir> <- a, b; tests: c"`).not.toBeNull();
    const [depsPart, testsPart, ...rest] = m![2]!.split(';');
    expect(rest, `README diagram line "${line}" has at most one ";"`).toEqual([]);
    let tests: string[] = [];
    if (testsPart !== undefined) {
      const t = /^\s*tests:\s*(.+)$/.exec(testsPart);
      expect(t, `README diagram line "${line}": after ";" comes "tests: a, b"`).not.toBeNull();
      tests = parseNames(t![1]!, line);
    }
    rows.push({ dir: m![1]!.replace(/\/$/, ''), edges: { deps: parseNames(depsPart!, line), tests } });
  }
  return rows;
}

describe('the package graph in README.md', () => {
  const readme = readText('README.md');
  const rows = parseDiagram(readme);
  const dirs = workspaceDirs();

  it('lists every workspace package once, and nothing else', () => {
    const listed = rows.map((r) => r.dir);
    expect(new Set(listed).size, 'no package is listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual(dirs);
  });

  it("shows exactly the @adder/* dependencies of each package.json", () => {
    const declared: Record<string, Edges> = {};
    for (const dir of dirs) {
      const pkg = readPackage(dir);
      expect(pkg.name, `${dir}/package.json is named @adder/<name>`).toMatch(/^@adder\/[a-z][a-z0-9-]*$/);
      const deps = adderNames(pkg.dependencies, pkg.peerDependencies, pkg.optionalDependencies);
      declared[dir] = { deps, tests: adderNames(pkg.devDependencies).filter((n) => !deps.includes(n)) };
    }
    const drawn: Record<string, Edges> = {};
    for (const row of rows) drawn[row.dir] = row.edges;
    expect(drawn).toEqual(declared);
  });

  it('lists each package below everything it depends on (so the graph has no cycle)', () => {
    const seen = new Set<string>();
    for (const row of rows) {
      const name = readPackage(row.dir).name!.slice(SCOPE.length);
      for (const dep of [...row.edges.deps, ...row.edges.tests]) {
        expect(seen.has(dep), `${row.dir} depends on ${dep}, which must be listed above it`).toBe(true);
      }
      seen.add(name);
    }
  });
});

describe("nn's deprecated re-exports of @adder/io", () => {
  const index = readText('packages/nn/src/index.ts');
  const block = /export \{([^}]*)\} from '@adder\/io';/.exec(index);

  it('exist, and each is marked @deprecated import from @adder/io', () => {
    expect(block, "packages/nn/src/index.ts re-exports from '@adder/io'").not.toBeNull();
    const lines = block![1]!.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const names = lines.filter((l) => !l.startsWith('/**'));
    expect(names.length).toBeGreaterThan(0);
    for (const [i, line] of lines.entries()) {
      if (line.startsWith('/**')) continue;
      expect(lines[i - 1], `the re-export ${line} is preceded by its @deprecated comment`).toBe('/** @deprecated import from `@adder/io` */');
    }
  });

  it("are named in the README's changelog", () => {
    const changelog = readmeSection(readText('README.md'), 'Changelog');
    const names = block![1]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('/**'))
      .map((l) => l.replace(/^type\s+/, '').replace(/,$/, '').trim());
    const missing = names.filter((n) => !changelog.includes(`\`${n}\``));
    expect(missing, 'moved names missing from the README changelog').toEqual([]);
  });
});
