import { miniosVm } from '/work/wt-mig2/test/helpers/migration.js';
const { vm } = await miniosVm('bt', 'getppid=2000 fork=20 tick=100000');
vm.run(300_000);
const g = (vm.vmm as any).guests.get(1);
const seen: Record<string, number> = {};
for (let k = 1; k < 400; k++) {
  vm.run(k);
  const at = g.cache.guestPcAt(g.hart.pc);
  const key = `${g.vcpu.mode} ${at ? (at.boundary ? 'boundary' : 'mid') : 'none'} ${g.startAt}`;
  seen[key] = (seen[key] ?? 0) + 1;
}
console.log(seen);
