import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PATCH_PROFILE_SCRIPT } from '../../../../src/core/lifecycle/containerSetup';

// The script is plain sh + sed; run it on a copy of a Debian-style profile on the host.
function patch(profile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-profile-'));
  const file = join(dir, 'profile');
  writeFileSync(file, profile);
  execFileSync('/bin/sh', ['-c', PATCH_PROFILE_SCRIPT.replace('f=/etc/profile', `f=${file}`)]);
  return readFileSync(file, 'utf8');
}

describe('PATCH_PROFILE_SCRIPT', () => {
  const debian = [
    'if [ "$(id -u)" -eq 0 ]; then',
    '  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    'else',
    '  PATH=/usr/local/bin:/usr/bin:/bin',
    'fi',
    'export PATH',
    'PATH="$PATH:/opt/x"',
    '',
  ].join('\n');

  it('makes PATH assignments keep an existing PATH, quoted or not', () => {
    const out = patch(debian).split('\n');
    assert.equal(out[1], '  PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}"');
    assert.equal(out[3], '  PATH="${PATH:-/usr/local/bin:/usr/bin:/bin}"');
  });

  it('leaves lines that already use $PATH alone and is idempotent', () => {
    const once = patch(debian);
    assert.equal(once.split('\n')[6], 'PATH="$PATH:/opt/x"');
    assert.equal(patch(once), once);
  });

  it('the rewritten profile keeps the caller PATH, and falls back when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-profile-'));
    const file = join(dir, 'profile');
    writeFileSync(file, patch(debian));
    const kept = execFileSync('/bin/sh', ['-c', `. ${file}; echo "$PATH"`], { env: { PATH: '/custom/bin:/usr/bin:/bin' } }).toString().trim();
    assert.equal(kept, '/custom/bin:/usr/bin:/bin:/opt/x');
    // With no PATH at all, the profile's own default applies (root and non-root branches alike).
    const fallback = execFileSync('/bin/sh', ['-c', `unset PATH; . ${file}; echo "$PATH"`]).toString().trim();
    assert.match(fallback, /^\/usr\/local\/(s?bin):.*:\/bin:\/opt\/x$/);
  });
});
