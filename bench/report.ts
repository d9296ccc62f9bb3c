/** The human-readable table of a bench run (`--json` prints the same figures as one object). */
import type { BenchResult, PhaseUse, SentCommands } from "./run.ts";
import type { Summary } from "./statistics.ts";

function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pct(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? "n/a" : `${(value * 100).toFixed(digits)} %`;
}

function ms(summary: Summary): string {
  return `p50 ${num(summary.p50, 1)} ms · p99 ${num(summary.p99, 1)} ms · max ${num(summary.max, 1)} ms  (n=${summary.count})`;
}

function stage(summary: Summary): string {
  return `${num(summary.p50, 1)} / ${num(summary.p99, 1)}`;
}

function cores(use: PhaseUse): string {
  const part = (name: string, value: number | null) => `${name} ${value === null ? "n/a" : value.toFixed(2)}`;
  return [
    part("service", use.service.cores),
    part("emulator", use.emulator.cores),
    part("redis", use.redis.cores),
    part("bench", use.bench.cores),
  ].join(" · ");
}

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => (label === "" ? value : `  ${label.padEnd(width)}  ${value}`)).join("\n");
}

export function formatReport(result: BenchResult): string {
  const { machine: m, parameters: p, ceiling: c, burst: b, redis: r, service: s, segments: g } = result;
  const rows: Array<readonly [string, string]> = [
    ["", `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.nodeVersion}, redis ${m.redisVersion}, fauxqs ${m.fauxqsVersion}, load ${num(m.loadAverage1m, 2)}`],
    ["", `Run: N=${p.n}, rates ${p.rates.join(", ")}/s × ${p.durationSeconds} s, memory N=${p.memoryN}, segments N=${p.segmentsN}, warm-up ${p.warmup}, seed ${p.seed}${p.quick ? " (quick)" : ""}; ${num(result.durationSeconds, 1)} s in all`],
    ["", ""],
    ["", "1. Transport ceiling (bare consumer process: receive 10 + long poll, delete in batches)"],
    ["1 receive loop", `${num(c.single.messagesPerSecond)} msg/s  (${num(c.messages)} in ${num(c.single.seconds, 2)} s)`],
    [`${c.concurrent.pollers} receive loops`, `${num(c.concurrent.messagesPerSecond)} msg/s  (${num(c.messages)} in ${num(c.concurrent.seconds, 2)} s)`],
    ["CPU (1 loop), cores", cores(c.single.use)],
    ["", ""],
    ["", "2. Burst (N replies published at once, PublishBatch of 10)"],
    ["decisions/s", `${num(b.decisionsPerSecond)}  (${num(b.decisions)} in ${num(b.seconds, 2)} s; publishing took ${num(b.publishSeconds, 2)} s)`],
    ["ratio to ceiling", `${pct(b.ratioToCeiling)} of 1 loop · ${pct(b.ratioToConcurrentCeiling)} of ${c.concurrent.pollers} loops`],
    ["publish → decision", ms(b.latencyMs)],
    ["CPU, cores", cores(b.use)],
    ["opening (request → SMS)", `${num(b.open.perSecond)} verifications/s  (${num(b.open.verifications)} in ${num(b.open.seconds, 2)} s)`],
    ["", ""],
    ["", "3. Steady replies (publish → decision observed)"],
    ...result.steady.flatMap((run) => [
      [
        `${num(run.ratePerSecond)}/s × ${num(run.durationSeconds)} s`,
        `${ms(run.latencyMs)}; ${num(run.decisionsPerSecond)} decisions/s${run.keptUp ? "" : "  (did NOT keep up)"}`,
      ] as const,
      [
        "  stages p50 / p99",
        `reply → decided ${stage(run.stagesMs.replyToDecided)} · → topic ${stage(run.stagesMs.decidedToTopic)} · → subscriber ${stage(run.stagesMs.topicToSubscriber)} ms`,
      ] as const,
      ["  CPU, cores", cores(run.use)] as const,
    ]),
    ["", ""],
    ["", "4. Redis (sent = commands the service sends, EVALSHA = script round trips; executed = INFO commandstats, incl. inside scripts)"],
    ["sent / decision", sent(r.sent.perDecision, r.sent.sample)],
    ["sent / opened", sent(r.sent.perOpenedVerification, r.sent.sample)],
    ["executed / decision", `${num(r.perDecision.commands, 2)}  (EVALSHA ${num(r.perDecision.evalsha, 2)}; ${num(r.perDecision.usec, 1)} µs in Redis)  ${breakdown(r.perDecision.byCommand)}`],
    ["executed / opened", `${num(r.perOpenedVerification.commands, 2)}  (EVALSHA ${num(r.perOpenedVerification.evalsha, 2)}; ${num(r.perOpenedVerification.usec, 1)} µs in Redis)  ${breakdown(r.perOpenedVerification.byCommand)}`],
    ["memory / open verification", `${num(r.memory.bytesPerOpenVerification)} bytes, ${num(r.memory.keysPerOpenVerification, 2)} keys  (used_memory +${num(r.memory.usedMemoryDeltaBytes / 1024 / 1024, 1)} MiB for ${num(r.memory.openVerifications)} open)`],
    ["", ""],
    ["", "5. Service process"],
    ["peak RSS (VmHWM)", `${num(s.peakRssMiB, 1)} MiB  (at end ${num(s.rssAtEndMiB, 1)} MiB)`],
    ["RSS after each phase", Object.entries(s.memoryByPhase).map(([phase, memory]) => `${phase} ${num(memory.rssMiB)}`).join(" · ") + " MiB"],
    ["CPU s / 1,000 decisions", `${num(s.cpuSecondsPer1000Decisions, 3)} (burst)  ${Object.entries(s.cpuSecondsPer1000DecisionsSteady).map(([rate, value]) => `${num(value, 3)} (${rate}/s)`).join("  ")}`],
    ["CPU s / 1,000 opened", num(s.cpuSecondsPer1000Opens, 3)],
    ["log lines (warn+)", num(s.logLines)],
    ["", ""],
    ["", `6. SMS segments (${num(g.requests)} realistic requests, seed ${g.seed})`],
    ["question fits 1 segment", `${pct(g.oneSegmentShare)}  (${num(g.oneSegment)}); with a reference code ${pct(g.withReferenceCode.oneSegmentShare)}`],
    ["encodings", `GSM-7 ${num(g.encodings["GSM-7"])} · UCS-2 ${num(g.encodings["UCS-2"])}; segments 1: ${num(g.segments["1"])} · 2: ${num(g.segments["2"])} · 3+: ${num(g.segments["3+"])}; merchant shortened ${num(g.merchantShortened)}`],
    ...fraudWaveRows(result),
    ["", ""],
    ["", `Checks: ${num(result.checks.checked)} decisions checked — ${result.checks.wrong} wrong, ${result.checks.duplicate} duplicate, ${result.checks.unexpected} unexpected, ${result.checks.missing} missing; correlated by ${Object.entries(result.checks.correlatedBy).map(([how, count]) => `${how} ${num(count)}`).join(", ")}`],
  ];
  return `${table(rows)}\n`;
}

