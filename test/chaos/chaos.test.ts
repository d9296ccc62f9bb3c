// The chaos run (scripts/chaos) at CI size: 60 verifications on 3 service processes, with workers
// SIGKILLed, Redis SIGKILLed and restarted, every worker killed at once, SMS and SNS calls failing,
// SNS down for longer than the inbound redrive, duplicate deliveries, delivery events (duplicated,
// out of order, late, failures of unreachable handsets, failures racing a YES or after the decision),
// and every request replayed at the end. Asserts the report: exit 0, nothing lost, conflicting,
// split, late or dead-lettered, what the outage held published within 5 s of SNS's return, the
// replay changed nothing, every UNDELIVERABLE by a delivery event had its failure sent before any
// decision, and that the faults really happened. CHAOS_SEED=<n> replays a run (the traffic and the fault rolls
// follow the seed; timing does not).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChaosReport } from "../../scripts/chaos/run-chaos.ts";

const SEED = process.env.CHAOS_SEED ?? "20261126";
/** The run's own bound (120 s, see PRESETS.ci) plus start-up, the replay and the clean-up. */
const RUN_BOUND_MS = 180_000;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the script in its own process group, so a run that overstays is stopped with everything it started. */
function runChaosScript(args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/chaos/main.ts", ...args], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, RUN_BOUND_MS);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe("chaos run, CI size", () => {
  it(
    "decides every verification exactly once, EXPIRED within 5 s, while workers, Redis, SMS and SNS fail",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "fv-chaos-test-"));
      try {
        const reportFile = join(dir, "report.json");
        const run = await runChaosScript(["--size", "ci", "--seed", SEED, "--json", reportFile]);
        const output = `${run.stdout}\n${run.stderr.slice(-4_000)}`;
        expect(run.signal, output).toBeNull();
        const report = JSON.parse(readFileSync(reportFile, "utf8")) as ChaosReport;
        const d = report.decisions;

        // The faults happened.
        expect(report.faults.workerKills, output).toBeGreaterThanOrEqual(5);
        expect(report.faults.allWorkersKilledAt).toHaveLength(1);
        expect(report.faults.redisRestarts).toBe(1);
        // A frozen Redis keeps its connections open: the workers must notice by themselves.
        expect(report.faults.redisFrozenMs).toBeGreaterThan(0);
        expect(report.faults.workersPausedByFreeze, output).toBeGreaterThanOrEqual(1);
        expect(report.faults.sms.failedBefore).toBeGreaterThan(0);
        expect(report.faults.sns.failedBefore).toBeGreaterThan(0);
        expect(report.faults.sns.refusedWhileDown).toBeGreaterThan(0);
        expect(report.faults.duplicateRequestsSent + report.faults.duplicateRepliesSent).toBeGreaterThan(0);
        const events = report.deliveryEvents;
        expect({ twice: events.duplicates > 0, outOfOrder: events.reordered > 0, late: events.late > 0 }, output).toEqual({
          twice: true,
          outOfOrder: true,
          late: true,
        });
        expect(events.questionFailuresAfterDecision, output).toBeGreaterThan(0);
        // Every kind of decision was exercised.
        expect(Object.keys(d.byDecision).sort(), output).toEqual(["APPROVED", "CANCELLED", "DENIED", "EXPIRED", "OPTED_OUT", "UNDELIVERABLE"]);

        // Exactly one decision per verification.
        expect(d.expected).toBe(60);
        expect({ lost: d.lost, conflicting: d.conflicting, split: d.splitEventIds, differentBody: d.duplicateEventIdsWithDifferentBody }, output).toEqual({
          lost: 0,
          conflicting: 0,
          split: 0,
          differentBody: 0,
        });
        expect(d.decided).toBe(60);
        expect(d.unexpected, output).toBe(0);
        expect(d.lateExpired, output).toBe(0);
        expect(report.workers.unexpectedExits, output).toBe(0);

        // SNS down for longer than a failing reply takes to reach the DLQ: replies were still
        // acknowledged (nothing dead-lettered) and what the outage held went out within 5 s of its end.
        const outage = report.snsOutage;
        expect(outage.outageMs).toBeGreaterThan(outage.inboundRedriveMs);
        expect(outage.repliesSentDuringOutage, output).toBeGreaterThan(0);
        expect(outage.decidedDuringOutage, output).toBeGreaterThan(0);
        expect(outage.heldUntilReturn, output).toBeGreaterThan(0);
        expect(outage.lastPublishAfterReturnMs, output).toBeLessThanOrEqual(5_000);
        expect(report.deadLettered, output).toEqual({ requests: 0, inbound: 0, smsEvents: 0 });

        // Unreachable handsets were decided by their failure events, and no other failure decided.
        expect(events.undeliverableByEvent, output).toBeGreaterThan(0);
        expect(
          { withoutFailure: events.withoutFailureSent, afterDecision: events.afterDecision, failedOtherwise: events.failedDeliveryOtherwise },
          output,
        ).toEqual({ withoutFailure: 0, afterDecision: 0, failedOtherwise: 0 });

        // Every request sent again after the run: no question texted, no new or changed event.
        expect(report.replay.requestsReplayed).toBeGreaterThanOrEqual(60);
        expect({ questions: report.replay.questionsTexted, newEventIds: report.replay.newEventIds, changed: report.replay.changedBodies }, output).toEqual({
          questions: 0,
          newEventIds: 0,
          changed: 0,
        });
        expect(report.ended, output).toBe("quiescent");
        expect(run.code, output).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    RUN_BOUND_MS + 10_000,
  );
});
