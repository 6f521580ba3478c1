// The run folder's metrics.jsonl read back: a torn last append (a kill mid-write) is dropped, other damage is named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFolder, RunFolderError, writeFileAtomic, type MetricLine } from '../src/run-folder';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-run-folder-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const step = (n: number): MetricLine => ({ type: 'step', epoch: 1, step: n, loss: 1 / n, acc: 0.5, lr: 0.1, imagesPerSec: 10 });

describe('RunFolder.readMetrics', () => {
  it('reads what appendMetric wrote, in order', () => {
    const run = new RunFolder(path.join(tmp, 'ok'));
    for (const n of [1, 2, 3]) run.appendMetric(step(n));
    expect(run.readMetrics()).toEqual([step(1), step(2), step(3)]);
  });

  it('drops an unfinished last line, keeps a complete one that lacks only its newline', () => {
    const run = new RunFolder(path.join(tmp, 'torn'));
    run.appendMetric(step(1));
    fs.appendFileSync(run.file('metrics.jsonl'), JSON.stringify(step(2)).slice(0, 20));
    expect(run.readMetrics()).toEqual([step(1)]);
    expect(run.truncateMetrics(5, 2)).toEqual([step(1)]);
    fs.appendFileSync(run.file('metrics.jsonl'), JSON.stringify(step(3)));
    expect(run.readMetrics()).toEqual([step(1), step(3)]);
  });

  it('a damaged line before the end names the file and the line', () => {
    const run = new RunFolder(path.join(tmp, 'damaged'));
    fs.writeFileSync(run.file('metrics.jsonl'), `${JSON.stringify(step(1))}\n{"type": "st\n${JSON.stringify(step(3))}\n`);
    expect(() => run.readMetrics()).toThrow(RunFolderError);
    expect(() => run.readMetrics()).toThrow(/damaged[/\\]metrics\.jsonl: line 2 is not JSON: "\{\\"type\\": \\"st"/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, and leaves no temporary file when the rename fails', () => {
    const file = path.join(tmp, 'atomic.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    const blocked = path.join(tmp, 'a-folder');
    fs.mkdirSync(path.join(blocked, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(blocked, 'x')).toThrow();
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
