// Fails when src/lib/api/schema.d.ts is not what `npm run gen` makes from the
// committed spec. Usage: node scripts/gen-check.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi/openapi.json');
const committed = resolve(root, 'src/lib/api/schema.d.ts');

if (!existsSync(spec)) {
  console.error(`gen:check: ${spec} does not exist; nothing to generate the client from.`);
  process.exit(1);
}
if (!existsSync(committed)) {
  console.error('gen:check: src/lib/api/schema.d.ts is missing. Run `npm run gen` and commit the result.');
  process.exit(1);
}

// openapi-typescript silently merges operations that share an operationId,
// which gives one of them the other's types: refuse such a spec.
const doc = JSON.parse(readFileSync(spec, 'utf8'));
const seen = new Map();
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const [method, op] of Object.entries(item ?? {})) {
    const id = op && typeof op === 'object' ? op.operationId : undefined;
    if (id) seen.set(id, [...(seen.get(id) ?? []), `${method.toUpperCase()} ${path}`]);
  }
}
const dupes = [...seen].filter(([, ops]) => ops.length > 1);
if (dupes.length) {
  console.error(
    'gen:check: ../openapi/openapi.json reuses operationIds, so the generated client types would be wrong:\n' +
      dupes.map(([id, ops]) => `  ${id}: ${ops.join(', ')}`).join('\n') +
      '\n  Fix: give each #[utoipa::path] a unique operation_id.',
  );
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'bukuma-gen-'));
try {
  const fresh = join(dir, 'schema.d.ts');
  const bin = resolve(root, 'node_modules/openapi-typescript/bin/cli.js');
  const run = spawnSync(process.execPath, [bin, spec, '-o', fresh], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`gen:check: openapi-typescript failed:\n${run.stdout}${run.stderr}`);
    process.exit(1);
  }
  const a = readFileSync(committed, 'utf8');
  const b = readFileSync(fresh, 'utf8');
  if (a !== b) {
    const al = a.split('\n');
    const bl = b.split('\n');
    let i = 0;
    while (i < al.length && al[i] === bl[i]) i++;
    console.error(
      'gen:check: src/lib/api/schema.d.ts is stale — it differs from what ../openapi/openapi.json generates.\n' +
        `  first difference at line ${i + 1}:\n    committed: ${al[i] ?? '<end of file>'}\n    generated: ${bl[i] ?? '<end of file>'}\n` +
        '  Fix: run `npm run gen` in frontend/ and commit src/lib/api/schema.d.ts.',
    );
    process.exit(1);
  }
  console.log('gen:check: src/lib/api/schema.d.ts is up to date.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
