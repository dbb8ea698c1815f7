/** The vmlab command line. */
import { Command, Option } from 'commander';
import { parseSize, parseCount, parseTimebase, parseTlb, parseAd, parseWalkCaches } from './options.js';
import { runCommand } from './run.js';
import { compareCommand, ALL_WORKLOADS, ALL_STRATEGIES } from './compare.js';
import { runVmCommand } from './run-vm.js';
import { cellCommand } from './cell.js';
import { FORMAT_NAMES } from '../compare/formats/index.js';
import { defaultThreads } from '../sweep/pool.js';

const VMM_STRATEGIES = ALL_STRATEGIES.filter((s) => s !== 'native');
import { parseList } from './options.js';

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
    .addOption(new Option('--format <format>', 'output: table, markdown, csv or json').choices(FORMAT_NAMES).default('table'))
    .addOption(new Option('--json', 'the same as --format json').conflicts('format'))
    .option('--wide', 'table and markdown: the explanation columns too (exit kinds, cycle breakdown); wider than 120 columns')
    .option('--plot <file.svg>', 'also write a bar chart of performance vs native per workload and strategy (SVG)')
    .addOption(new Option('--jobs <n>', 'worker threads running the cells (1: in this process)').default(defaultThreads(), 'one per core').argParser(parseCount))
    .option('--cost <file>', 'JSON file overriding cost-model constants, e.g. {"memRef": 40, "exit": {"sbi": 1500}}')
    .option('--set <key=value...>', 'override one cost constant (repeatable): cpi, memRef, tlbFlush, emulate, shadowUpdate, guestWalkRef, reflect, exit.<kind>')
    .option('--count <workload=n...>', 'iterations of a workload (repeatable), e.g. --count tlb=500000')
    .option('--image <file>', 'guest kernel image (default: guests/build/minios.elf)')
    .addOption(new Option('--walk-caches <list>', 'the host hardware\'s walk accelerators for every run: pwc, ntlb, pwc,ntlb or none').default({ pwc: false, ntlb: false }, 'none').argParser(parseWalkCaches))
    .option('--plan', 'print the cells (one JSON job description a line) instead of running them: for `vmlab cell` or a job engine')
    .option('--from <results.jsonl>', 'build the table from cell results (`vmlab cell` output) instead of running the cells')
    .action(async (opts) => { code = await compareCommand(opts); });

  program
    .command('cell')
    .description('run compare cells given as JSON Lines (from `vmlab compare --plan`); print their results as JSON Lines, in order')
    .argument('[file]', 'cells, one JSON object a line (default: standard input)')
    .addOption(new Option('--jobs <n>', 'worker threads (1: in this process)').default(defaultThreads(), 'one per core').argParser(parseCount))
    .action(async (file: string | undefined, opts) => { code = await cellCommand(file, opts); });

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
