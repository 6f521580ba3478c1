// Resumable HTTP(S) download into `<dest>.part` (Range requests), MD5-verified before it is renamed to `dest`.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { DataError } from './errors';
import { createProgressBar, type ProgressSink } from './progress';

/** Options of downloadFile. */
export interface DownloadOptions {
  /** http:// or https:// address. */
  url: string;
  /** Where the finished file goes (the partial download lives at `${dest}.part`). */
  dest: string;
  /** Expected MD5 (hex); on a mismatch the file is deleted and a DataError thrown. */
  md5?: string;
  /** true (default): a bar on stderr; false: silent; or a custom sink. */
  progress?: boolean | ProgressSink;
  /** Extra attempts after a cut transfer, each resuming where the last stopped (default 3). */
  retries?: number;
  /** Give up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
}

/** An error from the network itself (refused, unreachable, cut): the caller may explain how to proceed offline. */
export class NetworkError extends DataError {}

/** Downloads `url` to `dest`, resuming a previous `.part`, retrying cut transfers, and verifying the MD5. */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const part = `${options.dest}.part`;
  const retries = options.retries ?? 3;
  const bar = options.progress === false ? null : typeof options.progress === 'function' ? null : createProgressBar(`downloading ${options.url}`);
  const sink: ProgressSink | null = typeof options.progress === 'function' ? options.progress : bar ? bar.update : null;
  let lastError: unknown = null;
  try {
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        await fetchInto(options.url, part, sink, options.idleTimeoutMs ?? 30_000, 5);
        lastError = null;
        break;
      } catch (e) {
        lastError = e;
        if (!(e instanceof NetworkError) || e.message.includes('refused') || e.message.includes('not found')) break;
      }
    }
  } finally {
    bar?.finish();
  }
  if (lastError) throw lastError;
  if (options.md5) {
    const found = await md5OfFile(part);
    if (found !== options.md5.toLowerCase()) {
      unlinkSync(part);
      throw new DataError(options.dest, `expected MD5 ${options.md5.toLowerCase()}, found ${found} for the download of ${options.url} (the file was deleted; rerun to download it again)`);
    }
  }
  renameSync(part, options.dest);
}

/** The MD5 of a file, streamed. */
export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

function request(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : url.startsWith('http:') ? httpGet : null;
    if (!get) {
      reject(new DataError(url, 'expected an http:// or https:// address'));
      return;
    }
    const req = get(url, { headers }, resolve);
    req.on('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'host not found' : e.message;
      reject(new NetworkError(url, `expected a reachable server, found: ${why}`));
    });
  });
}

/** One attempt: requests the rest of the file (Range from the `.part` size) and appends it. */
async function fetchInto(url: string, part: string, sink: ProgressSink | null, idleMs: number, redirects: number): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await request(url, have > 0 ? { Range: `bytes=${have}-` } : {});
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
    res.resume();
    return fetchInto(new URL(res.headers.location, url).toString(), part, sink, idleMs, redirects - 1);
  }
  if (status === 416 && have > 0) {
    // The .part already holds the whole file (or is junk): the MD5 check that follows decides.
    res.resume();
    return;
  }
  let start: number;
  if (status === 206 && have > 0 && (res.headers['content-range'] ?? '').startsWith(`bytes ${have}-`)) start = have;
  else if (status === 200) start = 0;
  else {
    res.resume();
    throw new DataError(url, `expected HTTP 200 or 206, found ${status}`);
  }
  const length = res.headers['content-length'] ? Number(res.headers['content-length']) : null;
  const total = length === null ? null : start + length;
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let done = start;
  sink?.(done, total);
  try {
    await new Promise<void>((resolve, reject) => {
      const cut = (why: string): void => reject(new NetworkError(url, `expected ${total ?? 'more'} bytes, found the transfer cut at ${done} (${why}); rerun to resume from ${part}`));
      res.setTimeout(idleMs, () => res.destroy(new Error(`no data for ${idleMs} ms`)));
      res.on('data', (chunk: Buffer) => {
        done += chunk.length;
        sink?.(done, total);
      });
      res.on('aborted', () => cut('connection aborted'));
      res.on('error', (e) => cut(e.message));
      res.on('end', () => (total !== null && done < total ? cut('connection closed early') : resolve()));
      res.pipe(out, { end: false });
    });
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
}
