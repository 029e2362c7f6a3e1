// Type test: `tsc -p __test__/types` must pass. Right calls type-check; each `@ts-expect-error`
// line is a wrong call that must fail to (tsc reports an unused directive if it compiles).
import rsheapdump, { writeSnapshot, analyzeSnapshot, codes, type ErrorCode, type RsheapdumpError } from 'rsheapdump';
import * as analyze from 'rsheapdump/analyze';

async function rightCalls(): Promise<void> {
  const file: string = await writeSnapshot('/tmp/x.heapsnapshot', { gzip: 6 });
  await writeSnapshot((err, name) => void (err ? err.code : name));
  const summary = await analyzeSnapshot(file, { signal: AbortSignal.timeout(1000), onProgress: (phase, f) => void [phase.length, f] });
  analyze.analyzeSnapshotSync(file, (phase) => void (phase === 'dominators'));
  const total: number = summary.statistics.total;
  const first: string | undefined = summary.classes[0]?.name;
  const same = await analyze.analyzeSnapshot(file);
  const sameTotal: number = same.statistics.total;
  const code: ErrorCode = codes.PARSE;
  const parse: 'ERR_RSHEAPDUMP_PARSE' = analyze.codes.PARSE;
  const cpu = await rsheapdump.analyzeCpuProfile('a.cpuprofile', { limit: 5 });
  const self: number = cpu.functions[0].self;
  const svg: string = await analyze.flameGraph('a.cpuprofile', { width: 800, signal: AbortSignal.timeout(1000), onProgress: (stage) => void (stage === 'reading') });
  analyze.foldProfileSync('a.cpuprofile', (stage) => void (stage === 'analyzing'));
  void svg;
  const d = await analyze.diffProfiles('a.cpuprofile', 'b.cpuprofile', { normalize: 'share', failOnRegression: 10, signal: AbortSignal.timeout(1000) });
  const drop: number = d.functions[0].selfDelta;
  const change: number | undefined = d.functions[0].selfChange;
  const grew: string[] = rsheapdump.diffProfilesSync('a', 'b', { noiseFloor: 0.5 }).regressions.map((r) => r.what);
  void [drop, change, grew, codes.MISMATCHED_INPUTS];
  try {
    await rsheapdump.findLeaks('a', 'b', 'c', { limit: 3 });
  } catch (e) {
    const err = e as RsheapdumpError;
    if (err.code === codes.UNRELATED_SNAPSHOTS) void err.message;
  }
  void [total, first, sameTotal, code, parse, self];
}

function wrongCalls(): void {
  // @ts-expect-error gzip is a boolean or a level, not a string
  void writeSnapshot('x', { gzip: 'yes' });
  // @ts-expect-error the path is a string
  void analyzeSnapshot(42);
  // @ts-expect-error a limit is a number
  void rsheapdump.analyzeCpuProfile('a.cpuprofile', { limit: 'x' });
  // @ts-expect-error a signal is an AbortSignal
  void analyzeSnapshot('x', { signal: true });
  // @ts-expect-error the phases are named
  void analyzeSnapshot('x', { onProgress: (phase: 'reading') => phase });
  // @ts-expect-error a profile's stages are 'reading', 'parsing', 'analyzing'
  void rsheapdump.analyzeCpuProfile('a', { onProgress: (stage: 'dominators') => stage });
  // @ts-expect-error normalize is 'time' or 'share'
  void analyze.diffProfiles('a', 'b', { normalize: 'samples' });
  // @ts-expect-error the blocking twins take no signal
  void analyze.diffProfilesSync('a', 'b', { signal: AbortSignal.abort() });
  // @ts-expect-error the blocking twins take no signal
  void analyze.flameGraphSync('a', { signal: AbortSignal.abort() });
  // @ts-expect-error the blocking twins take no signal
  void analyze.findLeaksSync('a', 'b', 'c', { signal: AbortSignal.abort() });
  // @ts-expect-error no such code
  void codes.NO_SUCH_CODE;
  // @ts-expect-error capture is not part of rsheapdump/analyze
  void analyze.writeSnapshot;
  // @ts-expect-error an ErrorCode is one of the codes
  const code: ErrorCode = 'ERR_SOMETHING_ELSE';
  void code;
}

void rightCalls;
void wrongCalls;
