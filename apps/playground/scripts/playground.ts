// `pnpm playground`: serves the page (Vite's dev server) and prints its URL.
// `pnpm playground --build`: writes the static site to apps/playground/dist; `--preview` serves that build.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, createServer, preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    build: { type: 'boolean', default: false },
    preview: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
  },
  strict: true,
});
const port = values.port === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`playground: --port expects a port number from 1 to 65535, got ${values.port}`);
  process.exit(2);
}
const server = { ...(port !== undefined ? { port, strictPort: true } : {}), ...(values.host !== undefined ? { host: values.host } : {}) };

if (values.build) {
  await build({ root, logLevel: 'warn' });
  console.log(`playground: the static site is in ${root}dist (serve it with the COOP/COEP headers of apps/playground/README.md)`);
} else if (values.preview) {
  const p = await preview({ root, preview: server });
  console.log(`playground (build preview): ${p.resolvedUrls?.local[0] ?? '(no URL)'}`);
} else {
  const s = await createServer({ root, server });
  await s.listen();
  console.log(`playground: ${s.resolvedUrls?.local[0] ?? '(no URL)'}`);
}
