import { looksBinary } from '../src/templates/binary.ts';
import { objectId } from './object-ids.ts';

// A sync asks for the id of the same render buffers more than once; a model-sized one costs seconds to hash.
const ids = new WeakMap<Buffer, string>();

/** The git blob id (SHA-1) of some bytes, computed without a git call (remembered per buffer, never mutated). */
export function blobId(data: Buffer): string {
  let id = ids.get(data);
  if (id === undefined) {
    id = objectId('blob', data, 'sha1');
    ids.set(data, id);
  }
  return id;
}

/** True when every line ends in CRLF (and there is at least one line end). */
export function usesCrlf(data: Buffer): boolean {
  let lines = 0;
  for (let i = data.indexOf(0x0a); i !== -1; i = data.indexOf(0x0a, i + 1)) {
    if (i === 0 || data[i - 1] !== 0x0d) return false;
    lines++;
  }
  return lines > 0;
}

/**
 * The render in the user's line-ending style: when the user's committed file uses CRLF and the template's is plain
 * LF text, the template's side gets CRLF too, so a line-ending difference never turns into a whole-file conflict.
 */
export function inUserEol(render: Buffer, yours: Buffer | undefined): Buffer {
  if (!yours || !usesCrlf(yours) || render.includes(0x0d) || looksBinary(render)) return render;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = render.indexOf(0x0a); i !== -1; i = render.indexOf(0x0a, i + 1)) {
    parts.push(render.subarray(start, i), Buffer.from('\r\n'));
    start = i + 1;
  }
  parts.push(render.subarray(start));
  return Buffer.concat(parts);
}

/**
 * Replaces git's commit ids in conflict-marker lines with human labels, working on bytes: file content is never
 * decoded, so Latin-1 or any other encoding comes back byte for byte. `labels` maps an id (or its abbreviation,
 * as git writes the base) to the label.
 */
export function relabelMarkers(data: Buffer, labels: ReadonlyMap<string, string>): Buffer {
  // latin1 maps each byte to one char and back, so this round trip is exact for any bytes.
  const text = data.toString('latin1');
  const out = text.replace(
    /^(<{7}|\|{7}|>{7}) ([0-9a-f]{4,64})((?::[^\r\n]*)?)(\r?)$/gm,
    (line, marker: string, id: string, rest: string, cr: string) => {
      for (const [full, label] of labels) {
        if (full.startsWith(id)) return `${marker} ${Buffer.from(label, 'utf8').toString('latin1')}${rest}${cr}`;
      }
      return line;
    },
  );
  return Buffer.from(out, 'latin1');
}
