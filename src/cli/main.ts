/** The vmlab command line. */
import { Command, Option } from 'commander';
import { parseSize, parseCount, parseTimebase, parseTlb, parseAd, parseWalkCaches } from './options.js';
import { runCommand } from './run.js';
import { compareCommand, ALL_WORKLOADS, ALL_STRATEGIES } from './compare.js';
import { runVmCommand } from './run-vm.js';
import { hostCommand } from './host.js';
import { cloudCommand } from './cloud.js';

const VMM_STRATEGIES = ALL_STRATEGIES.filter((s) => s !== 'native');
import { parseList } from './options.js';

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('vmlab')
    .description('A virtualization lab: a RISC-V machine in WebAssembly and the VMM techniques of an IaaS cloud, measured.')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('run')
    .description('run a RISC-V guest (ELF or raw image at 0x80000000); the exit status is the guest\'s')
    .argument('<file>', 'guest image')
    .addOption(new Option('--mem <size>', 'guest RAM').default(128 * 1024 * 1024, '128M').argParser(parseSize))
    .addOption(new Option('--max-insns <n>', 'stop after n instructions (exit 124)').argParser(parseCount))
    .addOption(new Option('--timebase <kind>', 'mtime follows retired instructions (insn) or the host clock (wall)').default('insn').argParser(parseTimebase))
    .addOption(new Option('--tlb <geometry>', 'modelled TLB: entries x ways').default({ entries: 64, ways: 4 }, '64x4').argParser(parseTlb))
    .addOption(new Option('--ad <kind>', 'A/D bits: page fault (fault, Svade) or set by the walker (hardware)').default(false, 'fault').argParser(parseAd))
    .addOption(new Option('--walk-caches <list>', 'walk accelerators: pwc, ntlb, pwc,ntlb or none').default({ pwc: false, ntlb: false }, 'none').argParser(parseWalkCaches))
    .option('--stats', 'print instructions, MIPS, TLB and page-walk counters to stderr')
    .addOption(new Option('--trace <n>', 'print the first n instructions executed to stderr').argParser(parseCount))
    .addOption(new Option('--vmm <strategy>', 'boot the image\'s kernel_entry in a VM under a VMM strategy: trap-emulate, hw-shadow, hw-nested or pv (a PV kernel: minios-pv.elf)').argParser((t) => parseList(t, VMM_STRATEGIES, 'strategy')[0]))
    .option('--bootargs <text>', 'with --vmm: the guest\'s boot arguments (minios_bootargs), e.g. "fork=100"')
    .option('--disk <file>', 'a raw disk image: a virtio-blk device at 0x10001000 (with --vmm pv: the block split driver\'s backend)')
    .action(async (file: string, opts) => {
      if (opts.bootargs !== undefined && !opts.vmm) { process.stderr.write('vmlab: --bootargs needs --vmm\n'); code = 2; return; }
      code = opts.vmm ? await runVmCommand(file, opts) : await runCommand(file, opts);
    });

  program
    .command('compare')
    .description('run each workload natively and under each VMM strategy; print performance relative to native and why')
    .addOption(new Option('--workloads <list>', `comma-separated: ${ALL_WORKLOADS.join(', ')}`).default(ALL_WORKLOADS, 'all').argParser((t) => parseList(t, ALL_WORKLOADS, 'workload')))
    .addOption(new Option('--strategies <list>', `comma-separated: ${ALL_STRATEGIES.join(', ')} (native always runs: it is the baseline)`).default(ALL_STRATEGIES, 'all').argParser((t) => parseList(t, ALL_STRATEGIES, 'strategy')))
    .option('--json', 'print the results as JSON (no progress bar)')
    .option('--cost <file>', 'JSON file overriding cost-model constants, e.g. {"memRef": 40, "exit": {"sbi": 1500}}')
    .option('--set <key=value...>', 'override one cost constant (repeatable): cpi, memRef, tlbFlush, emulate, shadowUpdate, guestWalkRef, reflect, validatePte, exit.<kind>; or a strategy parameter: pv.batch=N')
    .option('--count <workload=n...>', 'iterations of a workload (repeatable), e.g. --count tlb=500000')
    .option('--image <file>', 'guest kernel image (default: guests/build/minios.elf)')
    .option('--pv-image <file>', 'the PV kernel the pv strategy runs (default: guests/build/minios-pv.elf)')
    .addOption(new Option('--walk-caches <list>', 'the host hardware\'s walk accelerators for every run: pwc, ntlb, pwc,ntlb or none').default({ pwc: false, ntlb: false }, 'none').argParser(parseWalkCaches))
    .action(async (opts) => { code = await compareCommand(opts); });

  program
    .command('host')
    .description('several VMs on P pCPUs under one of Xen\'s schedulers: CPU shares against entitlements, fairness, latencies')
    .argument('[scenario]', 'scenario JSON file (docs/SCHEDULING.md); options override its fields')
    .option('--scheduler <name>', 'rr, bvt, sedf, credit or arinc653 (default credit)')
    .addOption(new Option('--pcpus <n>', 'physical CPUs').argParser(parseCount))
    .addOption(new Option('--duration <ms>', 'virtual time to run (default: until every VM ends)').argParser(parseCount))
    .option('--vm <spec...>', 'a VM, NAME:BOOTARGS[:key=value,...] (commas for spaces in the boot arguments), e.g. w1:compute=50000000:weight=512,strategy=hw-shadow')
    .option('--param <key=value...>', 'a host-wide scheduler parameter, e.g. tsliceMs=10')
    .option('--set <key=value...>', 'override one cost constant (as in vmlab compare)')
    .option('--json', 'print every measurement as JSON')
    .option('--plot <file.svg>', 'write each VM\'s CPU share over time as an SVG chart')
    .option('--solo', 'also run every VM alone and check its output is the same')
    .option('--list-schedulers', 'print the schedulers and their parameters with Xen\'s defaults')
    .action(async (file: string | undefined, opts) => { code = await hostCommand(file, opts); });

  program
    .command('cloud')
    .description('the EC2 layer: run a trace of launch/terminate/transfer requests on hosts of several generations; print the bill, utilization and each instance\'s performance')
    .argument('<trace>', 'trace JSON file (docs/CLOUD.md)')
    .option('--json', 'print everything as JSON')
    .action(async (file: string, opts) => { code = await cloudCommand(file, opts); });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const ce = e as { code?: string; exitCode?: number };
    if (ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' || ce.code === 'commander.help') return 0;
    if (typeof ce.exitCode === 'number') return ce.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}
