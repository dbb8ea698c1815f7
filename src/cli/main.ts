/** The vmlab command line. */
import { Command, Option } from 'commander';
import { parseSize, parseCount, parseTimebase, parseTlb, parseAd, parseWalkCaches } from './options.js';
import { runCommand } from './run.js';
import { compareCommand, ALL_WORKLOADS, ALL_STRATEGIES } from './compare.js';
import { runVmCommand } from './run-vm.js';
import { serveCommand } from './serve.js';
import { migrateCommand } from './migrate.js';
import { parseHostPort, parsePort, parsePokes, parseMs, parseRate } from './options.js';
import { POLICIES } from '../migration/options.js';
import { STRATEGIES } from '../vmm/strategy.js';

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
    .addOption(new Option('--vmm <strategy>', 'boot the image\'s kernel_entry in a VM under a VMM strategy: trap-emulate, hw-shadow or hw-nested').argParser((t) => parseList(t, VMM_STRATEGIES, 'strategy')[0]))
    .option('--bootargs <text>', 'with --vmm: the guest\'s boot arguments (minios_bootargs), e.g. "fork=100"')
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
    .option('--set <key=value...>', 'override one cost constant (repeatable): cpi, memRef, tlbFlush, emulate, shadowUpdate, guestWalkRef, reflect, exit.<kind>')
    .option('--count <workload=n...>', 'iterations of a workload (repeatable), e.g. --count tlb=500000')
    .option('--image <file>', 'guest kernel image (default: guests/build/minios.elf)')
    .addOption(new Option('--walk-caches <list>', 'the host hardware\'s walk accelerators for every run: pwc, ntlb, pwc,ntlb or none').default({ pwc: false, ntlb: false }, 'none').argParser(parseWalkCaches))
    .action(async (opts) => { code = await compareCommand(opts); });

  program
    .command('serve')
    .description('the destination of live migrations: receive each VM migrated here, resume it and run it to its end (console on stdout)')
    .requiredOption('--listen <port>', 'TCP port to listen on (0: any free port, printed on stderr)', parsePort)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--once', 'end after the first VM, with its exit status')
    .addOption(new Option('--vmm <list>', `the strategies this host takes VMs under (default all): ${STRATEGIES.join(', ')}`).argParser((t) => parseList(t, STRATEGIES, 'strategy')))
    .addOption(new Option('--mem <size>', 'take only VMs with this much RAM').argParser(parseSize))
    .addOption(new Option('--max-insns <n>', 'stop a received VM after n instructions').argParser(parseCount))
    .action(async (opts) => { code = await serveCommand({ ...opts, accept: { strategies: opts.vmm, ramBytes: opts.mem } }); });

  program
    .command('migrate')
    .description('boot a guest here, run it for a while, and migrate it live to a vmlab serve; prints the figures with --report')
    .argument('<file>', 'guest image')
    .requiredOption('--to <host:port>', 'the destination (vmlab serve --listen PORT)', parseHostPort)
    .addOption(new Option('--vmm <strategy>', `native (a bare machine) or a VMM strategy: ${STRATEGIES.join(', ')}`).default('native').argParser((t) => parseList(t, STRATEGIES, 'strategy')[0]))
    .addOption(new Option('--mem <size>', 'guest RAM').default(64 * 1024 * 1024, '64M').argParser(parseSize))
    .option('--bootargs <text>', 'minios boot arguments, e.g. "dirty=256,100000"')
    .addOption(new Option('--poke <symbol=value...>', 'set a 64-bit word at an image symbol before the start (repeatable), e.g. dirty_pages=512').argParser(parsePokes))
    .addOption(new Option('--after <n>', 'guest instructions to run before migrating').default(10_000_000, '10M').argParser(parseCount))
    .addOption(new Option('--policy <name>', `${POLICIES.join(', ')}`).default('precopy').choices([...POLICIES]))
    .addOption(new Option('--downtime-limit <ms>', 'switch over when what is left would take less than this').argParser(parseMs))
    .addOption(new Option('--max-bandwidth <rate>', 'rate limit of the stream, e.g. 128M (bytes per second)').argParser(parseRate))
    .option('--auto-converge', 'throttle the vCPU while it dirties memory faster than the link sends it')
    .addOption(new Option('--hybrid-rounds <n>', 'hybrid: pre-copy rounds before post-copy').argParser(parseCount))
    .addOption(new Option('--timebase <kind>', 'mtime follows retired instructions (insn) or the host clock (wall: the guest sees the downtime)').default('insn').argParser(parseTimebase))
    .option('--report', 'print the figures (rounds, downtime, bytes) to stderr')
    .option('--json', 'print the figures as JSON on stdout')
    .option('--svg <file>', 'write a plot of the pages per round')
    .action(async (file: string, opts) => { code = await migrateCommand(file, { ...opts, poke: opts.poke }); });

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
