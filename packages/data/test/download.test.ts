// The CIFAR download against a local HTTP server on 127.0.0.1: success, a cut transfer resumed by Range, a wrong MD5, offline.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, downloadFile, loadCifar10, NetworkError } from '../src/index';
import { fixtureLabel, fixturePixel, writeCifar10Folder } from './cifar-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'adder-dl-'));
let archive: Uint8Array;
let archiveMd5: string;
let server: Server;
let base: string;
/** What the server saw: one entry per request, with its Range header. */
const requests: { path: string; range: string | undefined }[] = [];
/** Requests to /cut-once: the first is cut after half the bytes. */
let cutDone = false;

beforeAll(async () => {
  const src = join(tmp, 'src');
  writeCifar10Folder(src, 2, 3);
  await createTar({ gzip: true, file: join(tmp, 'fake.tar.gz'), cwd: src }, ['cifar-10-batches-bin']);
  archive = new Uint8Array(readFileSync(join(tmp, 'fake.tar.gz')));
  archiveMd5 = createHash('md5').update(archive).digest('hex');
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', range: req.headers.range });
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const body = archive.subarray(start);
    const headers = { 'Content-Length': String(body.length), ...(m ? { 'Content-Range': `bytes ${start}-${archive.length - 1}/${archive.length}` } : {}) };
    if (req.url === '/cut-once/cifar.tar.gz' && !cutDone) {
      cutDone = true;
      res.writeHead(m ? 206 : 200, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (req.url === '/missing') {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(m ? 206 : 200, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('download', () => {
  it('downloads, verifies the MD5 and extracts atomically, then loads', async () => {
    const root = join(tmp, 'ok');
    mkdirSync(join(root, '.extract-cifar-10-batches-bin-1-2', 'cifar-10-batches-bin'), { recursive: true }); // a killed extraction's leftover
    const ds = await loadCifar10({ root, split: 'test', download: true, progress: false, allowPartial: true, archive: { url: `${base}/ok/cifar.tar.gz`, md5: archiveMd5 } });
    expect(ds.length).toBe(3);
    expect(ds.get(2).label).toBe(fixtureLabel(2, 10));
    expect(ds.get(2).image[1024 + 33]).toBe(fixturePixel(2, 1, 1, 1));
    expect(readdirSync(root).sort()).toEqual(['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
    expect(readdirSync(join(root, 'cifar-10-batches-bin'))).toContain('data_batch_5.bin');
  });

  it('a cut transfer fails clearly, keeps the .part, and the next call resumes with a Range request', async () => {
    const dest = join(tmp, 'cut.tar.gz');
    const url = `${base}/cut-once/cifar.tar.gz`;
    let err: unknown = null;
    try {
      await downloadFile({ url, dest, md5: archiveMd5, progress: false, retries: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toContain(`expected ${archive.length} bytes`);
    expect((err as Error).message).toContain('cut');
    expect(existsSync(dest)).toBe(false);
    const partSize = statSync(`${dest}.part`).size;
    expect(partSize).toBe(Math.floor(archive.length / 2));
    const seen: number[] = [];
    await downloadFile({ url, dest, md5: archiveMd5, progress: (done) => seen.push(done), retries: 0 });
    expect(requests.filter((r) => r.path === '/cut-once/cifar.tar.gz').map((r) => r.range)).toEqual([undefined, `bytes=${partSize}-`]);
    expect(seen[0]).toBe(partSize);
    expect(seen[seen.length - 1]).toBe(archive.length);
    expect(createHash('md5').update(new Uint8Array(readFileSync(dest))).digest('hex')).toBe(archiveMd5);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('with retries, one call resumes a cut transfer by itself', async () => {
    cutDone = false;
    const before = requests.length;
    const dest = join(tmp, 'retry.tar.gz');
    await downloadFile({ url: `${base}/cut-once/cifar.tar.gz`, dest, md5: archiveMd5, progress: false, retries: 2 });
    expect(requests.slice(before).map((r) => r.range)).toEqual([undefined, `bytes=${Math.floor(archive.length / 2)}-`]);
    expect(createHash('md5').update(new Uint8Array(readFileSync(dest))).digest('hex')).toBe(archiveMd5);
  });

  it('a wrong MD5 deletes the download, leaves no folder, and names both sums', async () => {
    const root = join(tmp, 'bad-md5');
    const wrong = '0123456789abcdef0123456789abcdef';
    let err: unknown = null;
    try {
      await loadCifar10({ root, split: 'train', download: true, progress: false, archive: { url: `${base}/ok/cifar.tar.gz`, md5: wrong } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toContain(`expected MD5 ${wrong}, found ${archiveMd5}`);
    expect((err as Error).message).toContain(join(root, 'cifar-10-binary.tar.gz'));
    expect(readdirSync(root)).toEqual([]);
  });

  it('an HTTP error status is named', async () => {
    await expect(downloadFile({ url: `${base}/missing`, dest: join(tmp, 'm'), progress: false })).rejects.toThrow('expected HTTP 200 or 206, found 404');
  });

  it('offline: says where to put the files by hand and names the sample and Fashion-MNIST', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const root = join(tmp, 'offline');
    let err: unknown = null;
    try {
      await loadCifar10({ root, split: 'train', download: true, progress: false, archive: { url: `http://127.0.0.1:${port}/cifar.tar.gz` } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg).toContain('connection refused');
    expect(msg).toContain(`put it in ${root}`);
    expect(msg).toContain('loadSample');
    expect(msg).toContain('Fashion-MNIST');
  });
});
