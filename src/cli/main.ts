/**
 * The vmlab command line. Each command's implementation is imported when the command runs, so
 * `vmlab run` does not pay for loading the migration's plotting or the sweep's worker pool.
 */
import { Command, Option } from 'commander';
import { parseSize, parseCount, parseTimebase, parseTlb, parseAd, parseWalkCaches, parseList } from './options.js';
import { parseHostPort, parsePort, parsePokes, parseMs, parseRate } from './options.js';
import { HART_PROFILES } from '../../bindings/machine.js';
import { FORMAT_NAMES } from '../compare/formats/index.js';
import { WORKLOADS } from '../compare/workloads.js';
import { POLICIES } from '../migration/options.js';
import { STRATEGIES } from '../vmm/strategy.js';
import { defaultThreads } from '../sweep/threads.js';

const ALL_WORKLOADS = WORKLOADS.map((w) => w.name);
const VMM_STRATEGIES = STRATEGIES.filter((s) => s !== 'native');

/** --profile standard|critical (docs/BT.md). */
const profileOption = (what: string) =>
  new Option('--profile <profile>', `${what}: standard or critical (docs/BT.md)`).default('standard').argParser((t) => parseList(t, HART_PROFILES, 'profile')[0]);

/** Runs the vmlab command line on `argv` (without node and script); resolves to the exit status. */
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
    .addOption(profileOption('the hart\'s ISA profile'))
    .option('--stats', 'print instructions, MIPS, TLB and page-walk counters to stderr')
    .addOption(new Option('--trace <n>', 'print the first n instructions executed to stderr').argParser(parseCount))
    .addOption(new Option('--vmm <strategy>', 'boot the image\'s kernel_entry in a VM under a VMM strategy: trap-emulate, bt, hw-shadow, hw-nested or pv (a PV kernel: minios-pv.elf)').argParser((t) => parseList(t, VMM_STRATEGIES, 'strategy')[0]))
    .option('--bootargs <text>', 'with --vmm: the guest\'s boot arguments (minios_bootargs), e.g. "fork=100"')
    .option('--disk <file>', 'a raw disk image: a virtio-blk device at 0x10001000 (with --vmm pv: the block split driver\'s backend)')
    .action(async (file: string, opts) => {
      if (opts.bootargs !== undefined && !opts.vmm) { process.stderr.write('vmlab: --bootargs needs --vmm\n'); code = 2; return; }
      code = opts.vmm ? await (await import('./run-vm.js')).runVmCommand(file, opts) : await (await import('./run.js')).runCommand(file, opts);
    });

  program
    .command('compare')
    .description('run each workload natively and under each VMM strategy; print performance relative to native and why')
    .addOption(new Option('--workloads <list>', `comma-separated: ${ALL_WORKLOADS.join(', ')}`).default(ALL_WORKLOADS, 'all').argParser((t) => parseList(t, ALL_WORKLOADS, 'workload')))
    .addOption(new Option('--strategies <list>', `comma-separated: ${STRATEGIES.join(', ')} (native always runs: it is the baseline)`).default(STRATEGIES, 'all').argParser((t) => parseList(t, STRATEGIES, 'strategy')))
    .addOption(new Option('--format <format>', 'output: table, markdown, csv or json').choices(FORMAT_NAMES).default('table'))
    .addOption(new Option('--json', 'the same as --format json').conflicts('format'))
    .option('--wide', 'table and markdown: the explanation columns too (exit kinds, cycle breakdown); wider than 120 columns')
    .option('--plot <file.svg>', 'also write a bar chart of performance vs native per workload and strategy (SVG)')
    .addOption(new Option('--jobs <n>', 'worker threads running the cells (1: in this process)').default(defaultThreads(), 'one per core').argParser(parseCount))
    .option('--cost <file>', 'JSON file overriding cost-model constants, e.g. {"memRef": 40, "exit": {"sbi": 1500}}')
    .option('--set <key=value...>', 'override one cost constant (repeatable): cpi, memRef, tlbFlush, emulate, shadowUpdate, guestWalkRef, reflect, translate, validatePte, exit.<kind> (exit.callout for every callout of bt); or a strategy parameter: pv.batch=N, trap-emulate|hw-shadow|bt.flood=N|off')
    .option('--count <workload=n...>', 'iterations of a workload (repeatable), e.g. --count tlb=500000')
    .option('--image <file>', 'guest kernel image (default: guests/build/minios.elf)')
    .option('--pv-image <file>', 'the PV kernel the pv strategy runs (default: guests/build/minios-pv.elf)')
    .addOption(new Option('--walk-caches <list>', 'the host hardware\'s walk accelerators for every run: pwc, ntlb, pwc,ntlb or none').default({ pwc: false, ntlb: false }, 'none').argParser(parseWalkCaches))
    .addOption(profileOption('the hart\'s ISA profile for every run (critical: trap-and-emulate cannot virtualize it)'))
    .option('--plan', 'print the cells (one JSON job description a line) instead of running them: for `vmlab cell` or a job engine')
    .option('--from <results.jsonl>', 'build the table from cell results (`vmlab cell` output) instead of running the cells')
    .action(async (opts) => { code = await (await import('./compare.js')).compareCommand(opts); });

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
    .action(async (file: string | undefined, opts) => { code = await (await import('./host.js')).hostCommand(file, opts); });

  program
    .command('cloud')
    .description('the EC2 layer: run a trace of launch/terminate/transfer requests on hosts of several generations; print the bill, utilization and each instance\'s performance')
    .argument('<trace>', 'trace JSON file (docs/CLOUD.md)')
    .option('--json', 'print everything as JSON')
    .action(async (file: string, opts) => { code = await (await import('./cloud.js')).cloudCommand(file, opts); });

  program
    .command('classify')
    .description('classify every instruction form by experiment (privileged, control- and behaviour-sensitive, innocuous) and check Popek and Goldberg\'s condition, sensitive ⊆ privileged; exit status 1 when it fails')
    .addOption(profileOption('the hart\'s ISA profile'))
    .option('--json', 'every form\'s classification as JSON')
    .option('--all', 'list every form, not only the sensitive ones, one row each')
    .action(async (opts) => { code = await (await import('./classify.js')).classifyCommand(opts); });

  program
    .command('cell')
    .description('run compare cells given as JSON Lines (from `vmlab compare --plan`); print their results as JSON Lines, in order')
    .argument('[file]', 'cells, one JSON object a line (default: standard input)')
    .addOption(new Option('--jobs <n>', 'worker threads (1: in this process)').default(defaultThreads(), 'one per core').argParser(parseCount))
    .action(async (file: string | undefined, opts) => { code = await (await import('./cell.js')).cellCommand(file, opts); });

  program
    .command('serve')
    .description('the destination of live migrations: receive each VM migrated here, resume it and run it to its end (console on stdout)')
    .requiredOption('--listen <port>', 'TCP port to listen on (0: any free port, printed on stderr)', parsePort)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--once', 'end after the first VM, with its exit status')
    .addOption(new Option('--vmm <list>', `the strategies this host takes VMs under (default all): ${STRATEGIES.join(', ')}`).argParser((t) => parseList(t, STRATEGIES, 'strategy')))
    .addOption(new Option('--mem <size>', 'take only VMs with this much RAM').argParser(parseSize))
    .addOption(new Option('--max-insns <n>', 'stop a received VM after n instructions').argParser(parseCount))
    .addOption(new Option('--net <port>', 'this host\'s virtual switch, on a port the source\'s connects to (vmlab migrate --net): PV domains migrated here keep their network').argParser(parsePort))
    .action(async (opts) => { code = await (await import('./serve.js')).serveCommand({ ...opts, accept: { strategies: opts.vmm, ramBytes: opts.mem } }); });

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
    .option('--svg <file>', 'write a plot of the pages per round (and with --net the client\'s throughput)')
    .addOption(new Option('--net <host:port>', 'pv: the guest\'s vif on a switch here joined to the destination\'s (vmlab serve --net), and a client here in a closed loop with the guest\'s netecho: its throughput over time goes in --report and --svg').argParser(parseHostPort))
    .action(async (file: string, opts) => { code = await (await import('./migrate.js')).migrateCommand(file, { ...opts, poke: opts.poke }); });

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
