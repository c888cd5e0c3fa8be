// The migration list and the migrations folder agree: numbered files NNNN-name.ts, consecutive from 1, each listed once.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../hub/db/migrations/index';

describe('hub migrations list', () => {
  it('lists every numbered file of hub/db/migrations, in order', () => {
    const files = readdirSync(join(process.cwd(), 'hub', 'db', 'migrations'))
      .filter((file) => file !== 'index.ts')
      .sort();
    for (const file of files) expect(file).toMatch(/^\d{4}-[a-z0-9-]+\.ts$/);
    expect(files.map((file) => ({ version: Number(file.slice(0, 4)), name: file.slice(5, -3) }))).toEqual(
      migrations.map((migration) => ({ version: migration.version, name: migration.name })),
    );
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
  });
});
