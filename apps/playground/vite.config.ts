// The playground's Vite config. SharedArrayBuffer (the Web Worker pool) needs a cross-origin isolated page, so the dev
// server and the preview send COOP and COEP; a static host must send the same two headers (see README.md).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The two headers that make the page cross-origin isolated. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  server: { headers: ISOLATION_HEADERS, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true },
});
