// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const spec = fileURLToPath(new URL('../../../../openapi/openapi.json', import.meta.url));

describe('generated API types', () => {
  it.skipIf(!existsSync(spec))('src/lib/api/schema.d.ts matches ../openapi/openapi.json', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-check.mjs'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
