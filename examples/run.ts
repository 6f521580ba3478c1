// `pnpm example <name> [--smoke]`: runs one example from this folder (see examples/README.md).
import { EXAMPLES } from './registry';

async function runFromCommandLine(argv: readonly string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('--'));
  const name = names[0];
  if (name === undefined || names.length > 1 || !(name in EXAMPLES)) {
    console.error(`usage: pnpm example <name> [--smoke]\n  names: ${Object.keys(EXAMPLES).join(', ')}${name !== undefined && !(name in EXAMPLES) ? `\n  (unknown example '${name}')` : ''}`);
    return 2;
  }
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--smoke');
  if (unknown.length > 0) {
    console.error(`example: unknown flag ${unknown[0]} (only --smoke is accepted)`);
    return 2;
  }
  const { main } = await EXAMPLES[name]!();
  await main({ smoke: argv.includes('--smoke'), log: (line) => console.log(line) });
  return 0;
}

// pnpm passes a literal `--` through when the user writes `pnpm example -- name`; drop it.
runFromCommandLine(process.argv.slice(2).filter((a) => a !== '--')).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
