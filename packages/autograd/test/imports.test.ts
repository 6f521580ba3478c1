// Import order cannot matter: no module of src/ imports itself through others at run time (only `import type`
// may point back), and each public entry of package.json, imported alone in a fresh process, initialises the
// whole package (every Function registered, Tensor's op methods attached).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listFunctions } from '@adder/autograd';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(pkgDir, 'src');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * The package-relative modules `file` loads at run time. `import type` / `export type` are erased; an
 * `import { type A }` is kept as an import (verbatimModuleSyntax keeps the statement), so it counts.
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.[^']*)'/gm;
  for (const m of text.matchAll(statement)) {
    if (m[1] !== undefined) continue;
    found.push(resolve(dirname(file), `${m[2]!}.ts`));
  }
  return found;
}

/** A cycle of an import graph (module -> the modules it imports), or null. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const g of edges.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of edges.keys()) {
    const cycle = visit(f);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe('import order', () => {
  it('no module of src/ imports in a circle at run time', () => {
    const files = sources(srcDir);
    expect(files.length).toBeGreaterThan(10);
    const edges = new Map(files.map((f) => [f, runtimeImports(f)]));
    for (const [f, imported] of edges) for (const g of imported) expect(files, `${relative(pkgDir, f)} imports a missing ${relative(pkgDir, g)}`).toContain(g);
    expect(edges.get(join(srcDir, 'index.ts'))!.length).toBeGreaterThan(5);
    expect(edges.get(join(srcDir, 'node.ts'))).toEqual([]); // node.ts imports types only
    expect(findCycle(edges)?.map((f) => relative(pkgDir, f)) ?? null).toBeNull();
  });

  it('the cycle check finds a circle, and none in a diamond', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['d']], ['c', ['d']], ['d', []]]))).toBeNull();
  });

  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string> };
  const entries = Object.keys(pkg.exports).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  const builtIns = [...listFunctions()].sort();

  for (const entry of entries) {
    it(`importing ${entry} alone, first, in a fresh process initialises the package`, () => {
      // the entry is the first module of the package the process loads; the main entry is imported after it
      const script = `
        await import(${JSON.stringify(entry)});
        const { listFunctions, tensor } = await import(${JSON.stringify(pkg.name)});
        const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
        x.mul(3).add(x).sum().backward();
        console.log(JSON.stringify({ functions: listFunctions(), grad: x.grad.toArray() }));
      `;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const out = JSON.parse(run.stdout) as { functions: string[]; grad: number[] };
      expect([...out.functions].sort()).toEqual(builtIns);
      expect(out.grad).toEqual([4, 4]);
    });
  }
});
