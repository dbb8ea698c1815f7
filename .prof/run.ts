import { miniosVm, migrateInMemory } from '/work/wt-mig2/test/helpers/migration.js';
const ARGS = 'getppid=300 fork=4 dirty=64,3000 tlb=5000 compute=2000000 tick=100000';
const { vm } = await miniosVm('bt', ARGS);
vm.run(2_000_000);
const t = performance.now();
const m = await migrateInMemory(vm, { maxBandwidth: 2 ** 31, sliceInstructions: 50_000, policy: 'postcopy' });
console.log(JSON.stringify(m.received?.outcome), (performance.now() - t).toFixed(0));
