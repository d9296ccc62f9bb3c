// `npm run chaos [-- --size ci|full] [--n 1000] [--seed 42] [--json report.json]`
// Runs the chaos run (see run-chaos.ts), prints its report, and exits 1 when a decision was lost,
// conflicting, split, unexpected or late, a decision held by the SNS outage went out more than 5 s
// after SNS's return, a message was dead-lettered, the replay texted or decided anything, an
// UNDELIVERABLE came from no failure event of its question or from one after its decision, or a
// worker crashed by itself.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULTS, PRESETS, runChaos, type ChaosReport } from "./run-chaos.ts";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "full" },
    n: { type: "string" },
    seed: { type: "string" },
    json: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const size = values.size === "ci" ? "ci" : values.size === "full" ? "full" : undefined;
if (!size) {
  process.stderr.write(`--size must be ci or full, not ${values.size}\n`);
  process.exit(2);
}
const preset = PRESETS[size];
const n = values.n === undefined ? preset.n : Number(values.n);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(n) || n < 2 || !Number.isInteger(seed)) {
  process.stderr.write("--n must be an integer ≥ 2 and --seed an integer\n");
  process.exit(2);
}

const started = Date.now();
const log = (line: string) => {
  if (!values.quiet) process.stderr.write(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
};

// Bigger runs need longer: keep the full preset's pace (requests per second of the send window).
const scale = Math.max(1, n / preset.n);
const report: ChaosReport = await runChaos({
  ...DEFAULTS,
  n,
  seed,
  sendWindowMs: Math.round(preset.sendWindowMs * scale),
  chaosMs: Math.round(preset.chaosMs * scale),
  killEveryMs: [...preset.killEveryMs],
  ...("killAllAtMs" in preset ? { killAllAtMs: Math.round(preset.killAllAtMs * scale) } : {}),
  // Its length is set by the inbound redrive, not by the run's size.
  snsOutage: { ...preset.snsOutage, atMs: Math.round(preset.snsOutage.atMs * scale) },
  redisFreeze: { ...preset.redisFreeze, atMs: Math.round(preset.redisFreeze.atMs * scale) },
  deadlineMs: Math.round(preset.deadlineMs * scale),
  log,
});

if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(formatReport(report));
process.exit(report.failures.length === 0 ? 0 : 1);

function formatReport(r: ChaosReport): string {
  const d = r.decisions;
  const f = r.faults;
  const o = r.snsOutage;
  const replay = r.replay;
  const e = r.deliveryEvents;
  const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(2)} s`);
  const rows: Array<[string, string | number]> = [
    ["verifications (decisions expected)", d.expected],
    ["decision events published", d.published],
    ["decided", d.decided],
    ["lost", d.lost],
    ["conflicting (two decisions for one transactionId)", d.conflicting],
    ["decided under two eventIds", d.splitEventIds],
    ["duplicate eventIds (re-publishes, identical body)", d.duplicateEventIds],
    ["duplicate eventIds with a different body", d.duplicateEventIdsWithDifferentBody],
    ["decided otherwise than the replies said", d.unexpected],
    ["UNDELIVERABLE NOT_SENT (sender killed mid-send) / of which Pinpoint had accepted", `${d.notSent} / ${r.sms.notSentButAccepted}`],
    ["EXPIRED > 5 s past the deadline", d.lateExpired],
    ["latest EXPIRED after its deadline", d.maxExpiryDelayMs === null ? "-" : `${(d.maxExpiryDelayMs / 1000).toFixed(2)} s`],
    [
      "SNS outage / inbound redrive (receives × visibility)",
      `${seconds(o.outageMs)} / ${seconds(o.inboundRedriveMs)} (${o.from} to ${o.to})`,
    ],
    ["replies sent / decisions taken while SNS was down", `${o.repliesSentDuringOutage} / ${o.decidedDuringOutage}`],
    ["decisions held until SNS's return, all published", o.heldUntilReturn],
    ["SNS's return to the last of them published", seconds(o.lastPublishAfterReturnMs)],
    ["delivery events sent / sent twice / out of order / late / unknown MessageId", `${e.eventsSent} / ${e.duplicates} / ${e.reordered} / ${e.late} / ${e.strays}`],
    [
      "failure events sent for questions (after their decision) / for other texts",
      `${e.questionFailures} (${e.questionFailuresAfterDecision}) / ${e.otherTextFailures}`,
    ],
    ["UNDELIVERABLE by a failure event / none sent for it / sent after its decision", `${e.undeliverableByEvent} / ${e.withoutFailureSent} / ${e.afterDecision}`],
    ["other decisions showing delivery FAILED", e.failedDeliveryOtherwise],
    ["failure event to UNDELIVERABLE published: longest / over 5 s", `${seconds(e.maxFailureToPublishMs)} / ${e.slowerThan5s}`],
    ["dead-lettered requests / replies / delivery events", `${r.deadLettered.requests} / ${r.deadLettered.inbound} / ${r.deadLettered.smsEvents}`],
    ["replay: requests sent again", replay.requestsReplayed],
    ["replay: questions texted / other SMS (owed confirmations)", `${replay.questionsTexted} / ${replay.otherSmsSent}`],
    ["replay: events / with a new eventId / with another body", `${replay.eventsPublished} / ${replay.newEventIds} / ${replay.changedBodies}`],
    ["by decision", Object.entries(d.byDecision).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["wall time", `${r.wallSeconds.toFixed(1)} s (${r.ended})`],
    ["workers SIGKILLed / started", `${f.workerKills} / ${f.workerStarts}`],
    ["all workers killed at once at", f.allWorkersKilledAt.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ") || "-"],
    ["redis SIGKILL + restart", `${f.redisRestarts} (${f.redisDownMs} ms down)`],
    ["redis frozen (SIGSTOP) / workers that paused for it", `${f.redisFrozenMs} ms / ${f.workersPausedByFreeze}`],
    ["SendTextMessage calls / failed before / failed after sending", `${f.sms.matched} / ${f.sms.failedBefore} / ${f.sms.failedAfter}`],
    ["SNS publish calls / failed before / failed after publishing", `${f.sns.matched} / ${f.sns.failedBefore} / ${f.sns.failedAfter}`],
    ["SNS publish calls refused during the outage", f.sns.refusedWhileDown],
    ["duplicate requests / replies sent", `${f.duplicateRequestsSent} / ${f.duplicateRepliesSent}`],
    ["SMS sent; questions texted twice", `${r.sms.sent}; ${r.sms.questionTextedMoreThanOnce}`],
    ["worker crashes (exits nobody asked for)", r.workers.unexpectedExits],
    ["worker error lines", Object.entries(r.workers.errors).map(([k, v]) => `${k}: ${v}`).join("; ") || "0"],
    ["queues at end (ready/in flight)", Object.entries(r.queuesAtEnd).map(([k, q]) => `${k} ${q.ready}/${q.inFlight}`).join(", ")],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    `chaos run: ${r.options.n} verifications, ${r.options.workers} workers, seed ${r.options.seed}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
  ];
  for (const [kind, examples] of Object.entries(d.examples)) if (examples.length > 0) lines.push(`  e.g. ${kind}: ${examples.join("; ")}`);
  if (replay.examples.length > 0) lines.push(`  e.g. replay: ${replay.examples.join("; ")}`);
  if (e.examples.length > 0) lines.push(`  e.g. delivery: ${e.examples.join("; ")}`);
  lines.push(r.failures.length === 0 ? "RESULT: pass" : `RESULT: FAIL (${r.failures.join(", ")})`);
  return `${lines.join("\n")}\n`;
}
