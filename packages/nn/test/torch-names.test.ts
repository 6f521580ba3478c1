// docs/torch-names.md maps every public name of @adder/autograd and @adder/nn (and every Tensor method) to torch's:
// an export without a row in its tables fails here. The first cell of a row names the export(s) in backticks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as autograd from '@adder/autograd';
import * as nn from '@adder/nn';

const doc = readFileSync(new URL('../../../docs/torch-names.md', import.meta.url), 'utf8');

/** Every name in backticks in the first cell of a table row (header and rule rows have none). */
function listedNames(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) names.add(m[1]!);
  }
  return names;
}
const listed = listedNames(doc);
const missing = (names: string[]): string[] => names.filter((n) => !listed.has(n));

describe('docs/torch-names.md', () => {
  it('lists every value @adder/autograd exports', () => {
    expect(missing(Object.keys(autograd))).toEqual([]);
  });

  it('lists every value @adder/nn exports, and each function of nn.init as init.name', () => {
    expect(missing(Object.keys(nn))).toEqual([]);
    expect(missing(Object.keys(nn.init).map((k) => `init.${k}`))).toEqual([]);
  });

  it("lists every method and property of Tensor as x.name", () => {
    const own = Object.getOwnPropertyNames(autograd.Tensor.prototype).filter((n) => n !== 'constructor');
    expect(own.length).toBeGreaterThan(50);
    expect(missing(own.map((n) => `x.${n}`))).toEqual([]);
  });

  it('reads its own tables (a parse that found nothing would pass the checks above)', () => {
    for (const n of ['std', 'norm', 'mm', 'Linear', 'SGD', 'init.kaimingUniform', 'x.mT']) expect(listed.has(n), n).toBe(true);
  });

  it('says what is not there', () => {
    const section = doc.slice(doc.indexOf('## What is not there'));
    expect(section.length).toBeGreaterThan(100);
    for (const word of ['Sparse', 'complex', 'autocast', 'Higher-order gradients']) expect(section).toContain(word);
  });
});
