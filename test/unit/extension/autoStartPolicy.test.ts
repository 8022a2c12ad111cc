import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AutoStartInput, autoStartDecision, parseAutoStartMode } from '../../../src/extension/autoStartPolicy';

const input: AutoStartInput = { mode: 'prompt', remembered: undefined, hasSpec: true, trusted: true, running: false, busy: false };

describe('autoStartDecision', () => {
  it('prompts by default, starts on always (setting or remembered answer)', () => {
    assert.deepEqual(autoStartDecision(input), { action: 'prompt' });
    assert.deepEqual(autoStartDecision({ ...input, mode: 'always' }), { action: 'start' });
    assert.deepEqual(autoStartDecision({ ...input, remembered: 'always' }), { action: 'start' });
  });

  it('does nothing when off, never, without a spec, already running or busy', () => {
    assert.deepEqual(autoStartDecision({ ...input, mode: 'off', remembered: 'always' }), { action: 'none', why: 'off' });
    assert.deepEqual(autoStartDecision({ ...input, mode: 'always', remembered: 'never' }), { action: 'none', why: 'never' });
    assert.deepEqual(autoStartDecision({ ...input, hasSpec: false }), { action: 'none', why: 'no-spec' });
    assert.deepEqual(autoStartDecision({ ...input, running: true }), { action: 'none', why: 'already-running' });
    assert.deepEqual(autoStartDecision({ ...input, busy: true }), { action: 'none', why: 'busy' });
  });

  it('never starts in an untrusted workspace, even on always; it explains instead', () => {
    assert.deepEqual(autoStartDecision({ ...input, mode: 'always', trusted: false }), { action: 'explain-untrusted' });
    assert.deepEqual(autoStartDecision({ ...input, trusted: false, running: true }), { action: 'explain-untrusted' });
  });

  it('reads unknown setting values as prompt', () => {
    assert.equal(parseAutoStartMode('always'), 'always');
    assert.equal(parseAutoStartMode(42), 'prompt');
    assert.equal(parseAutoStartMode(undefined), 'prompt');
  });
});