function fraudWaveRows(result: BenchResult): Array<readonly [string, string]> {
  const w = result.fraudWave;
  if (!w) return [];
  const seconds = (value: number | null) => (value === null ? "n/a" : `${num(value / 1000, 1)} s`);
  const t = w.timeToQuestionMs;
  return [
    ["", ""],
    ["", `7. Fraud wave (${num(w.requests)} requests at once; the SMS provider throttling above ${num(w.partsPerSecond, 1)} parts/s, the service ${w.paced ? "paced to it" : "NOT paced (--fraud-wave-unpaced)"})`],
    ["request → question", `p50 ${seconds(t.p50)} · p99 ${seconds(t.p99)} · max ${seconds(t.max)}  (n=${t.count})`],
    ...(w.completed ? [] : [["INCOMPLETE", `only ${num(w.questionsSent)} of ${num(w.requests)} questions sent before the wave stalled`] as const]),
    ["questions", `${num(w.questionParts)} parts (${num(w.minimumSeconds, 1)} s at the rate) all sent in ${num(w.lastQuestionSeconds, 1)} s = ${num(w.questionPartsPerSecond, 2)} parts/s`],
    ["throttles received", `${num(w.throttles)}  (target 0)`],
    [
      "order",
      `${w.orderHeld ? "held" : "NOT held"}: ${num(w.confirmationsBeforeLastQuestion)} confirmations before the last question (the first came ${seconds(w.firstConfirmationAfterMs)} after it); ${num(w.decisions)} decisions, ${num(w.deadLettered)} dead-lettered`,
    ],
  ];
}

function sent(figures: SentCommands, sample: number): string {
  return `${num(figures.topLevel, 2)} commands, ${num(figures.evalsha, 2)} of them scripts; +${num(figures.inScripts, 2)} inside scripts  ${breakdown(figures.topLevelByCommand)}  (sample of ${sample})`;
}

function breakdown(byCommand: Record<string, number>): string {
  const entries = Object.entries(byCommand)
    .sort(([, a], [, b]) => b - a)
    .map(([name, value]) => `${name} ${num(value, 2)}`);
  return entries.length === 0 ? "" : `[${entries.join(", ")}]`;
}
