import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { imageFactsScript, parseImageFacts, versionNumber } from '../../../../src/core/production/imageFacts';

describe('image facts', () => {
  it('parses the marked lines and ignores the rest', () => {
    const facts = parseImageFacts('noise\n@@berth os Debian GNU/Linux 12 (bookworm)\n@@berth runtime node v18.19.0\n@@berth runtime python3 Python 3.11.2\n');
    assert.deepEqual(facts, { os: 'Debian GNU/Linux 12 (bookworm)', runtimes: { node: 'v18.19.0', python3: 'Python 3.11.2' } });
  });

  it('runs under a POSIX sh and reports the host node it finds', () => {
    // The script is plain sh: running it here checks its syntax and the marker format end to end.
    const out = execFileSync('/bin/sh', ['-c', imageFactsScript()], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(parseImageFacts(out).runtimes.node, process.version);
  });

  it('extracts comparable version numbers', () => {
    assert.equal(versionNumber('v18.19.0'), '18.19.0');
    assert.equal(versionNumber('Python 3.11.2'), '3.11.2');
    assert.equal(versionNumber('go version go1.22.1 linux/amd64'), '1.22.1');
  });
});
