// The published packages, installed the way a user installs them: `pnpm -r pack` every publishable package, `npm install`
// the tarballs into a fresh project outside the workspace (no pnpm workspace, no tsx), then run plain `node` there:
// the library (gradcheck, training on 2 worker threads with worker prefetch), the official checkpoint against the
// committed fixture, the `adder` command, and a strict TypeScript project against the published .d.ts files.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from '@adder/io';
import { TOLERANCES } from '../src/parity/tolerances';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const HERE = fileURLToPath(new URL('./pack-install', import.meta.url));
const CHECKPOINT = resolve(ROOT, '../shared/checkpoints/ResNet20-AdderNet.pth');
const FIXTURE = join(ROOT, 'fixtures/official/resnet20_logits.safetensors');
/** The packages a user installs: every library package and the adder command. */
const PUBLISHED = ['tensor', 'autograd', 'io', 'nn', 'addernet', 'data', 'train'];
const MINUTES = 60_000;

let work = '';
let project = '';

/** Types for the consumer project: TypeScript as the workspace pins it, and the @types/node 20 that suits it. */
const CONSUMER_DEV_DEPENDENCIES = { typescript: '5.9.3', '@types/node': '20.19.43' };

/** The environment of the installed project: nothing of the workspace (no pnpm, no tsx loader, no INIT_CWD). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|PNPM|INIT_CWD|NODE_OPTIONS|VITEST|TSX)/i.test(k)) env[k] = v;
  return env;
}

/**
 * Runs a command to completion (asynchronously: a long synchronous child would stall vitest's worker); returns its
 * stdout, or throws with its output when it fails.
 */
async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${err.code}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** Runs `node args` in the installed project, with the clean environment. */
function node(args: string[]): Promise<string> {
  return run(process.execPath, args, project, cleanEnv());
}

/** Runs `npx --no-install adder args` in the installed project, with the clean environment. */
function adder(args: string[]): Promise<string> {
  return run('npx', ['--no-install', 'adder', ...args], project, cleanEnv());
}

