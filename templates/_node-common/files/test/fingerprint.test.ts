// What the class key holds of a GPU box: the device the run uses, not every GPU present; its memory as a size class;
// its MIG profile; never the driver version (recorded in soft). These run on any machine through a fake nvidia-smi.
import assert from 'node:assert/strict';
import test from 'node:test';
import { memoryClassGiB, parseMigList, probeMachine, usedDevice } from '../src/detml/fingerprint-core.js';
import { withFakeGpus, type FakeGpu } from '../src/detml/testing.js';

const H100: FakeGpu = { index: 0, uuid: 'GPU-aaaa1111-0000-0000-0000-000000000000', name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 };
const A100: FakeGpu = { index: 1, uuid: 'GPU-bbbb2222-0000-0000-0000-000000000000', name: 'NVIDIA A100-SXM4-40GB', pciDeviceId: '0x20B010DE', computeCap: '8.0', memoryMiB: 40960 };

const keyed = (gpus: FakeGpu[], visible: string | undefined) => withFakeGpus(gpus, {}, () => usedDevice(probeMachine(), visible, 0));

test('the keyed device is the one in use: CUDA_VISIBLE_DEVICES by index or UUID, else the first; none when it is empty', () => {
  assert.equal(keyed([H100, A100], undefined)?.name, H100.name);
  assert.equal(keyed([H100, A100], '1')?.name, A100.name);
  assert.equal(keyed([H100, A100], '1,0')?.name, A100.name);
  assert.equal(keyed([H100, A100], 'GPU-bbbb2222')?.name, A100.name, 'a UUID prefix, as CUDA accepts it');
  assert.equal(keyed([H100, A100], ''), null);
  assert.equal(keyed([H100, A100], '7'), null);
  assert.deepEqual(keyed([H100, A100], '0'), keyed([H100], undefined), 'another GPU in the box does not change the key');
});

test('the driver version and the exact MiB are not keyed; the memory size class is', () => {
  const base = keyed([H100], undefined);
  assert.deepEqual(keyed([{ ...H100, driver: '590.10.01' }], undefined), base, 'driver is recorded, not keyed');
  assert.deepEqual(keyed([{ ...H100, memoryMiB: 81920 }], undefined), base, 'a few MiB more or less are the same class');
  assert.equal(base?.memoryClassGiB, 80);
  assert.notDeepEqual(keyed([{ ...H100, memoryMiB: 95830 }], undefined), base, 'another memory size is another class');
  assert.deepEqual([16160, 23034, 40537, 81559, 143771].map(memoryClassGiB), [16, 24, 40, 80, 140]);
});

test('a MIG slice keys its profile: the instance CUDA_VISIBLE_DEVICES names, else the first', () => {
  const mig: FakeGpu = { ...H100, migMode: 'Enabled', migs: [['1g.10gb', 'MIG-1111aaaa-0000'], ['3g.40gb', 'MIG-2222bbbb-0000']] };
  assert.equal(keyed([mig], undefined)?.migProfile, '1g.10gb');
  assert.equal(keyed([mig], 'MIG-2222bbbb-0000')?.migProfile, '3g.40gb');
  assert.equal(keyed([H100], undefined)?.migProfile, null);
  assert.deepEqual(parseMigList('GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5d5b)\n  MIG 1g.5gb      Device  0: (UUID: MIG-c6d4)\n'), [
    { gpuUuid: 'GPU-5d5b', profile: '1g.5gb', uuid: 'MIG-c6d4' },
  ]);
});
