// A sync in a SHA-256 repository gives the same files as in a SHA-1 one: object ids are computed in the repository's
// hash before anything is written (sync/object-ids.ts), and git's own ids are checked against them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { scenario } from '../helpers/sync-project.ts';

async function syncIn(hash: 'sha1' | 'sha256') {
  vi.stubEnv('GIT_DEFAULT_HASH', hash);
  onTestFinished(() => void vi.unstubAllEnvs());
  const p = await scenario({ 'a.txt': 'a\n1\n2\n3\n', 'b.txt': 'b\n', 'dir/c.txt': 'c\n' });
  p.write('a.txt', 'a\n1\nmine\n3\n');
  p.write('b.txt', 'b\nmine\n');
  p.commit();
  p.release('2.0.0', { 'a.txt': 'a\n1\n2\ntheirs\n', 'b.txt': 'b\ntheirs\n', 'dir/c.txt': 'c\n', 'new.txt': 'n\n' });
  const r = await p.sync({ to: '2.0.0', mode: 'local' });
  const format = p.git('rev-parse', '--show-object-format').trim();
  const files = ['a.txt', 'b.txt', 'dir/c.txt', 'new.txt'].map((f) => readFileSync(join(p.dir, f), 'utf8'));
  return { format, status: r.status, plan: r.plan.map((e) => `${e.path} ${e.status}`), files };
}

describe('sync in a SHA-256 repository', () => {
  it('merges exactly as in a SHA-1 repository', async () => {
    const sha1 = await syncIn('sha1');
    const sha256 = await syncIn('sha256');
    expect([sha1.format, sha256.format]).toEqual(['sha1', 'sha256']);
    expect(sha256.files.join()).toContain('<<<<<<<'); // b.txt conflicts: every stage's blob was written
    expect({ ...sha256, format: '' }).toEqual({ ...sha1, format: '' });
  });
});
