// CPU profile of this process while a piece of work runs, summarised as the top self-time
// frames (the figure issue 16 asks for). Also a CLI for profiles written by `node --cpu-prof`:
// `npx tsx bench/cpu-profile.ts <file.cpuprofile> [n]`.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The parts of a V8 `.cpuprofile` (Chrome DevTools protocol `Profiler.Profile`) used here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface Frame {
  /** `function (file:line)`; `(program)`, `(garbage collector)` and `(idle)` as V8 names them. */
  name: string;
  selfMs: number;
  share: number;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
  return `${name} (${path.basename(path.dirname(file))}/${path.basename(file)}:${lineNumber + 1})`;
}

/** Self time per frame, summed over the samples; `(idle)` left out of the shares. */
export function topSelfFrames(profile: CpuProfile, count = 10): Frame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let busy = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    if (!node) continue;
    const name = frameName(node);
    if (name === '(idle)') continue;
    const us = deltas[i + 1] ?? deltas[i] ?? 0;
    self.set(name, (self.get(name) ?? 0) + us);
    busy += us;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busy > 0 ? us / busy : 0 }));
}

export function formatFrames(title: string, frames: readonly Frame[]): string {
  const lines = frames.map(
    (f, i) =>
      `${String(i + 1).padStart(3)}. ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}`,
  );
  return [`# ${title}: top self-time frames (share of non-idle samples)`, ...lines].join('\n');
}

/** Runs `work` with V8's sampling profiler on in this process. */
export async function profileWhile<T>(
  work: () => Promise<T>,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    const result = await work();
    const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: npx tsx bench/cpu-profile.ts <file.cpuprofile> [count]\n');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${formatFrames(file, topSelfFrames(profile, Number(n ?? 20)))}\n`);
}
