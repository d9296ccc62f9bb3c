import type { LocalSystem } from "../local-system.ts";
import { DemoContext, type DemoOutcome } from "./demo-context.ts";
import { SCENARIOS } from "./scenarios.ts";

/** Runs every scenario at once, prints each decision as it arrives; true when all are as expected. */
export async function runDemo(system: LocalSystem, print: (line: string) => void): Promise<boolean> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const demo = new DemoContext(system);
  print(`demo: ${SCENARIOS.length} scenarios at once (${SCENARIOS.map((s) => s.name).join(", ")}); the no-reply one waits out its 30 s reply window`);

  const results = await Promise.all(
    SCENARIOS.map(async (scenario) => {
      try {
        const outcomes = await scenario.run(demo);
        return outcomes.map((outcome) => {
          const ok = isAsExpected(outcome);
          print(describe(outcome, ok, seconds()));
          return ok;
        });
      } catch (error) {
        print(`  ✘ ${scenario.name.padEnd(20)} failed: ${error instanceof Error ? error.message : String(error)}`);
        return [false];
      }
    }),
  );
  const expected = SCENARIOS.reduce((sum, scenario) => sum + scenario.decisions, 0);
  const passed = results.flat().filter(Boolean).length;
  const allPassed = passed === expected;
  print(`demo ${allPassed ? "passed" : "FAILED"}: ${passed} of ${expected} decisions as expected in ${seconds()} s`);
  return allPassed;
}

function isAsExpected(outcome: DemoOutcome): boolean {
  const { event } = outcome.received;
  if (event.decision !== outcome.expected) return false;
  if (outcome.expectedReason !== undefined && event.undeliverableReason !== outcome.expectedReason) return false;
  const { decidedWithin } = outcome;
  if (decidedWithin && !(Date.parse(event.decidedAt) - decidedWithin.since <= decidedWithin.ms)) return false;
  return outcome.expectedCorrelation === undefined || event.reply?.correlatedBy === outcome.expectedCorrelation;
}

function expectation(outcome: DemoOutcome): string {
  const { expectedCorrelation, expectedReason, decidedWithin } = outcome;
  return [
    outcome.expected,
    expectedCorrelation ? ` by ${expectedCorrelation}` : "",
    expectedReason ? ` (${expectedReason})` : "",
    decidedWithin ? ` within ${decidedWithin.ms / 1000} s of ${decidedWithin.after}` : "",
  ].join("");
}

function describe(outcome: DemoOutcome, ok: boolean, elapsed: string): string {
  const { event } = outcome.received;
  const correlation = event.reply ? `, correlated by ${event.reply.correlatedBy}` : "";
  const verdict = ok ? "" : `   (expected ${expectation(outcome)})`;
  return `  ${ok ? "✔" : "✘"} ${outcome.label.padEnd(20)} ${event.decision.padEnd(13)} ${event.transactionId.padEnd(25)} ${outcome.story}${correlation}  [${elapsed} s]${verdict}`;
}
