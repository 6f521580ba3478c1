// The engine in a page: the browser entry graph of @adder/tensor, autograd, nn, addernet, io and data's parsers
// imports no Node built-in. esbuild bundles each package as a page would (platform browser, the "browser"
// condition) and records every import of a built-in module on the way.
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Bundles `import * as m from '<pkg>'` and returns the built-in modules reached, as "importer -> module". */
async function builtinImports(pkg: string, platform: 'browser' | 'node'): Promise<string[]> {
  const found: string[] = [];
  const recordBuiltins: Plugin = {
    name: 'record-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        found.push(`${args.importer.replace(/.*\/packages\//, 'packages/')} -> ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    stdin: { contents: `export * as m from '${pkg}';`, resolveDir: here, loader: 'ts' },
    bundle: true,
    write: false,
    platform,
    format: 'esm',
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  return found;
}

describe('the browser entry graph imports no Node built-in', () => {
  for (const pkg of ['@adder/tensor', '@adder/autograd', '@adder/nn', '@adder/addernet', '@adder/io', '@adder/data']) {
    it(pkg, async () => {
      expect(await builtinImports(pkg, 'browser')).toEqual([]);
    });
  }

  it('the same scan finds the Node-only modules of the Node entries (so the scan can fail)', async () => {
    const data = await builtinImports('@adder/data', 'node');
    expect(data).toContain('packages/data/src/files.ts -> node:fs');
    const tensor = await builtinImports('@adder/tensor', 'node');
    expect(tensor).toContain('packages/tensor/src/parallel/thread-host-node.ts -> node:os');
  });
});
