// Where a secret could hide on disk: a search of every file of a folder tree (.git/ included) for given bytes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (including .git/) whose bytes contain one of `needles`. */
export function filesContaining(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && needles.some((n) => readFileSync(path).includes(n))) hits.push(path);
    }
  };
  walk(dir);
  return hits;
}
