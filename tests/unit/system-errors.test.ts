import { describe, expect, it } from 'vitest';
import { describeSystemError } from '../../src/errors.ts';

const errno = (code: string, extra: Partial<NodeJS.ErrnoException> = {}) =>
  Object.assign(new Error(code), { code, ...extra });

describe('environment errors become one line with a fix', () => {
  it.each([
    [
      errno('EACCES', { syscall: 'mkdir', path: '/srv/app' }),
      'Permission denied (mkdir /srv/app). Choose a folder you can write to, or fix its permissions.',
    ],
    [
      errno('EACCES', { syscall: 'mkdtemp', path: '/srv/.app.detml-staging-0123abcd-42-XXXXXX' }),
      'Permission denied (cannot write in /srv). Choose a folder you can write to, or fix its permissions.',
    ],
    [
      errno('EROFS', { syscall: 'open', path: '/ro/x' }),
      'The file system is read-only (open /ro/x). Choose a folder on a writable disk.',
    ],
    [errno('ENOSPC'), 'The disk is full (or your quota is used up). Free some space and retry.'],
    [errno('EDQUOT'), 'The disk is full (or your quota is used up). Free some space and retry.'],
    [
      errno('ENAMETOOLONG', { path: 'x'.repeat(300) }),
      'A file name is too long for the file system (at most 255 bytes per name). Choose a shorter project directory or name.',
    ],
    [
      errno('ENOTDIR', { syscall: 'scandir', path: '/etc/passwd' }),
      'A path component is a file, not a folder (scandir /etc/passwd). Check the paths you passed.',
    ],
    [
      errno('ENOENT', { syscall: 'spawn npm', path: 'npm' }),
      'npm is not installed or not on PATH. Install it and retry.',
    ],
  ])('%s', (error, line) => {
    expect(describeSystemError(error)).toBe(line);
  });

  it('leaves everything else to the bug report', () => {
    expect(describeSystemError(errno('ENOENT', { syscall: 'open', path: '/x' }))).toBeUndefined();
    expect(describeSystemError(new TypeError('x is not a function'))).toBeUndefined();
    expect(describeSystemError(undefined)).toBeUndefined();
  });
});