describe('the packed packages, installed with npm into a project outside the workspace', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'adder-pack-'));
    const tarballs = join(work, 'tarballs');
    project = join(work, 'project');
    const pnpm = ['-y', 'pnpm@12.4.2'];
    await run('npx', [...pnpm, 'build'], ROOT);
    await run('npx', [...pnpm, '-r', ...PUBLISHED.flatMap((p) => ['--filter', `@adder/${p}`]), 'pack', '--pack-destination', tarballs], ROOT);
    const files = readdirSync(tarballs);
    const dependencies: Record<string, string> = {};
    for (const p of PUBLISHED) {
      const file = files.find((f) => f.startsWith(`adder-${p}-`) && f.endsWith('.tgz'));
      if (file === undefined) throw new Error(`pnpm pack wrote no tarball for @adder/${p} into ${tarballs} (found: ${files.join(', ')})`);
      dependencies[`@adder/${p}`] = `file:${join(tarballs, file)}`;
    }
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({
      name: 'adder-consumer', private: true, type: 'module', dependencies,
      devDependencies: CONSUMER_DEV_DEPENDENCIES,
    }, null, 2)}\n`);
    for (const f of readdirSync(HERE)) copyFileSync(join(HERE, f), join(project, f));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project, cleanEnv());
  }, 20 * MINUTES);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('installs the built JavaScript only: no tsx, no TypeScript sources, exports with types and default', () => {
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    for (const p of PUBLISHED) {
      const dir = join(project, 'node_modules/@adder', p);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(existsSync(join(dir, 'src')), `@adder/${p} ships no src/`).toBe(false);
      expect(pkg['license'], p).toBe('MIT');
      expect(typeof pkg['description'], p).toBe('string');
      if (p === 'train') {
        expect(pkg['bin']).toEqual({ adder: './dist/adder.js' });
        continue;
      }
      // Node's entry; @adder/data also maps the browser condition to its byte-level parsers
      const main = (pkg['exports'] as Record<string, Record<string, unknown>>)['.']!;
      expect(p === 'data' ? main['default'] : main, p).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      if (p === 'data') expect(main['browser'], p).toEqual({ types: './dist/browser.d.ts', default: './dist/browser.js' });
      expect(existsSync(join(dir, 'dist/index.js')) && existsSync(join(dir, 'dist/index.d.ts')) && existsSync(join(dir, 'dist/index.js.map')), p).toBe(true);
    }
  });

  it('runs the library with plain node: gradcheck of a custom Function, an adder layer, training on 2 threads with worker prefetch', async () => {
    const out = JSON.parse((await node(['library.mjs'])).trim().split('\n').pop()!) as {
      gradcheckPassed: boolean; adderGrad: number[]; losses: number[]; usedPool: boolean; prefetchBatches: number;
    };
    expect(out.gradcheckPassed).toBe(true);
    expect(out.adderGrad).toEqual([0.5, 1, -1, 1]); // clamp(w - x, -1, 1), the README's worked example
    expect(out.usedPool).toBe(true);
    expect(out.prefetchBatches).toBe(8);
    expect(out.losses).toHaveLength(8);
    for (const l of out.losses) expect(Number.isFinite(l)).toBe(true);
    // eight SGD steps on the sample from a random init: the loss falls from ~ln(10) = 2.3
    expect(out.losses[0]).toBeGreaterThan(1.9);
    expect(out.losses[7]!).toBeLessThan(out.losses[0]! - 0.3);
  }, 5 * MINUTES);

  it("runs the README's 'As a library' example with plain node", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## As a library\n'));
    const example = /\n```js\n([\s\S]*?)\n```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
    expect(example, 'the README\'s "As a library" section has a ```js example').not.toBeNull();
    writeFileSync(join(project, 'readme-example.mjs'), `${example![1]}\n`);
    await node(['readme-example.mjs']);
  }, 5 * MINUTES);

  it('loads the official checkpoint with plain node and reproduces the committed logits', async (ctx) => {
    if (!existsSync(CHECKPOINT)) {
      console.log(`pack-install: skipped the official checkpoint: ${CHECKPOINT} is absent`);
      ctx.skip();
    }
    const out = JSON.parse((await node(['official.mjs', CHECKPOINT, FIXTURE])).trim()) as { tensors: number; count: number; maxAbsDiff: number; maxAbs: number };
    const fixture = loadSafetensors(FIXTURE).tensors;
    expect(out.tensors).toBe(132);
    expect(out.count).toBe(fixture['logits']!.size);
    const tol = TOLERANCES.checkpointLogits;
    expect(out.maxAbsDiff).toBeLessThanOrEqual(tol.atol + tol.rtol * out.maxAbs);
  }, 5 * MINUTES);

  it('runs npx adder --help, --version and a tiny adder train on 2 threads, whose checkpoint converts to .pth', async () => {
    const help = await adder(['--help']);
    for (const c of ['train', 'eval', 'convert', 'parity', 'bench']) expect(help).toMatch(new RegExp(`^  ${c} `, 'm'));
    const version = JSON.parse(readFileSync(join(ROOT, 'apps/train/package.json'), 'utf8')) as { version: string };
    expect((await adder(['--version'])).trim()).toBe(version.version);
    expect(await adder(['train', '--help'])).toMatch(/--subset N/);
    const out = join(work, 'run');
    await adder(['train', '--subset', '64', '--epochs', '1', '--eval-subset', '64', '--threads', '2', '--out', out]);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config['threads']).toBe(2);
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metrics.length).toBeGreaterThan(0);
    const pth = join(work, 'run.pth');
    await adder(['convert', join(out, 'last.safetensors'), pth]);
    expect([...readFileSync(pth).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip, as torch.save writes
  }, 10 * MINUTES);

  it('type-checks a strict NodeNext TypeScript project against the published .d.ts files (skipLibCheck off)', async () => {
    expect(await node([join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'])).toBe('');
  }, 5 * MINUTES);
});
