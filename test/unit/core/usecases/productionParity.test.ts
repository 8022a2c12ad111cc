import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayerInfo } from '../../../../src/core/production/layers';
import { parityDrift } from '../../../../src/core/usecases/productionParity';
import { productionImageName } from '../../../../src/core/usecases/production';

const l = (digest: string, instruction: string, created = 1): LayerInfo => ({ digest, index: 0, instruction, size: 1, created });
const FROM = l('base', 'Imported from -');

describe('parityDrift', () => {
  const dev = [FROM, l('node-new', 'RUN install node', 200), l('tools', 'RUN install tools', 200)];
  const prod = [FROM, l('node-new', 'RUN install node', 200), l('app', 'COPY app', 200)];

  it('finds nothing when dev, prod and the container share the whole base', () => {
    assert.deepEqual(parityDrift(dev, prod, [...dev, l('uid', 'RUN usermod')]), []);
  });

  it('says the dev container runs on an older build of the shared layers', () => {
    const container = [FROM, l('node-old', 'RUN install node', 100), l('tools-old', 'RUN install tools', 100)];
    const drift = parityDrift(dev, prod, container);
    assert.equal(drift.length, 1);
    assert.equal(drift[0].kind, 'dev-container-older');
    assert.equal(drift[0].fix, 'berth up --remove-existing-container');
    assert.deepEqual(drift[0].steps, ['RUN install node']);
    assert.match(drift[0].message, /1 of the 2 layers/);
  });

  it('says which image is older when the same shared step was built twice', () => {
    const oldProd = [FROM, l('node-old', 'RUN install node', 100), l('app', 'COPY app', 100)];
    assert.deepEqual(parityDrift(dev, oldProd, undefined).map((d) => [d.kind, d.fix]), [['prod-older', 'berth build --production']]);
    const oldDev = [FROM, l('node-old', 'RUN install node', 100), l('tools', 'RUN install tools', 100)];
    assert.deepEqual(parityDrift(oldDev, prod, undefined).map((d) => d.kind), ['dev-image-older']);
  });
});

describe('productionImageName', () => {
  it('appends -prod to the name, keeping a tag', () => {
    assert.equal(productionImageName('vsc-app-123'), 'vsc-app-123-prod');
    assert.equal(productionImageName('app:1'), 'app-prod:1');
    assert.equal(productionImageName('localhost:5000/app'), 'localhost:5000/app-prod');
  });
});
