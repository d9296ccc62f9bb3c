import { describe, expect, it } from "vitest";
import { spawnDev } from "../../support/dev-process.ts";

const HANDSETS = ["+12065550101", "+12065550102", "+12065550103", "+12065550104", "+12065550105", "+12065550106"];

describe("npm run dev -- --demo", () => {
  it("runs every scenario end to end, prints each decision, and exits 0", { timeout: 120_000 }, async () => {
    // debug: every log line the service can write, to check none carries a phone number.
    const demo = spawnDev(["--demo", "--port", "0"], { LOG_LEVEL: "debug" });
    const { code } = await demo.exited;
    const out = demo.stdout();

    expect(code, `stdout:\n${out}\nstderr:\n${demo.stderr().slice(-2000)}`).toBe(0);
    expect(out).toMatch(/✔ approve +APPROVED +demo-approve-\S+ .*correlated by previousPublishedMessageId/);
    expect(out).toMatch(/✔ deny +DENIED +demo-deny-\S+ .*correlated by previousPublishedMessageId/);
    expect(out).toMatch(/✔ no reply +EXPIRED +demo-expire-\S+/);
    expect(out).toMatch(/✔ STOP +OPTED_OUT +demo-stop-\S+/);
    expect(out).toMatch(/✔ two pending: taxi +DENIED +demo-taxi-\S+ .*"NO \d{3}", correlated by referenceCode/);
    expect(out).toMatch(/✔ two pending: pizza +APPROVED +demo-pizza-\S+ .*"YES \d{3}", correlated by referenceCode/);
    const unreachable = out.match(
      /✔ unreachable +UNDELIVERABLE +demo-unreachable-\S+ +the carrier reports TEXT_CARRIER_UNREACHABLE; decided (\d+\.\d) s after the request \((\d+) ms after the event\), not after its 600 s window/,
    );
    expect(unreachable, out).not.toBeNull();
    expect(Number(unreachable?.[1])).toBeLessThan(10);
    expect(Number(unreachable?.[2])).toBeLessThanOrEqual(5_000);
    expect(out).toMatch(/^demo passed: 7 of 7 decisions as expected in \d+\.\d s$/m);
    expect(out).not.toContain("✘");

    const logs = demo.stderr();
    expect(logs).toContain('"msg":"service started"');
    for (const handset of HANDSETS) expect(logs).not.toContain(handset.slice(1));
  });
});
