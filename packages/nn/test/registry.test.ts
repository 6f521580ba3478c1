// The registry test: the *.cases.ts tables of this folder cover exactly the Functions @adder/nn registers, one
// table per Function module (src/functions/X.ts -> X.cases.ts, run by X.test.ts). It runs no case itself.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertCasesCoverFunctions, functionsRegisteredBy, loadCaseTables } from '@adder/autograd/testing';

const here = dirname(fileURLToPath(import.meta.url));

describe('nn Function registry', async () => {
  // nn must not be imported before this point, so that its registrations are observed
  const registered = await functionsRegisteredBy(() => import('@adder/nn'));

  it('every Function nn registers has exactly one case, and every case a registered Function', async () => {
    expect(registered.length).toBeGreaterThan(0);
    const tables = await loadCaseTables(here);
    assertCasesCoverFunctions(tables, registered);
    const union = new Set([...tables.values()].flatMap((t) => Object.keys(t)));
    expect([...union].sort()).toEqual([...registered].sort());
  });

  it('each X.cases.ts has the X.test.ts that runs it', () => {
    const files = readdirSync(here);
    for (const f of files.filter((n) => n.endsWith('.cases.ts'))) expect(files).toContain(f.replace(/\.cases\.ts$/, '.test.ts'));
  });

  it('registry names are camelCase, as the functions they implement', () => {
    expect(registered.filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n))).toEqual([]);
  });
});
