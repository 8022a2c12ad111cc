import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BerthEvent } from '../../../src/core/events';
import { eventRenderer } from '../../../src/cli/render';

function rendered(level: 'info' | 'warn', events: BerthEvent[]): string {
  let text = '';
  const sink = eventRenderer({ write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, 'text', level);
  for (const e of events) sink(e);
  return text;
}

const sample: BerthEvent[] = [
  { type: 'phase', phase: 'reading-config' },
  { type: 'container', containerId: 'abcdef1234567890', state: 'reused' },
  { type: 'port', containerPort: 80, hostIp: '127.0.0.1', hostPort: 8080 },
  { type: 'hook', hook: 'postAttachCommand', state: 'started' },
  { type: 'output', source: 'hook', text: 'hook says hi\n' },
  { type: 'hook', hook: 'postAttachCommand', state: 'failed', exitCode: 2 },
  { type: 'log', level: 'info', message: 'an info line' },
  { type: 'log', level: 'warn', message: 'a warning', component: 'drift' },
];

describe('eventRenderer (text)', () => {
  it('at info shows progress, output and logs', () => {
    const text = rendered('info', sample);
    for (const part of ['==> reading-config', 'container abcdef123456 reused', 'port 80 -> 127.0.0.1:8080', '--> postAttachCommand', 'hook says hi', 'FAILED (exit 2)', 'an info line', '[warn] [drift] a warning']) {
      assert.ok(text.includes(part), `missing ${part} in:\n${text}`);
    }
  });

  it('at warn (berth exec) hides progress and info, keeps output, failures and warnings', () => {
    assert.equal(rendered('warn', sample), 'hook says hi\n<-- postAttachCommand FAILED (exit 2)\n[warn] [drift] a warning\n');
  });
});
