import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installOrder, type OrderNode } from '../../../../src/core/features/order';

function node(key: string, extra: Partial<OrderNode> = {}): OrderNode {
  return { key, userId: key, resource: key.replace(/:.*$/, ''), optionsJson: '{}', dependsOn: [], installsAfter: [], ...extra };
}

describe('installOrder', () => {
  it('installs hard dependencies first, then sorts each round by resource', () => {
    const nodes = [node('r.io/a/zeta:1', { dependsOn: ['r.io/a/base:1'] }), node('r.io/a/base:1'), node('r.io/a/alpha:1')];
    assert.deepEqual(installOrder(nodes), ['r.io/a/alpha:1', 'r.io/a/base:1', 'r.io/a/zeta:1']);
  });

  it('honours installsAfter only for Features that are installed', () => {
    const nodes = [node('r.io/a/a:1', { installsAfter: ['r.io/a/b', 'r.io/a/missing'] }), node('r.io/a/b:1')];
    assert.deepEqual(installOrder(nodes), ['r.io/a/b:1', 'r.io/a/a:1']);
  });

  it('lets overrideFeatureInstallOrder move ready Features first, matched without version', () => {
    const nodes = [node('r.io/a/a:1'), node('r.io/a/b:1'), node('r.io/a/c:1')];
    assert.deepEqual(installOrder(nodes, ['r.io/a/c', 'r.io/a/b:1']), ['r.io/a/c:1', 'r.io/a/b:1', 'r.io/a/a:1']);
    assert.throws(() => installOrder(nodes, ['r.io/a/nope']), /names "r\.io\/a\/nope", which is not one of the Features/);
  });

  it('keeps hard dependencies before an overridden Feature', () => {
    const nodes = [node('r.io/a/a:1', { dependsOn: ['r.io/a/dep:1'] }), node('r.io/a/dep:1'), node('r.io/a/z:1')];
    const order = installOrder(nodes, ['r.io/a/a']);
    assert.ok(order.indexOf('r.io/a/dep:1') < order.indexOf('r.io/a/a:1'));
  });

  it('sorts Features of one resource by tag, then options', () => {
    const nodes = [node('x#2', { resource: 'r.io/a/a', tag: '1', optionsJson: '{"b":1}' }), node('x#1', { resource: 'r.io/a/a', tag: '1', optionsJson: '{"a":1}' })];
    assert.deepEqual(installOrder(nodes), ['x#1', 'x#2']);
  });

  it('names the Features of a cycle', () => {
    const nodes = [
      node('r.io/a/a:1', { dependsOn: ['r.io/a/b:1'] }),
      node('r.io/a/b:1', { installsAfter: ['r.io/a/c'] }),
      node('r.io/a/c:1', { dependsOn: ['r.io/a/a:1'] }),
      node('r.io/a/free:1'),
    ];
    assert.throws(() => installOrder(nodes), /cycle: r\.io\/a\/a:1 → r\.io\/a\/b:1 → r\.io\/a\/c:1 → r\.io\/a\/a:1/);
  });
});
