// The registry test: the *.cases.ts tables of this folder cover exactly the Functions @adder/nn registers.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// autograd's entry first: importing its testing module first hits a circular-initialisation order
import '@adder/autograd';
import { assertCasesCoverFunctions, functionsRegisteredBy, loadCaseTables } from '@adder/autograd/testing';

const here = dirname(fileURLToPath(import.meta.url));

describe('nn Function registry', () => {
  it('every Function nn registers has exactly one case, and each case passes', async () => {
    // nn must not be imported before this point, so that its registrations are observed
    const registered = await functionsRegisteredBy(() => import('@adder/nn'));
    expect(registered.length).toBeGreaterThan(0);
    const tables = await loadCaseTables(here);
    assertCasesCoverFunctions(tables, registered);
    for (const table of tables.values()) for (const c of Object.values(table)) c.check();
  });
});
